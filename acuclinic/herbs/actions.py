"""Writing, checking, issuing and dispensing a herbal prescription (STYLE.md: `do_*` actions).

Each write is atomic and writes its audit entry (clinic/audit.py). The audit's detail names
facts (which fields, how many), never herbs, doses or reasons: those stay in the records.
A refusal is a `PrescriptionRefused` whose message is a sentence for the practitioner.

The safety check (safety.py) runs against the patient's latest intake as it is *today*:
pregnancy, medicines; so a refill of an old prescription is checked afresh.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from acuclinic.charting.models import Visit
from acuclinic.clinic import audit
from acuclinic.clinic.models import Practitioner, default_clinic
from acuclinic.patients import intake as intakes

from . import materia, safety
from .models import (
    MAX_GRAMS,
    MAX_REASON,
    MIN_GRAMS,
    Dispensing,
    Form,
    HerbPrice,
    Override,
    Prescription,
    PrescriptionItem,
    StartedFrom,
    Status,
    Stock,
    default_currency,
)

MAX_ITEMS = 40
EDITABLE_FIELDS = (
    "form",
    "granule_ratio",
    "days",
    "doses_per_day",
    "decoct_minutes",
    "timing",
    "instructions",
)


class PrescriptionRefused(Exception):
    """The action was not done; str(error) says why, in one sentence."""


@dataclass(frozen=True)
class Facts:
    """What the patient's latest intake says that the safety check and the writer need."""

    pregnant: bool = False
    trying_to_conceive: bool = False
    medications: tuple[str, ...] = ()
    allergies: str = ""
    has_intake: bool = False


# --- facts and the check -----------------------------------------------------------------


def patient_facts(patient: Any) -> Facts:
    """From the newest intake (draft or sent), found by the questions' roles, not their ids."""
    latest = intakes.latest(patient)
    if latest is None:
        return Facts()
    try:
        definition = intakes.definition_of(latest)
    except Exception:  # an intake of a questionnaire version no longer known
        return Facts(has_intake=True)
    answers = latest.answers if isinstance(latest.answers, Mapping) else {}

    def answer(role: str) -> object:
        question = definition.by_role(role)
        return answers.get(question.id) if question is not None else None

    pregnancy = answer("pregnancy")
    chosen = pregnancy if isinstance(pregnancy, list) else []
    medications: list[str] = []
    rows = answer("medications")
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, Mapping):
            parts = [row.get("name"), row.get("dose")]
            text = " ".join(str(p).strip() for p in parts if isinstance(p, str) and p.strip())
            if text:
                medications.append(text)
    allergies = answer("allergies")
    return Facts(
        pregnant="pregnant" in chosen,
        trying_to_conceive="trying" in chosen,
        medications=tuple(medications),
        allergies=allergies.strip() if isinstance(allergies, str) else "",
        has_intake=True,
    )


def jurisdiction() -> str:
    """HERBS_JURISDICTION if set, else the clinic's country code."""
    configured = getattr(settings, "HERBS_JURISDICTION", None)
    if isinstance(configured, str) and configured:
        return configured
    return default_clinic().country or ""


def lines_of(prescription: Prescription, items: Iterable[PrescriptionItem]) -> list[safety.Line]:
    form = "granule" if prescription.form == Form.GRANULES else "raw"
    ratio = float(prescription.granule_ratio) if prescription.granule_ratio else None
    return [
        safety.Line(i.herb, float(i.grams), form, ratio if form == "granule" else None)
        for i in items
    ]


def check(
    prescription: Prescription,
    *,
    facts: Facts | None = None,
    items: Iterable[PrescriptionItem] | None = None,
) -> list[safety.Finding]:
    """Every finding for the prescription as it stands, with its recorded overrides applied."""
    facts = facts if facts is not None else patient_facts(prescription.patient)
    items = list(items) if items is not None else list(prescription.items.all())
    overrides = dict(prescription.overrides.values_list("rule_id", "reason"))
    patient = safety.Patient(
        pregnant=facts.pregnant,
        trying_to_conceive=facts.trying_to_conceive,
        medications=facts.medications,
        jurisdiction=jurisdiction(),
    )
    return safety.check(lines_of(prescription, items), patient, overrides)


# --- starting ----------------------------------------------------------------------------


