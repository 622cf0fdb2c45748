"""Everything the clinic holds about one patient, as JSON (issue 4 E: the right of access).

`export_patient` is plain data in, plain data out: the desk's export and the patient's own
"My data" download are the same file, clinical record (visits, prescriptions) included.
Times are UTC in ISO 8601. Files are listed, not embedded: they are downloaded one by one
through the documents view (each an audited read).
"""

from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Prefetch
from django.utils import timezone

from .models import CONTACT_FIELDS, RECORD_FIELDS, Patient

FORMAT = "acuclinic.patient-export"
FORMAT_VERSION = 1


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def export_patient(patient: Patient) -> dict[str, Any]:
    """The patient's record, family links, appointments (with staff notes and waitlist),
    consent signatures, the list of documents, intakes (with any unfinished input of a
    draft) and outcome scores, in a fixed number of queries."""
    from acuclinic.outcomes.models import Score  # outcomes builds on patients

    record = {name: getattr(patient, name) for name in CONTACT_FIELDS + RECORD_FIELDS}
    record["date_of_birth"] = _iso(patient.date_of_birth)
    record["id"] = patient.pk
    record["created_at"] = _iso(patient.created_at)
    record["has_portal_account"] = patient.user_id is not None
    links = [
        {"person": link.related.full_name, "patient_id": link.related_id,
         "is_this_patients": link.relationship, "may_book_for_this_patient": link.may_book}
        for link in patient.links.select_related("related")
    ] + [
        {"person": link.patient.full_name, "patient_id": link.patient_id,
         "this_patient_is_their": link.relationship, "this_patient_may_book": link.may_book}
        for link in patient.linked_from.select_related("patient")
    ]  # fmt: skip
    appointments = [
        {
            "start": _iso(a.start),
            "end": _iso(a.end),
            "service": a.service.name,
            "practitioner": a.practitioner.name,
            "location": a.location.name,
            "status": a.status,
            "booked": a.source,
            "staff_notes": a.staff_notes,
            "created_at": _iso(a.created_at),
        }
        for a in patient.appointments.select_related(
            "service", "practitioner", "location"
        ).order_by("start", "pk")
    ]
    waitlist = [
        {
            "service": w.service.name,
            "practitioner": w.practitioner.name if w.practitioner else None,
            "from": _iso(w.earliest),
            "until": _iso(w.latest),
            "state": w.state,
        }
        for w in patient.waitlist.select_related("service", "practitioner")
    ]
    consents = [
        {
            "document": s.document.get_kind_display(),
            "kind": s.document.kind,
            "version": s.document.version,
            "published_on": _iso(s.document.published_on),
            "text": s.document.text,
            "typed_name": s.typed_name,
            "signed_at": _iso(s.signed_at),
            "ip_address": s.ip_address,
        }
        for s in patient.signatures.select_related("document").order_by("signed_at", "pk")
    ]
    documents = [
        {
            "kind": d.kind,
            "file_name": d.original_name,
            "content_type": d.content_type,
            "size": d.size,
            "uploaded_at": _iso(d.uploaded_at),
        }
        for d in patient.documents.order_by("uploaded_at", "pk")
    ]
    intakes = [
        {
            "questionnaire": i.questionnaire,
            "version": i.version,
            "status": i.status,
            "answers": i.answers,
            "unfinished_answers": i.invalid,
            "red_flags": i.red_flags,
            "started_at": _iso(i.started_at),
            "updated_at": _iso(i.updated_at),
            "submitted_at": _iso(i.submitted_at),
        }
        for i in patient.intakes.order_by("started_at", "pk")
    ]
    scores = [
        {
            "measure": s.measure,
            "item": s.item,
            "value": _number(s.value),
            "observed_at": _iso(s.observed_at),
            "source": s.source,
            "note": s.note,
        }
        for s in Score.objects.filter(patient=patient).order_by("observed_at", "pk")
    ]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": _iso(timezone.now()),
        "patient": record,
        "linked_family": links,
        "appointments": appointments,
        "waitlist": waitlist,
        "consents": consents,
        "documents": documents,
        "intakes": intakes,
        "scores": scores,
        "visits": _records(patient, "charting.Visit"),
        "prescriptions": _records(patient, "herbs.Prescription"),
    }


# --- the clinical record: visits and prescriptions ------------------------------------------
# Written generically over the models' fields, so a field charting or herbs adds later is in
# the patient's copy without a change here (the right of access covers the whole record).


def _value(field: models.Field, obj: models.Model) -> Any:
    if field.is_relation:
        related = getattr(obj, field.name)
        if related is None:
            return None
        if hasattr(related, "get_username"):
            return related.get_username()
        # A name where the record has one (practitioner, protocol); else its id, never str(),
        # which may walk further relations.
        return getattr(related, "name", None) or related.pk
    value = getattr(obj, field.attname)
    if isinstance(value, Decimal):
        return _number(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if field.choices and value not in (None, ""):
        return {"value": value, "label": str(getattr(obj, f"get_{field.name}_display")())}
    return value


_SKIP = {"id", "patient"}


def _children(model: type[models.Model]) -> list[Any]:
    """The reverse relations whose rows belong to one record (points, amendments, items)."""
    return [
        r
        for r in model._meta.related_objects
        if (r.one_to_many or r.one_to_one)
        and r.related_model._meta.app_label == model._meta.app_label
        and r.get_accessor_name()
        and not r.get_accessor_name().endswith("+")
    ]


def _row(obj: models.Model, parent_field: str = "") -> dict[str, Any]:
    row = {
        f.name: _value(f, obj)
        for f in obj._meta.concrete_fields
        if f.name not in _SKIP and f.name != parent_field
    }
    for relation in _children(type(obj)):
        accessor = relation.get_accessor_name()
        if relation.one_to_one:
            child = getattr(obj, accessor, None)
            row[accessor] = _row(child, relation.field.name) if child is not None else None
        else:
            row[accessor] = [_row(c, relation.field.name) for c in getattr(obj, accessor).all()]
    return row


def _child_rows(relation: Any) -> models.QuerySet:
    model = relation.related_model
    fks = [
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation and f.name != relation.field.name
    ]
    rows = model.objects.order_by("pk")
    return rows.select_related(*fks) if fks else rows


def _records(patient: Patient, label: str) -> list[dict[str, Any]]:
    model = apps.get_model(label)
    related = [f.name for f in model._meta.concrete_fields if f.is_relation and f.name not in _SKIP]
    prefetch = [Prefetch(r.get_accessor_name(), queryset=_child_rows(r)) for r in _children(model)]
    queryset = (
        model.objects.filter(patient=patient)
        .select_related(*related)
        .prefetch_related(*prefetch)
        .order_by("pk")
    )
    return [_row(obj) for obj in queryset]
