"""Writes to a visit (STYLE.md: actions): each atomic, each with its audit entry (decision 4).

- `start_visit`: from an appointment or as a walk-in, blank, from a protocol or from the
  patient's previous visit (its points and modalities are copied);
- `save_note`, `add_needle` / `remove_needle`, `add_modality` / `remove_modality`,
  `record_pain`, `acknowledge`: drafts only;
- `sign_visit`: refuses while a caution is not acknowledged; locks the visit;
- `amend_visit`: signed visits only; the signed text stays as it was;
- `record_adverse_event` / `follow_up_adverse_event`: on a draft or a signed visit (an
  addition to the record, not a change of the signed note);
- signing writes the patient's aftercare notes (aftercare.py) and, after commit, queues the
  e-mail that says they are in the portal; `save_aftercare` lets the practitioner edit them.

Changes take the visit's row lock and check its status under it, so a note cannot be edited
by one tab while another signs it. Audit details name fields and counts, never content.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from acuclinic.clinic import audit
from acuclinic.clinic.models import Practitioner
from acuclinic.patients import intake as intakes
from acuclinic.patients.models import Patient
from acuclinic.scheduling.models import Appointment, Status

from . import aftercare as aftercare_texts
from . import cautions, treatment
from .models import (
    TEXT_FIELDS,
    Acknowledgement,
    AdverseEvent,
    AdverseKind,
    Aftercare,
    Amendment,
    Modality,
    NeedlePoint,
    Protocol,
    Visit,
    VisitStatus,
)

# The note's fields a save may change (everything of the SOAP note, nothing else).
NOTE_FIELDS = (
    *TEXT_FIELDS,
    "tongue_colour",
    "tongue_coating",
    "tongue_shape",
    "pulse",
    "pattern",
)
# Appointments a visit can be started from: not cancelled, not a no-show, not an unpaid hold.
STARTABLE = (Status.CONFIRMED, Status.ARRIVED, Status.COMPLETED)


class ChartingRefused(ValueError):
    """The change is not allowed; the message says why, for the practitioner."""


class Invalid(ChartingRefused):
    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(" ".join(self.errors.values()))


class Unacknowledged(ChartingRefused):
    def __init__(self, warnings: list[cautions.Warning]) -> None:
        self.warnings = warnings
        super().__init__(_("Acknowledge every caution before signing."))


def _audit(action: audit.Action, visit: Visit, request: HttpRequest | None, **detail: Any) -> None:
    audit.record(
        action=action,
        record_type=Visit,
        record_id=visit.pk,
        patient_id=visit.patient_id,
        request=request,
        detail=detail or None,
    )


def _locked(visit: Visit, *, draft: bool = True) -> Visit:
    """The visit under its row lock; a draft (or, with draft=False, a signed visit)."""
    locked = Visit.objects.select_for_update().get(pk=visit.pk)
    if draft and locked.status != VisitStatus.DRAFT:
        raise ChartingRefused(_("This visit is signed: add an amendment instead."))
    if not draft and locked.status != VisitStatus.SIGNED:
        raise ChartingRefused(_("Only a signed visit is amended; edit the draft instead."))
    return locked


# --- reading what a visit needs ----------------------------------------------------------


def facts_for(patient: Patient) -> cautions.Facts:
    """The safety facts from the patient's latest intake (a draft counts: it is what they
    told us)."""
    latest = intakes.latest(patient)
    if latest is None:
        return cautions.Facts()
    return cautions.facts_from_answers(intakes.definition_of(latest), latest.answers)


def warnings_for(visit: Visit, facts: cautions.Facts | None = None) -> list[cautions.Warning]:
    facts = facts if facts is not None else facts_for(visit.patient)
    return cautions.warnings_for(visit.needles.all(), visit.modalities.all(), facts)


def previous_visit(patient: Patient, *, before: Visit | None = None) -> Visit | None:
    visits = patient.visits.all()
    if before is not None:
        visits = visits.exclude(pk=before.pk).filter(started_at__lte=before.started_at)
    return visits.order_by("-started_at", "-pk").first()


# --- starting ------------------------------------------------------------------------------


def start_visit(
    *,
    patient: Patient,
    request: HttpRequest,
    appointment: Appointment | None = None,
    practitioner: Practitioner | None = None,
    protocol: Protocol | None = None,
    copy_previous: bool = False,
) -> Visit:
    """A new draft visit. From an appointment, the appointment's patient and practitioner; a
    second start for the same appointment returns the visit already there."""
    if protocol is not None and copy_previous:
        raise ChartingRefused(_("Start from a protocol or from the last visit, not both."))
    if appointment is not None:
        if appointment.patient_id != patient.pk:
            raise ChartingRefused(_("That appointment is for another patient."))
        if appointment.status not in STARTABLE:
            raise ChartingRefused(
                _("A visit is not started from a cancelled, missed or held appointment.")
            )
        existing = Visit.objects.filter(appointment=appointment).first()
        if existing is not None:
            return existing
        practitioner = appointment.practitioner
    if patient.erased_at is not None:
        raise ChartingRefused(_("This record was erased."))
    source = _source_rows(patient, protocol, copy_previous)
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                patient=patient,
                practitioner=practitioner,
                appointment=appointment,
                protocol=protocol,
                created_by=request.user,
                started_at=appointment.start if appointment is not None else timezone.now(),
            )
            needles, modalities = source
            NeedlePoint.objects.bulk_create(
                NeedlePoint(visit=visit, order=i, **n) for i, n in enumerate(needles)
            )
            Modality.objects.bulk_create(
                Modality(visit=visit, order=i, **m) for i, m in enumerate(modalities)
            )
            reason = "protocol" if protocol else "previous_visit" if copy_previous else "blank"
            _audit(
                audit.Action.CREATE,
                visit,
                request,
                reason=reason,
                count=len(needles) + len(modalities),
            )
    except IntegrityError:  # a second tab started the same appointment first
        if appointment is None:
            raise
        return Visit.objects.get(appointment=appointment)
    return visit


def _source_rows(
    patient: Patient, protocol: Protocol | None, copy_previous: bool
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    if protocol is not None:
        needles, modalities, errors = treatment.clean_items(protocol.needles, protocol.modalities)
        if errors:
            raise ChartingRefused(_("This protocol needs fixing first: ") + " ".join(errors))
        return needles, modalities
    if copy_previous:
        last = previous_visit(patient)
        if last is None:
            raise ChartingRefused(_("There is no earlier visit to start from."))
        return [n.as_data() for n in last.needles.all()], [
            m.as_data() for m in last.modalities.all()
        ]
    return [], []


# --- the draft ----------------------------------------------------------------------------


def save_note(*, visit: Visit, fields: Mapping[str, Any], request: HttpRequest) -> list[str]:
    """Save the note's fields given (already validated by the form); returns what changed."""
    unknown = set(fields) - set(NOTE_FIELDS)
    if unknown:
        raise ValueError(f"not note fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = _locked(visit)
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, fields[name])
        locked.clean()  # the form checked these already; the model says it once more
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
            _audit(audit.Action.UPDATE, locked, request, fields=sorted(changed))
    for name in changed:
        setattr(visit, name, getattr(locked, name))
    return changed