def _audit(
    action: audit.Action, record: Any, patient_id: int, request: HttpRequest | None, **detail: Any
) -> None:
    audit.record(
        action=action,
        record_type=record,
        record_id=record.pk,
        patient_id=patient_id,
        request=request,
        detail=detail or None,
    )


def _draft(prescription: Prescription) -> None:
    if prescription.status != Status.DRAFT:
        raise PrescriptionRefused(_("This prescription is issued: start a refill to change it."))


def _locked(prescription: Prescription) -> Prescription:
    """The row again, locked for this transaction, so two changes do not interleave."""
    locked = Prescription.objects.select_for_update().get(pk=prescription.pk)
    _draft(locked)
    return locked


@transaction.atomic
def start_prescription(
    *,
    visit: Visit,
    request: HttpRequest,
    formula_code: str = "",
    previous: Prescription | None = None,
) -> Prescription:
    """A new draft for the visit: empty, from a classical formula (its grams), or a copy of
    one of the patient's previous prescriptions (a refill), which the check then sees afresh."""
    if formula_code and previous is not None:
        raise PrescriptionRefused(_("Start from a formula or a previous prescription, not both."))
    formula = None
    if formula_code:
        formula = materia.formula(formula_code)
        if formula is None:
            raise PrescriptionRefused(_("That formula is not in the list."))
    if previous is not None and previous.patient_id != visit.patient_id:
        raise PrescriptionRefused(_("That prescription is another patient's."))
    if getattr(visit.patient, "erased_at", None) is not None:
        raise PrescriptionRefused(_("This patient's record was erased."))
    practitioner = Practitioner.objects.filter(user=request.user).first() or visit.practitioner
    prescription = Prescription(
        visit=visit,
        patient=visit.patient,
        practitioner=practitioner,
        created_by=request.user,
    )
    lines: list[tuple[str, Decimal, str]] = []
    if formula is not None:
        prescription.started_from = StartedFrom.FORMULA
        prescription.formula_code = formula.code
        lines = [(i.herb, Decimal(str(i.grams)), "") for i in formula.ingredients]
    elif previous is not None:
        previous = Prescription.objects.get(pk=previous.pk)  # as stored, not as passed in
        prescription.started_from = StartedFrom.PREVIOUS
        prescription.previous = previous
        prescription.formula_code = previous.formula_code
        for name in EDITABLE_FIELDS:
            setattr(prescription, name, getattr(previous, name))
        lines = [(i.herb, i.grams, i.preparation) for i in previous.items.all()]
    prescription.save()
    PrescriptionItem.objects.bulk_create(
        PrescriptionItem(prescription=prescription, herb=h, grams=g, preparation=p, order=n)
        for n, (h, g, p) in enumerate(lines, start=1)
    )
    _audit(audit.Action.CREATE, prescription, visit.patient_id, request, count=len(lines))
    return prescription


# --- items and details -------------------------------------------------------------------


def _grams(value: object) -> Decimal:
    try:
        grams = Decimal(str(value))
        if not grams.is_finite():
            raise ValueError
        grams = grams.quantize(Decimal("0.01"))
    except Exception:
        raise PrescriptionRefused(_("Give the grams a day as a number.")) from None
    if not (MIN_GRAMS <= grams <= MAX_GRAMS):
        raise PrescriptionRefused(
            _("Give between %(low)s and %(high)s grams a day.")
            % {"low": MIN_GRAMS, "high": MAX_GRAMS}
        )
    return grams


@transaction.atomic
def add_item(
    *,
    prescription: Prescription,
    herb: str,
    grams: object,
    request: HttpRequest,
    preparation: str = "",
) -> PrescriptionItem:
    prescription = _locked(prescription)
    if materia.get(herb) is None:
        raise PrescriptionRefused(_("That herb is not in the materia medica."))
    code = materia.get(herb).code  # type: ignore[union-attr]
    if prescription.items.filter(herb=code).exists():
        raise PrescriptionRefused(_("That herb is already in the prescription: change its grams."))
    if prescription.items.count() >= MAX_ITEMS:
        raise PrescriptionRefused(_("A prescription holds at most %(n)s herbs.") % {"n": MAX_ITEMS})
    if preparation and preparation not in materia.PREPARATIONS:
        raise PrescriptionRefused(_("Choose a preparation from the list."))
    last = prescription.items.aggregate(last=Max("order"))["last"] or 0
    item = PrescriptionItem.objects.create(
        prescription=prescription,
        herb=code,
        grams=_grams(grams),
        preparation=preparation,
        order=last + 1,
    )
    _audit(audit.Action.UPDATE, prescription, prescription.patient_id, request, fields=["items"])
    return item


