"""FHIR import: a Bundle written by fhir_export, read back into an EMPTY clinic.

All or nothing: the whole import runs in one transaction, and any problem (a bundle that does
not validate, a reference to a resource not in the bundle, a code we do not know) raises
ImportRefused with a message and leaves the database as it was.

Practitioners and locations are matched by their slug (identifier) when the clinic already has
them, else created; services likewise by their slug. Records need a user where our models
require one (who created a visit, who signed it, who issued a prescription or overrode a
warning): the practitioner's own account when it has one, else `actor`, the person importing.
"""

import json
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from acuclinic.charting.models import Modality, NeedlePoint, Visit, VisitStatus
from acuclinic.clinic.models import Location, Practitioner
from acuclinic.herbs.models import Override, Prescription, PrescriptionItem
from acuclinic.outcomes.models import Score
from acuclinic.patients.models import IntakeResponse, Patient, PatientLink
from acuclinic.scheduling.models import Appointment, Service

from .fhir_export import (
    ACUPOINT,
    ACUPUNCTURE_SNOMED,
    APPOINTMENT_STATUS,
    ENCOUNTER_STATUS,
    GENDER,
    ICD10,
    INTAKE_STATUS,
    MEASURE,
    ext_url,
    system,
)


class ImportRefused(Exception):
    """The bundle cannot be imported; the message says why. Nothing was written."""


def _invert(mapping: dict[Any, str]) -> dict[str, Any]:
    return {v: k for k, v in mapping.items()}


APPOINTMENT_STATUS_IN = _invert(APPOINTMENT_STATUS)
ENCOUNTER_STATUS_IN = _invert(ENCOUNTER_STATUS)
INTAKE_STATUS_IN = _invert(INTAKE_STATUS)
GENDER_IN = _invert(GENDER)