def add_needle(*, visit: Visit, data: Mapping[str, Any], request: HttpRequest) -> NeedlePoint:
    cleaned, errors = treatment.clean_needle(data)
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        locked = _locked(visit)
        if locked.needles.count() >= treatment.MAX_NEEDLES:
            raise ChartingRefused(_("A visit has at most 60 needled points."))
        order = _next_order(locked.needles.values_list("order", flat=True))
        needle = NeedlePoint.objects.create(visit=locked, order=order, **cleaned)
        _audit(audit.Action.UPDATE, locked, request, fields=["needles"], reason="added")
    return needle


def remove_needle(*, visit: Visit, needle_id: int, request: HttpRequest) -> None:
    with transaction.atomic():
        locked = _locked(visit)
        deleted, _rows = locked.needles.filter(pk=needle_id).delete()
        if not deleted:
            raise ChartingRefused(_("That point is not in this visit."))
        _audit(audit.Action.UPDATE, locked, request, fields=["needles"], reason="removed")


def add_modality(*, visit: Visit, data: Mapping[str, Any], request: HttpRequest) -> Modality:
    cleaned, errors = treatment.clean_modality(data)
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        locked = _locked(visit)
        if locked.modalities.count() >= treatment.MAX_MODALITIES:
            raise ChartingRefused(_("A visit has at most 20 modality rows."))
        order = _next_order(locked.modalities.values_list("order", flat=True))
        modality = Modality.objects.create(visit=locked, order=order, **cleaned)
        _audit(audit.Action.UPDATE, locked, request, fields=["modalities"], reason="added")
    return modality


