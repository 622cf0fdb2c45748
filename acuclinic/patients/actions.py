"""Writes to patient records that span models or must be audited (STYLE.md: actions).

- `update_patient`: save the fields a form changed; audited as update (field names only).
- `link_patients` / `unlink_patients`: family links; audited.
- `merge_patients`: fold a duplicate into the record kept, in one transaction.
- `erase_patient`: the owner's erasure (issue 4 E); see its docstring for what stays.
"""

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from acuclinic.clinic import audit

from .documents import delete_files
from .models import ConsentSignature, Patient, PatientLink

# Stored instead of the name of an erased patient whose past appointments are kept. Data,
# not interface text: it is not translated.
ERASED_NAME = "Erased patient"

# Filled on the kept record from the other one, a group at a time, when the kept record has
# nothing in the whole group (half of one address and half of another is no address).
FILL_GROUPS: tuple[tuple[str, ...], ...] = (
    ("email",),
    ("phone",),
    ("date_of_birth",),
    ("sex",),
    ("pronouns",),
    ("address_line1", "address_line2", "city", "region", "postcode", "country"),
    ("emergency_name", "emergency_relationship", "emergency_phone"),
    ("heard_from", "heard_from_other"),
)


class PatientActionRefused(ValueError):
    """A merge or erasure that cannot be done; the message says why, for staff."""


def _audit(
    action: audit.Action, record: Any, patient_id: int, request: HttpRequest, **detail: Any
) -> None:
    audit.record(
        action=action,
        record_type=record,
        record_id=record.pk,
        patient_id=patient_id,
        request=request,
        detail=detail or None,
    )


def update_patient(*, patient: Patient, fields: list[str], request: HttpRequest) -> None:
    """Save the changed fields of a patient already carrying the new values."""
    if not fields:
        return
    with transaction.atomic():
        patient.save(update_fields=fields)
        _audit(audit.Action.UPDATE, patient, patient.pk, request, fields=sorted(fields))


def link_patients(
    *,
    patient: Patient,
    related: Patient,
    relationship: str,
    may_book: bool,
    request: HttpRequest,
) -> PatientLink:
    """`related` is `patient`'s <relationship> (a mother is her child's parent)."""
    with transaction.atomic():
        link = PatientLink.objects.create(
            patient=patient, related=related, relationship=relationship, may_book=may_book
        )
        _audit(audit.Action.CREATE, link, patient.pk, request)
    return link


def unlink_patients(*, link: PatientLink, request: HttpRequest) -> None:
    with transaction.atomic():
        _audit(audit.Action.DELETE, link, link.patient_id, request)
        link.delete()


# --- merge -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Merged:
    kept: Patient
    removed_id: int
    moved: int  # rows now pointing at the kept record
    filled: list[str]  # fields of the kept record filled from the other one


def _blank(value: object) -> bool:
    return value is None or value == ""