def parse_bundle(text: str | bytes) -> Bundle:
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ImportRefused(f"The file is not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise ImportRefused("The file is not a FHIR Bundle (resourceType must be Bundle).")
    try:
        return Bundle.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise ImportRefused(
            f"The bundle is not valid FHIR R4B ({exc.error_count()} problems; first at "
            f"{where or 'the top'}: {first.get('msg', exc)})"
        ) from None


# --- reading helpers -----------------------------------------------------------------------


def _ext(element: dict[str, Any], name: str) -> Any:
    for item in element.get("extension") or ():
        if item.get("url") == ext_url(name):
            for key, value in item.items():
                if key.startswith("value"):
                    return value
    return None


def _code(concept: dict[str, Any] | None, code_system: str) -> str | None:
    for coding in (concept or {}).get("coding") or ():
        if coding.get("system") == code_system:
            return coding.get("code")
    return None


def _dt(value: str | None) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ImportRefused(f"Not a date and time: {value!r}")
    parsed = parse_datetime(value)
    if parsed is None:
        raise ImportRefused(f"Not a date and time: {value!r}")
    return parsed


def _note(resource: dict[str, Any]) -> str:
    notes = resource.get("note") or []
    return notes[0].get("text", "") if notes else ""


class _Importer:
    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self.objects: dict[str, Any] = {}  # fullUrl -> model instance

    def target(self, reference: dict[str, Any] | None, model: type, required: bool = True) -> Any:
        if not reference:
            if required:
                raise ImportRefused(f"A required reference to a {model.__name__} is missing.")
            return None
        url = reference.get("reference")
        found = self.objects.get(url)
        if found is None or not isinstance(found, model):
            raise ImportRefused(
                f"The reference {url!r} does not point to a {model.__name__} earlier in the bundle."
            )
        return found

    def user_of(self, practitioner: Practitioner | None) -> Any:
        if practitioner is not None and practitioner.user_id is not None:
            return practitioner.user
        return self.actor

    # --- one method per resource type, in the export's order ---

    def Location(self, r: dict[str, Any]) -> Location:
        slug = (r.get("identifier") or [{}])[0].get("value")
        if not slug:
            raise ImportRefused("A Location has no identifier (its slug).")
        location = Location.objects.filter(slug=slug).first()
        if location is None:
            location = Location.objects.create(
                slug=slug,
                name=r.get("name", slug),
                time_zone=_ext(r, "time-zone") or "UTC",
                address=(r.get("address") or {}).get("text", ""),
                phone_display=(r.get("telecom") or [{}])[0].get("value", ""),
            )
        return location

    def Practitioner(self, r: dict[str, Any]) -> Practitioner:
        slug = (r.get("identifier") or [{}])[0].get("value")
        if not slug:
            raise ImportRefused("A Practitioner has no identifier (their slug).")
        practitioner = Practitioner.objects.filter(slug=slug).first()
        if practitioner is None:
            practitioner = Practitioner.objects.create(
                slug=slug,
                name=(r.get("name") or [{}])[0].get("text", slug),
                email=(r.get("telecom") or [{}])[0].get("value", ""),
                credentials=((r.get("qualification") or [{}])[0].get("code") or {}).get("text", ""),
                is_active=r.get("active", True),
            )
        return practitioner

    def Patient(self, r: dict[str, Any]) -> Patient:
        telecom = {t.get("system"): t.get("value", "") for t in r.get("telecom") or ()}
        address = (r.get("address") or [{}])[0]
        lines = address.get("line") or []
        contact = (r.get("contact") or [{}])[0]
        relationship = (contact.get("relationship") or [{}])[0]
        language = _code((r.get("communication") or [{}])[0].get("language"), "urn:ietf:bcp:47")
        patient = Patient.objects.create(
            full_name=(r.get("name") or [{}])[0].get("text", ""),
            email=telecom.get("email", ""),
            phone=telecom.get("phone", ""),
            date_of_birth=r.get("birthDate"),
            sex=GENDER_IN.get(r.get("gender"), ""),
            pronouns=_ext(r, "pronouns") or "",
            address_line1=lines[0] if lines else "",
            address_line2=lines[1] if len(lines) > 1 else "",
            city=address.get("city", ""),
            region=address.get("state", ""),
            postcode=address.get("postalCode", ""),
            country=address.get("country", ""),
            emergency_name=(contact.get("name") or {}).get("text", ""),
            emergency_relationship=relationship.get("text", ""),
            emergency_phone=(contact.get("telecom") or [{}])[0].get("value", ""),
            preferred_language=language or "en",
            heard_from=_ext(r, "heard-from") or "",
            heard_from_other=_ext(r, "heard-from-other") or "",
            erased_at=_dt(_ext(r, "erased")),
        )
        self.pending_links.extend((patient, link) for link in r.get("link") or ())
        return patient

    def Appointment(self, r: dict[str, Any]) -> Appointment:
        actors = [p.get("actor") for p in r.get("participant") or ()]

        def one(model: type) -> Any:
            for actor in actors:
                found = self.objects.get((actor or {}).get("reference"))
                if isinstance(found, model):
                    return found
            raise ImportRefused(f"An Appointment has no {model.__name__} participant.")

        start, end = _dt(r.get("start")), _dt(r.get("end"))
        if start is None or end is None:
            raise ImportRefused("An Appointment has no start or end.")
        concept = (r.get("serviceType") or [{}])[0]
        slug = _code(concept, system("service"))
        if not slug:
            raise ImportRefused("An Appointment has no service (serviceType).")
        service = Service.objects.filter(slug=slug).first()
        if service is None:
            display = (concept.get("coding") or [{}])[0].get("display") or slug
            minutes = _ext(r, "service-duration") or int((end - start).total_seconds() // 60)
            service = Service.objects.create(
                slug=slug, name=display, duration_minutes=minutes, bookable_online=False
            )
        status = APPOINTMENT_STATUS_IN.get(r.get("status"))
        if status is None:
            raise ImportRefused(f"Unknown appointment status {r.get('status')!r}.")
        practitioner = one(Practitioner)
        service.practitioners.add(practitioner)
        return Appointment.objects.create(
            patient=one(Patient),
            practitioner=practitioner,
            location=one(Location),
            service=service,
            start=start,
            end=end,
            blocked_start=start - timedelta(minutes=service.buffer_before_minutes),
            blocked_end=end + timedelta(minutes=service.buffer_after_minutes),
            status=status,
            source=_ext(r, "booking-source") or "staff",
            staff_notes=r.get("comment", ""),
        )

    def Encounter(self, r: dict[str, Any]) -> Visit:
        participant = (r.get("participant") or [{}])[0].get("individual")
        practitioner = self.target(participant, Practitioner, required=False)
        status = ENCOUNTER_STATUS_IN.get(r.get("status"))
        if status is None:
            raise ImportRefused(f"Unknown encounter status {r.get('status')!r}.")
        signed_at = _dt(_ext(r, "signed"))
        if (status == VisitStatus.SIGNED) != (signed_at is not None):
            raise ImportRefused("A finished Encounter needs its signing time, and only then.")
        user = self.user_of(practitioner)
        return Visit.objects.create(
            patient=self.target(r.get("subject"), Patient),
            practitioner=practitioner,
            appointment=self.target(
                (r.get("appointment") or [None])[0], Appointment, required=False
            ),
            started_at=_dt((r.get("period") or {}).get("start")) or timezone.now(),
            created_by=user,
            status=status,
            chief_complaint=(r.get("reasonCode") or [{}])[0].get("text", ""),
            signed_at=signed_at,
            signed_by=user if signed_at else None,
        )

    def Condition(self, r: dict[str, Any]) -> Visit:
        visit = self.target(r.get("encounter"), Visit)
        code = r.get("code") or {}
        Visit.objects.filter(pk=visit.pk).update(
            icd10_code=_code(code, ICD10) or "",
            pattern=_code(code, system("tcm-pattern")) or "",
            biomedical_diagnosis=code.get("text", ""),
            pattern_notes=_note(r),
        )
        return visit

    def Procedure(self, r: dict[str, Any]) -> Visit:
        visit = self.target(r.get("encounter"), Visit)
        code = r.get("code") or {}
        if _code(code, "http://snomed.info/sct") == ACUPUNCTURE_SNOMED:
            for order, site in enumerate(r.get("bodySite") or ()):
                NeedlePoint.objects.create(
                    visit=visit,
                    order=order,
                    code=_code(site, ACUPOINT) or "",
                    side=_ext(site, "side") or "",
                    depth_mm=_ext(site, "depth-mm"),
                    retention_min=_ext(site, "retention-min"),
                    technique=_ext(site, "technique") or "",
                    de_qi=bool(_ext(site, "de-qi")),
                    electro_hz=_ext(site, "electro-hz"),
                    electro_min=_ext(site, "electro-min"),
                    moxa_on_needle=bool(_ext(site, "moxa-on-needle")),
                )
            if note := _note(r):
                Visit.objects.filter(pk=visit.pk).update(treatment_notes=note)
            return visit
        kind = _code(code, system("modality"))
        if not kind:
            raise ImportRefused("A Procedure is neither acupuncture nor one of our modalities.")
        site = (r.get("bodySite") or [{}])[0]
        Modality.objects.create(
            visit=visit,
            order=visit.modalities.count(),
            kind=kind,
            method=_ext(r, "method") or "",
            area=_code(site, system("body-region")) or "",
            area_text=site.get("text", ""),
            point_code=_code(site, ACUPOINT) or "",
            minutes=_ext(r, "minutes"),
            cups=_ext(r, "cups"),
            sha_colour=_ext(r, "sha-colour") or "",
            notes=_note(r),
        )
        return visit

    def Observation(self, r: dict[str, Any]) -> Score:
        measure = _code(r.get("code"), MEASURE)
        if not measure:
            raise ImportRefused("An Observation has no acuclinic measure code.")
        quantity = r.get("valueQuantity") or {}
        if quantity.get("value") is None:
            raise ImportRefused("An Observation has no value.")
        return Score.objects.create(
            patient=self.target(r.get("subject"), Patient),
            measure=measure,
            item=_ext(r, "score-item") or "",
            value=Decimal(str(quantity["value"])),
            observed_at=_dt(r.get("effectiveDateTime")) or timezone.now(),
            source=_ext(r, "score-source") or "questionnaire",
            appointment=self.target(_ext(r, "appointment"), Appointment, required=False),
            note=_note(r),
        )

    def QuestionnaireResponse(self, r: dict[str, Any]) -> IntakeResponse:
        canonical = r.get("questionnaire") or ""
        prefix = system("questionnaire") + ":"
        key, _sep, version = canonical.removeprefix(prefix).partition("|")
        if not canonical.startswith(prefix) or not version.isdigit():
            raise ImportRefused(f"Unknown questionnaire {canonical!r}.")
        answers: dict[str, Any] = {}
        for item in r.get("item") or ():
            values = [next(v for k, v in a.items() if k[:5] == "value") for a in item["answer"]]
            if _ext(item, "json"):
                answers[item["linkId"]] = json.loads(values[0])
            else:
                answers[item["linkId"]] = values[0] if len(values) == 1 else values
        status = INTAKE_STATUS_IN.get(r.get("status"))
        if status is None:
            raise ImportRefused(f"Unknown questionnaire response status {r.get('status')!r}.")
        return IntakeResponse.objects.create(
            patient=self.target(r.get("subject"), Patient),
            appointment=self.target(_ext(r, "appointment"), Appointment, required=False),
            questionnaire=key,
            version=int(version),
            status=status,
            answers=answers,
            started_at=_dt(_ext(r, "started")) or timezone.now(),
            submitted_at=_dt(r.get("authored")),
        )

    def MedicationRequest(self, r: dict[str, Any]) -> Prescription:
        medication = next(
            (c for c in r.get("contained") or () if c.get("resourceType") == "Medication"), None
        )
        if medication is None:
            raise ImportRefused("A MedicationRequest has no contained Medication (the formula).")
        practitioner = self.target(r.get("requester"), Practitioner, required=False)
        issued_at = _dt(_ext(r, "issued"))
        dosage = (r.get("dosageInstruction") or [{}])[0]
        repeat = (dosage.get("timing") or {}).get("repeat") or {}
        supply = (r.get("dispenseRequest") or {}).get("expectedSupplyDuration") or {}
        ratio = _ext(r, "granule-ratio")
        rx = Prescription.objects.create(
            visit=self.target(r.get("encounter"), Visit),
            patient=self.target(r.get("subject"), Patient),
            practitioner=practitioner,
            created_by=self.user_of(practitioner),
            created_at=_dt(r.get("authoredOn")) or timezone.now(),
            form=_code(medication.get("form"), system("herb-form")) or "decoction",
            granule_ratio=Decimal(str(ratio)) if ratio is not None else None,
            days=supply.get("value", 7),
            doses_per_day=repeat.get("frequency", 2),
            decoct_minutes=_ext(r, "decoct-minutes") or 40,
            timing=_code((dosage.get("additionalInstruction") or [{}])[0], system("herb-timing"))
            or "after",
            instructions=_note(r),
            status="issued" if r.get("status") == "active" else "draft",
            issued_at=issued_at,
            issued_by=self.user_of(practitioner) if issued_at else None,
            started_from=_ext(r, "started-from") or "",
            formula_code=_code(medication.get("code"), system("formula")) or "",
            previous=self.target(_ext(r, "previous"), Prescription, required=False),
        )
        for order, ingredient in enumerate(medication.get("ingredient") or ()):
            herb = _code(ingredient.get("itemCodeableConcept"), system("herb"))
            grams = ((ingredient.get("strength") or {}).get("numerator") or {}).get("value")
            if not herb or grams is None:
                raise ImportRefused("A formula's ingredient has no herb code or no grams.")
            PrescriptionItem.objects.create(
                prescription=rx,
                herb=herb,
                grams=Decimal(str(grams)),
                order=order,
                preparation=_ext(ingredient, "preparation") or "",
            )
        return rx

    def DetectedIssue(self, r: dict[str, Any]) -> Override:
        rx = self.target((r.get("implicated") or [None])[0], Prescription)
        mitigation = (r.get("mitigation") or [{}])[0]
        reason = (mitigation.get("action") or {}).get("text", "")
        rule = _code(r.get("code"), system("herb-safety-rule"))
        if not rule or not reason:
            raise ImportRefused("A DetectedIssue has no rule code or no reason.")
        return Override.objects.create(
            prescription=rx,
            rule_id=rule,
            reason=reason,
            by=self.user_of(rx.practitioner),
            at=_dt(r.get("identifiedDateTime")) or timezone.now(),
        )

    def run(self, bundle: Bundle) -> dict[str, int]:
        self.pending_links: list[tuple[Patient, dict[str, Any]]] = []
        counts: dict[str, int] = {}
        for item in bundle.entry or ():
            resource = item.resource
            kind = resource.get_resource_type()
            method = getattr(self, kind, None) if kind[:1].isupper() else None
            if method is None:
                raise ImportRefused(f"acuclinic does not import {kind} resources.")
            data = json.loads(resource.model_dump_json())
            if not item.fullUrl:
                raise ImportRefused(f"A {kind} entry has no fullUrl.")
            self.objects.setdefault(item.fullUrl, method(data))
            counts[kind] = counts.get(kind, 0) + 1
        for patient, link in self.pending_links:
            PatientLink.objects.create(
                patient=patient,
                related=self.target(link.get("other"), Patient),
                relationship=_ext(link, "relationship") or "other",
                may_book=bool(_ext(link, "may-book")),
            )
        return counts


def import_bundle(bundle: Bundle | str | bytes, *, actor: Any) -> dict[str, int]:
    """Import into an empty clinic (no patients yet); returns the count per resource type.
    `actor` is the user the records are attributed to where a practitioner has no account."""
    if not isinstance(bundle, Bundle):
        bundle = parse_bundle(bundle)
    if actor is None:
        raise ImportRefused("An import needs a user to attribute the records to.")
    with transaction.atomic():
        if Patient.objects.exists():
            raise ImportRefused(
                "This clinic already has patients: a FHIR bundle is imported into an empty "
                "clinic only, so that no record is mixed with or duplicated in existing ones."
            )
        try:
            return _Importer(actor).run(bundle)
        except (KeyError, IndexError, TypeError, ValueError, StopIteration) as exc:
            raise ImportRefused(f"The bundle could not be read ({type(exc).__name__}).") from None
        except (DatabaseError, DjangoValidationError) as exc:
            # A value our database refuses (a constraint): the whole import is rolled back.
            raise ImportRefused(f"A record was refused by the database: {exc}") from None