def remove_modality(*, visit: Visit, modality_id: int, request: HttpRequest) -> None:
    with transaction.atomic():
        locked = _locked(visit)
        deleted, _rows = locked.modalities.filter(pk=modality_id).delete()
        if not deleted:
            raise ChartingRefused(_("That modality is not in this visit."))
        _audit(audit.Action.UPDATE, locked, request, fields=["modalities"], reason="removed")


def _next_order(orders: Iterable[int]) -> int:
    return max(orders, default=-1) + 1


PAIN_PHASES = {"before": "pain_before", "after": "pain_after"}


def record_pain(*, visit: Visit, phase: str, value: int, request: HttpRequest) -> Any:
    """Pain now (NPRS 0-10) before or after the treatment, as an outcomes score (check-in or
    check-out) tied to the appointment; a second entry for the same phase corrects the first."""
    from acuclinic.outcomes.models import PainItem, Score, Source

    if phase not in PAIN_PHASES:
        raise ChartingRefused(_("Choose before or after the treatment."))
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise Invalid({"value": _("Pain is a whole number from 0 to 10.")})
    field = PAIN_PHASES[phase]
    source = Source.CHECK_IN if phase == "before" else Source.CHECK_OUT
    with transaction.atomic():
        locked = _locked(visit)
        score = getattr(locked, field)
        if score is None:
            score = Score.objects.create(
                patient_id=locked.patient_id,
                measure="nprs",
                item=PainItem.NOW,
                value=Decimal(value),
                source=source,
                appointment_id=locked.appointment_id,
                recorded_by=request.user,
            )
            setattr(locked, field, score)
            locked.save(update_fields=[field, "updated_at"])
        else:
            score.value = Decimal(value)
            score.observed_at = timezone.now()
            score.recorded_by = request.user
            score.save(update_fields=["value", "observed_at", "recorded_by"])
        _audit(audit.Action.UPDATE, locked, request, fields=[field])
    setattr(visit, field, score)
    return score


def acknowledge(*, visit: Visit, codes: Iterable[str], request: HttpRequest) -> list[str]:
    """Record that the practitioner has seen these cautions (only codes that are current)."""
    with transaction.atomic():
        locked = _locked(visit)
        current = {w.code for w in warnings_for(locked)}
        done = set(locked.acknowledgements.values_list("code", flat=True))
        new = sorted((set(codes) & current) - done)
        Acknowledgement.objects.bulk_create(
            Acknowledgement(visit=locked, code=code, by=request.user) for code in new
        )
        if new:
            _audit(
                audit.Action.UPDATE,
                locked,
                request,
                fields=["acknowledgements"],
                count=len(new),
            )
    return new


def sign_visit(*, visit: Visit, request: HttpRequest) -> Visit:
    with transaction.atomic():
        locked = _locked(visit)
        missing = cautions.unacknowledged(
            warnings_for(locked), locked.acknowledgements.values_list("code", flat=True)
        )
        if missing:
            raise Unacknowledged(missing)
        locked.status = VisitStatus.SIGNED
        locked.signed_by = request.user
        locked.signed_at = timezone.now()
        locked.save(update_fields=["status", "signed_by", "signed_at", "updated_at"])
        _audit(audit.Action.SIGN, locked, request)
        _write_aftercare(locked, request)
    visit.status, visit.signed_by, visit.signed_at = (
        locked.status,
        locked.signed_by,
        locked.signed_at,
    )
    return locked


def current_value(visit: Visit, field: str, amendments: Iterable[Amendment]) -> str:
    """The field's text now: the last amendment's, else the signed note's."""
    value = str(getattr(visit, field, "") or "") if field != Amendment.ADDENDUM else ""
    for amendment in amendments:
        if amendment.field == field:
            value = amendment.new_value
    return value


def amend_visit(
    *, visit: Visit, field: str, new_value: str, reason: str, request: HttpRequest
) -> Amendment:
    if field not in (*TEXT_FIELDS, Amendment.ADDENDUM):
        raise Invalid({"field": _("Choose the part of the note to amend.")})
    if not reason.strip():
        raise Invalid({"reason": _("Say why the note is amended.")})
    if not new_value.strip():
        raise Invalid({"new_value": _("Write the amended text.")})
    if field == "icd10_code":
        new_value, message = treatment.clean_icd10(new_value)
        if message:
            raise Invalid({"new_value": message})
    with transaction.atomic():
        locked = _locked(visit, draft=False)
        old = current_value(locked, field, locked.amendments.all())
        if field != Amendment.ADDENDUM and old == new_value:
            raise Invalid({"new_value": _("The amended text is the same as before.")})
        amendment = Amendment.objects.create(
            visit=locked,
            author=request.user,
            field=field,
            old_value=old,
            new_value=new_value,
            reason=reason.strip(),
        )
        _audit(audit.Action.AMEND, locked, request, fields=[field])
    return amendment