@transaction.atomic
def change_item(
    *,
    prescription: Prescription,
    item_id: object,
    grams: object,
    request: HttpRequest,
    preparation: str | None = None,
) -> PrescriptionItem:
    prescription = _locked(prescription)
    item = _item(prescription, item_id)
    item.grams = _grams(grams)
    fields = ["grams"]
    if preparation is not None:
        if preparation and preparation not in materia.PREPARATIONS:
            raise PrescriptionRefused(_("Choose a preparation from the list."))
        item.preparation = preparation
        fields.append("preparation")
    item.save(update_fields=fields)
    _audit(audit.Action.UPDATE, prescription, prescription.patient_id, request, fields=["items"])
    return item


@transaction.atomic
def remove_item(*, prescription: Prescription, item_id: object, request: HttpRequest) -> None:
    prescription = _locked(prescription)
    _item(prescription, item_id).delete()
    _audit(audit.Action.UPDATE, prescription, prescription.patient_id, request, fields=["items"])


def _item(prescription: Prescription, item_id: object) -> PrescriptionItem:
    from acuclinic.patients.access import parse_id

    pk = parse_id(item_id)
    item = prescription.items.filter(pk=pk).first() if pk is not None else None
    if item is None:
        raise PrescriptionRefused(_("That herb is no longer in the prescription."))
    return item


@transaction.atomic
def save_details(
    *, prescription: Prescription, fields: Mapping[str, Any], request: HttpRequest
) -> Prescription:
    """Form, days, doses and instructions (already validated by the form)."""
    prescription = _locked(prescription)
    changed = [name for name in EDITABLE_FIELDS if name in fields]
    for name in changed:
        setattr(prescription, name, fields[name])
    prescription.full_clean(exclude=["visit", "patient", "practitioner", "created_by", "previous"])
    prescription.save(update_fields=changed)
    _audit(audit.Action.UPDATE, prescription, prescription.patient_id, request, fields=changed)
    return prescription


# --- overrides and issuing ---------------------------------------------------------------


@transaction.atomic
def override(
    *, prescription: Prescription, rule_id: str, reason: str, request: HttpRequest
) -> Override:
    """Record the reason to go ahead despite a warning or needs-reason finding. A block is
    never overridden; a rule that the prescription does not meet is refused."""
    prescription = _locked(prescription)
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise PrescriptionRefused(_("Give the reason for going ahead."))
    if len(reason) > MAX_REASON:
        raise PrescriptionRefused(_("Keep the reason under %(n)s characters.") % {"n": MAX_REASON})
    if "\x00" in reason:
        raise PrescriptionRefused(_("The reason holds a character that cannot be stored."))
    finding = next((f for f in check(prescription) if f.rule_id == rule_id), None)
    if finding is None:
        raise PrescriptionRefused(_("That finding no longer applies: nothing to override."))
    if finding.severity is safety.Severity.BLOCK:
        raise PrescriptionRefused(_("A block cannot be overridden: change the prescription."))
    if finding.severity is safety.Severity.NOTE:
        raise PrescriptionRefused(_("A note needs no override."))
    record, created = Override.objects.update_or_create(
        prescription=prescription,
        rule_id=rule_id,
        defaults={"reason": reason, "by": request.user, "at": timezone.now()},
    )
    _audit(
        audit.Action.CREATE if created else audit.Action.UPDATE,
        record,
        prescription.patient_id,
        request,
        fields=["reason"],
    )
    return record