def merge_patients(*, keep: Patient, remove: Patient, request: HttpRequest) -> Merged:
    """Move everything that points at `remove` to `keep`, fill `keep`'s empty fields from
    `remove`, and delete `remove`, in one transaction. Appointments, the waitlist, documents
    and whatever later apps point at a patient move as they are; a consent version both
    signed keeps `keep`'s signature; a link that would join the record to itself, or repeat
    one it has, goes. Two audit entries name both ids, one under each patient id, so the
    trail of either record leads to the other."""
    if keep.pk == remove.pk:
        raise PatientActionRefused(_("Choose two different records."))
    with transaction.atomic():
        rows = Patient.objects.select_for_update().filter(pk__in=[keep.pk, remove.pk])
        locked = {p.pk: p for p in rows.order_by("pk")}
        if len(locked) != 2:
            raise PatientActionRefused(_("One of the two records no longer exists."))
        keep, remove = locked[keep.pk], locked[remove.pk]
        if keep.erased_at or remove.erased_at:
            raise PatientActionRefused(_("An erased record cannot be merged."))
        if keep.user_id and remove.user_id:
            raise PatientActionRefused(
                _("Both records have their own portal sign-in; they cannot be merged here.")
            )
        _settle_drafts(keep, remove)
        moved = _move_signatures(keep, remove) + _move_links(keep, remove)
        for relation in Patient._meta.related_objects:
            if relation.related_model in (ConsentSignature, PatientLink):
                continue
            if relation.many_to_many:
                continue  # none yet; a later many-to-many needs its own rule here
            name = relation.field.name
            manager = relation.related_model._base_manager
            moved += manager.filter(**{name: remove}).update(**{name: keep})
        filled = _fill(keep, remove)
        if remove.user_id and not keep.user_id:
            account = remove.user_id
            remove.user = None
            remove.save(update_fields=["user"])  # the one-to-one: free it first
            keep.user_id = account
            filled.append("user")
        if filled:
            keep.save(update_fields=filled)
        removed_id = remove.pk
        _audit(
            audit.Action.MERGE,
            remove,
            keep.pk,
            request,
            merged_into=keep.pk,
            fields=sorted(filled),
            count=moved,
        )
        _audit(audit.Action.MERGE, remove, removed_id, request, merged_into=keep.pk)
        remove.delete()
        # Scores and visits moved with update(), which sends no signals: the outcome
        # summaries of the record kept are rebuilt once the merge has committed.
        kept_id = keep.pk
        transaction.on_commit(lambda: _recompute_outcomes(kept_id))
    return Merged(kept=keep, removed_id=removed_id, moved=moved, filled=filled)


def _recompute_outcomes(patient_id: int) -> None:
    from acuclinic.outcomes import summary  # outcomes builds on patients

    summary.recompute([patient_id])


def _settle_drafts(keep: Patient, remove: Patient) -> None:
    """A patient has one open draft per questionnaire (the database says so). When both
    records have one, an empty draft of `remove` goes; two drafts with answers are not
    mixed or dropped: the merge waits until the patient sends one."""
    from .models import IntakeStatus

    drafts = IntakeStatus.DRAFT
    kept = set(keep.intakes.filter(status=drafts).values_list("questionnaire", flat=True))
    for draft in remove.intakes.filter(status=drafts, questionnaire__in=kept):
        if draft.answers or draft.invalid:
            raise PatientActionRefused(
                _(
                    "Both records have a health questionnaire the patient has started and not "
                    "sent. Ask the patient to send it (or finish one), then merge."
                )
            )
        draft.delete()


def _move_signatures(keep: Patient, remove: Patient) -> int:
    both = keep.signatures.values_list("document_id", flat=True)
    remove.signatures.filter(document_id__in=list(both)).delete()
    return remove.signatures.update(patient=keep)


def _move_links(keep: Patient, remove: Patient) -> int:
    moved = 0
    existing = {frozenset(pair) for pair in keep.links.values_list("patient_id", "related_id")} | {
        frozenset(pair) for pair in keep.linked_from.values_list("patient_id", "related_id")
    }
    for link in PatientLink.objects.filter(Q(patient=remove) | Q(related=remove)):
        a = keep.pk if link.patient_id == remove.pk else link.patient_id
        b = keep.pk if link.related_id == remove.pk else link.related_id
        pair = frozenset((a, b))
        if a == b or pair in existing:
            link.delete()
            continue
        PatientLink.objects.filter(pk=link.pk).update(patient_id=a, related_id=b)
        existing.add(pair)
        moved += 1
    return moved


def _fill(keep: Patient, remove: Patient) -> list[str]:
    filled: list[str] = []
    for group in FILL_GROUPS:
        if all(_blank(getattr(keep, f)) for f in group) and not all(
            _blank(getattr(remove, f)) for f in group
        ):
            for f in group:
                setattr(keep, f, getattr(remove, f))
            filled.extend(group)
    return filled


# --- erase -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Erased:
    record_deleted: bool  # no appointments to keep: the record itself is gone
    appointments_kept: int
    documents: int
    signatures: int
    links: int
    account_deleted: bool
    intakes: int = 0
    scores: int = 0