# --- adverse events -----------------------------------------------------------------------


def _clean_adverse(data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    from .models import LONG_TEXT, Severity

    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    if not partial:
        if data.get("kind") not in AdverseKind.values:
            errors["kind"] = _("Choose what happened.")
        if data.get("severity") not in Severity.values:
            errors["severity"] = _("Choose mild, moderate or severe.")
        cleaned.update(kind=data.get("kind"), severity=data.get("severity"))
    for name in ("description", "follow_up"):
        value = data.get(name) or ""
        if not isinstance(value, str) or len(value) > LONG_TEXT or "\x00" in value:
            errors[name] = _("At most 4000 characters of plain text.")
        cleaned[name] = value.strip() if isinstance(value, str) else ""
    resolved = data.get("resolved", False)
    if not isinstance(resolved, bool):
        errors["resolved"] = _("Yes or no.")
    cleaned["resolved"] = resolved is True
    if errors:
        raise Invalid(errors)
    return cleaned


def record_adverse_event(
    *, visit: Visit, data: Mapping[str, Any], request: HttpRequest
) -> AdverseEvent:
    """Record an adverse event after this visit. Allowed on a signed visit too: it adds to the
    record and leaves the signed note as it was."""
    cleaned = _clean_adverse(data)
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        event = AdverseEvent.objects.create(visit=locked, recorded_by=request.user, **cleaned)
        _audit(
            audit.Action.UPDATE,
            locked,
            request,
            fields=["adverse_events"],
            reason="added_after_signing" if locked.is_signed else "added",
        )
    return event


def follow_up_adverse_event(
    *, visit: Visit, event_id: int, data: Mapping[str, Any], request: HttpRequest
) -> AdverseEvent:
    """Change the follow-up text and whether it is resolved (what happened stays)."""
    cleaned = _clean_adverse(data, partial=True)
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        event = AdverseEvent.objects.filter(visit=locked, pk=event_id).first()
        if event is None:
            raise ChartingRefused(_("That adverse event is not in this visit."))
        event.follow_up = cleaned["follow_up"]
        event.resolved = cleaned["resolved"]
        event.save(update_fields=["follow_up", "resolved"])
        _audit(audit.Action.UPDATE, locked, request, fields=["adverse_events"], reason="follow_up")
    return event


# --- aftercare ----------------------------------------------------------------------------


def _write_aftercare(visit: Visit, request: HttpRequest) -> Aftercare | None:
    """At signing: the aftercare texts for what the visit did, unless written already; the
    e-mail saying they are in the portal goes after commit."""
    text = aftercare_texts.compose(
        visit.modalities.values_list("kind", flat=True), needled=visit.needles.exists()
    )
    if not text or Aftercare.objects.filter(visit=visit).exists():
        return None
    record = Aftercare.objects.create(visit=visit, text=text, updated_by=request.user)
    _audit(audit.Action.CREATE, visit, request, fields=["aftercare"])
    from . import aftercare_mail

    transaction.on_commit(lambda: aftercare_mail.queue(record.pk))
    return record


def save_aftercare(*, visit: Visit, text: str, request: HttpRequest) -> Aftercare:
    """The practitioner's edit of the patient's aftercare notes (signed visits: the notes are
    written at signing). Saving them the first time also tells the patient."""
    from .models import LONG_TEXT

    text = text.strip() if isinstance(text, str) else ""
    if not text:
        raise Invalid({"text": _("Write the aftercare notes.")})
    if len(text) > LONG_TEXT or "\x00" in text:
        raise Invalid({"text": _("At most 4000 characters of plain text.")})
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        if not locked.is_signed:
            raise ChartingRefused(_("The aftercare notes are written when the visit is signed."))
        record = Aftercare.objects.filter(visit=locked).first()
        if record is None:
            record = Aftercare.objects.create(visit=locked, text=text, updated_by=request.user)
            from . import aftercare_mail

            transaction.on_commit(lambda: aftercare_mail.queue(record.pk))
        else:
            record.text = text
            record.updated_by = request.user
            record.save(update_fields=["text", "updated_by", "updated_at"])
        _audit(audit.Action.UPDATE, locked, request, fields=["aftercare"])
    return record
