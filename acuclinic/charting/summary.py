"""What sits beside the note: the intake in brief, the previous visits, the pain trend. Each is
a fixed number of queries, whatever the patient's history."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from acuclinic.patients import body_regions, red_flags
from acuclinic.patients import intake as intakes
from acuclinic.patients.models import IntakeResponse, Patient

from . import cautions
from .models import NeedlePoint, Visit

PREVIOUS_VISITS = 20
PAIN_SCORES = 20


@dataclass
class IntakeSummary:
    intake: IntakeResponse
    url: str
    chief_complaint: str = ""
    regions: list[str | Promise] = field(default_factory=list)
    region_codes: list[str] = field(default_factory=list)
    worst: str | Promise = ""
    caution_labels: list[str | Promise] = field(default_factory=list)
    flags: list[red_flags.Flag] = field(default_factory=list)
    facts: cautions.Facts = field(default_factory=cautions.Facts)


def intake_url(intake: IntakeResponse) -> str:
    # The desk's intake page (desk/patients/<id>/intake/<intake_id>/), built by the desk.
    return f"/desk/patients/{intake.patient_id}/intake/{intake.pk}/"


def intake_summary(intake: IntakeResponse | None) -> IntakeSummary | None:
    if intake is None:
        return None
    definition = intakes.definition_of(intake)
    answers: dict[str, Any] = intake.answers if isinstance(intake.answers, dict) else {}

    def answer(role: str) -> Any:
        question = definition.by_role(role)
        return answers.get(question.id) if question is not None else None

    summary = IntakeSummary(intake=intake, url=intake_url(intake))
    complaint = answer("chief_complaint")
    summary.chief_complaint = complaint if isinstance(complaint, str) else ""
    pain_map = answer("pain_map")
    if isinstance(pain_map, dict):
        for code in pain_map.get("regions") or []:
            region = body_regions.get(code) if isinstance(code, str) else None
            if region is not None:
                summary.regions.append(region.label)
                summary.region_codes.append(region.code)
        worst = body_regions.get(pain_map.get("worst") or "")
        summary.worst = worst.label if worst is not None else ""
    facts = cautions.facts_from_answers(definition, answers)
    summary.facts = facts
    if facts.pregnant:
        summary.caution_labels.append(_("Pregnant, or might be"))
    if facts.pacemaker:
        summary.caution_labels.append(_("Pacemaker or other electronic implant"))
    if facts.bleeding_risk:
        summary.caution_labels.append(_("Bleeding disorder or blood thinner"))
    if answer("needle_fear") is True:
        summary.caution_labels.append(_("Nervous about needles"))
    if answer("fainting") is True:
        summary.caution_labels.append(_("Has fainted at injections or blood tests"))
    summary.flags = intakes.flags_of(intake)
    return summary


def previous_visits(visit: Visit) -> QuerySet[Visit]:
    """The patient's other visits before this one, newest first, with their points and pain:
    three queries for any number."""
    return (
        Visit.objects.filter(patient_id=visit.patient_id, started_at__lte=visit.started_at)
        .exclude(pk=visit.pk)
        .select_related("pain_before", "pain_after", "practitioner")
        .prefetch_related(Prefetch("needles", queryset=NeedlePoint.objects.order_by("order")))
        .order_by("-started_at", "-pk")[:PREVIOUS_VISITS]
    )


def pain_trend(patient: Patient) -> list[Any]:
    """The latest pain-now ratings (NPRS) from every source, oldest first."""
    from acuclinic.outcomes.models import Score

    scores = Score.objects.filter(patient=patient, measure="nprs", item="now").order_by(
        "-observed_at", "-pk"
    )[:PAIN_SCORES]
    return list(reversed(scores))