@transaction.atomic
def issue(*, prescription: Prescription, request: HttpRequest) -> Prescription:
    """Lock the prescription for printing and dispensing, if nothing stands in the way."""
    prescription = _locked(prescription)
    items = list(prescription.items.all())
    if not items:
        raise PrescriptionRefused(_("Add at least one herb before issuing."))
    standing = safety.outstanding(check(prescription, items=items))
    if standing:
        blocks = sum(1 for f in standing if f.severity is safety.Severity.BLOCK)
        if blocks:
            raise PrescriptionRefused(
                ngettext(
                    "Not issued: %(n)s finding blocks this prescription; change it first.",
                    "Not issued: %(n)s findings block this prescription; change it first.",
                    blocks,
                )
                % {"n": blocks}
            )
        raise PrescriptionRefused(
            ngettext(
                "Not issued: %(n)s finding still needs a recorded reason.",
                "Not issued: %(n)s findings still need a recorded reason.",
                len(standing),
            )
            % {"n": len(standing)}
        )
    prescription.status = Status.ISSUED
    prescription.issued_at = timezone.now()
    prescription.issued_by = request.user
    prescription.save(update_fields=["status", "issued_at", "issued_by"])
    _audit(audit.Action.SIGN, prescription, prescription.patient_id, request, count=len(items))
    return prescription


# --- dispensing and stock ----------------------------------------------------------------


class NotEnoughStock(PrescriptionRefused):
    pass


@transaction.atomic
def dispense(*, prescription: Prescription, request: HttpRequest, notes: str = "") -> Dispensing:
    """Record who weighed it out and draw the stock down, all or nothing. Herbs without a stock
    row are not tracked; a tracked herb short of the supply refuses the whole dispensing."""
    locked = Prescription.objects.select_for_update().get(pk=prescription.pk)
    if locked.status != Status.ISSUED:
        raise PrescriptionRefused(_("Only an issued prescription is dispensed."))
    if Dispensing.objects.filter(prescription=locked).exists():
        raise PrescriptionRefused(_("This prescription is already dispensed."))
    notes = notes.strip() if isinstance(notes, str) else ""
    if len(notes) > MAX_REASON or "\x00" in notes:
        raise PrescriptionRefused(_("Keep the notes under %(n)s characters.") % {"n": MAX_REASON})
    needed: dict[str, Decimal] = {}
    for item in locked.items.all():
        needed[item.herb] = needed.get(item.herb, Decimal(0)) + item.total_grams(locked.days)
    # Lock the stock rows in one order (by herb), so two dispensings never deadlock.
    tracked = {
        s.herb: s
        for s in Stock.objects.select_for_update().filter(herb__in=needed).order_by("herb")
    }
    short = []
    for herb, grams in sorted(needed.items()):
        if herb not in tracked:
            continue
        # Conditional: never below zero, even if a writer skipped the lock.
        drawn = Stock.objects.filter(herb=herb, grams_on_hand__gte=grams).update(
            grams_on_hand=F("grams_on_hand") - grams, updated_at=timezone.now()
        )
        if not drawn:
            short.append(materia.get(herb).pinyin if materia.get(herb) else herb)  # type: ignore[union-attr]
    if short:
        raise NotEnoughStock(
            _("Not enough in stock of %(herbs)s: nothing was dispensed.")
            % {"herbs": ", ".join(short)}
        )
    dispensing = Dispensing.objects.create(
        prescription=locked, weighed_by=request.user, notes=notes
    )
    _audit(audit.Action.CREATE, dispensing, locked.patient_id, request, count=len(needed))
    return dispensing


# --- figures for the writer --------------------------------------------------------------


@dataclass(frozen=True)
class Cost:
    total: Decimal
    currency: str
    priced: int
    unpriced: tuple[str, ...]  # herb codes without a price


def cost_estimate(prescription: Prescription, items: Iterable[PrescriptionItem]) -> Cost:
    """The herbs' cost for the whole supply, from the price list, in the clinic's currency
    (HERBS_CURRENCY); a herb with no price, or a price in another currency, is left out and
    named."""
    items = list(items)
    currency = default_currency()
    prices = {
        p.herb: p.per_gram
        for p in HerbPrice.objects.filter(herb__in=[i.herb for i in items], currency=currency)
    }
    total = Decimal(0)
    unpriced = []
    for item in items:
        if item.herb in prices:
            total += prices[item.herb] * item.total_grams(prescription.days)
        else:
            unpriced.append(item.herb)
    return Cost(
        total.quantize(Decimal("0.01")), currency, len(items) - len(unpriced), tuple(unpriced)
    )