def erase_patient(*, patient: Patient, request: HttpRequest) -> Erased:
    """Remove what the clinic holds about the patient, as far as the owner has decided the
    law allows (the owner answers for that; the page says so).

    Removed: every personal detail of the record (name, contact, date of birth, sex,
    pronouns, address, emergency contact, language, referral), the uploaded documents and
    their files, consent signatures, family links, waitlist entries, the staff notes on
    their appointments and the free-text reasons in those appointments' history, and their
    portal account (unless it is also a staff account).
    Kept: past and cancelled appointments (the clinic's schedule and accounts), attached to
    the same record id with only the placeholder name "Erased patient"; if there are none,
    the record itself is deleted. The audit trail stays whole, including this erasure.
    Also removed: their intakes (answers, drafts) and outcome scores (diary, check-ins).
    Refused while the patient has an upcoming appointment: cancel it first (through the
    calendar, which tells the patient and frees the time). Refused too while there is a
    treatment record (visit notes, herbal prescriptions): a clinic must keep those for the
    years its jurisdiction sets, and a record with its patient's identity blanked out would
    be a treatment record nobody can answer for. The page says so.
    """
    from acuclinic.scheduling.models import AppointmentEvent, Status  # scheduling builds on us

    with transaction.atomic():
        patient = Patient.objects.select_for_update().get(pk=patient.pk)
        if patient.erased_at is not None:
            raise PatientActionRefused(_("This record has already been erased."))
        upcoming = patient.appointments.filter(end__gt=timezone.now()).exclude(
            status=Status.CANCELLED
        )
        if upcoming.exists():
            raise PatientActionRefused(
                _("This patient has upcoming appointments. Cancel them first, then erase.")
            )
        if treatment_records(patient):
            raise PatientActionRefused(
                _(
                    "This patient has treatment records (visit notes or herbal "
                    "prescriptions). Those must be kept for the years the law sets, so the "
                    "record cannot be erased."
                )
            )
        intakes = patient.intakes.all().delete()[0]
        scores = _scores_of(patient).delete()[0]
        files = list(patient.documents.values_list("file", flat=True))
        documents = patient.documents.all().delete()[0]
        signatures = patient.signatures.all().delete()[0]
        links = PatientLink.objects.filter(Q(patient=patient) | Q(related=patient)).delete()[0]
        patient.waitlist.all().delete()
        kept = patient.appointments.count()
        account = patient.user
        audit.record(
            action=audit.Action.ERASE,
            record_type=patient,
            record_id=patient.pk,
            patient_id=patient.pk,
            request=request,
            detail={"count": kept},
        )
        if kept:
            patient.appointments.exclude(staff_notes="").update(staff_notes="")
            events = AppointmentEvent.objects.filter(appointment__patient=patient)
            for event in events.filter(changes__has_key="reason"):
                event.changes = {**event.changes, "reason": ""}
                event.save(update_fields=["changes"])
            _blank_record(patient)
        else:
            patient.delete()
        account_deleted = False
        if account is not None and not (account.is_staff or account.is_superuser):
            account.delete()
            account_deleted = True
        transaction.on_commit(lambda: delete_files(files))
    return Erased(
        record_deleted=not kept,
        appointments_kept=kept,
        documents=documents,
        signatures=signatures,
        links=links,
        account_deleted=account_deleted,
        intakes=intakes,
        scores=scores,
    )


def treatment_records(patient: Patient) -> int:
    """Visits and herbal prescriptions: the clinical record a clinic must keep."""
    return sum(
        apps.get_model(label).objects.filter(patient=patient).count()
        for label in ("charting.Visit", "herbs.Prescription")
    )


def _scores_of(patient: Patient) -> models.QuerySet:
    return apps.get_model("outcomes.Score").objects.filter(patient=patient)


def _blank_record(patient: Patient) -> None:
    keep = {"id", "created_at", "erased_at"}
    fields: list[models.Field] = [f for f in Patient._meta.concrete_fields if f.name not in keep]
    for field in fields:
        setattr(patient, field.attname, field.get_default())
    patient.full_name = ERASED_NAME
    patient.erased_at = timezone.now()
    patient.save()
