"""What the patient's "My data" page hands over: the clinic's export (patients/export.py), and
the submitted intake as labelled lines for the printable summary (labels from the
questionnaire version answered)."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .. import body_regions
from ..export import export_patient
from ..models import IntakeResponse, Patient
from ..questionnaire import (
    BODY_MAP,
    DURATION,
    DURATION_UNIT_LABELS,
    LIST,
    MULTIPLE_CHOICE,
    SINGLE_CHOICE,
    YES_NO,
    Definition,
    Question,
    get_definition,
)


def full_export(patient: Patient) -> dict[str, Any]:
    """Everything the clinic holds about the patient (patients/export.py, the desk's export)."""
    return export_patient(patient)


@dataclass(frozen=True)
class Line:
    label: str
    value: str


@dataclass(frozen=True)
class SectionLines:
    title: str
    lines: list[Line]


def intake_lines(intake: IntakeResponse, language: str | None = None) -> list[SectionLines]:
    """The answers of an intake, section by section, as (question label, answer text)."""
    try:
        definition: Definition = get_definition(intake.questionnaire, intake.version)
    except Exception:  # a version no longer shipped: show nothing rather than fail
        return []
    answers = intake.answers if isinstance(intake.answers, dict) else {}
    sections = []
    for section in definition.sections:
        lines = [
            Line(q.label.get(language), _answer_text(q, answers[q.id], language))
            for q in section.questions
            if q.id in answers and answers[q.id] not in (None, "", [])
        ]
        if lines:
            sections.append(SectionLines(section.title.get(language), lines))
    return sections


def _answer_text(question: Question, value: Any, language: str | None) -> str:
    if question.type == YES_NO:
        return _("Yes") if value is True else _("No") if value is False else str(value)
    if question.type == SINGLE_CHOICE:
        return _option(question, value, language)
    if question.type == MULTIPLE_CHOICE and isinstance(value, list):
        return ", ".join(_option(question, v, language) for v in value)
    if question.type == DURATION and isinstance(value, dict):
        unit = DURATION_UNIT_LABELS.get(str(value.get("unit")), value.get("unit"))
        return f"{value.get('amount')} {unit}"
    if question.type == BODY_MAP and isinstance(value, dict):
        return _body_map(value)
    if question.type == LIST and isinstance(value, list):
        rows = []
        for row in value:
            if isinstance(row, dict):
                parts = [
                    f"{f.label.get(language)}: {_answer_text(f, row[f.id], language)}"
                    for f in question.fields
                    if row.get(f.id) not in (None, "")
                ]
                rows.append("; ".join(parts))
        return " · ".join(r for r in rows if r)
    if question.unit is not None and isinstance(value, int | float):
        return f"{value} {question.unit.get(language)}"
    return str(value)


def _option(question: Question, value: Any, language: str | None) -> str:
    option = question.option(value) if isinstance(value, str) else None
    return option.label.get(language) if option else str(value)


def _body_map(value: dict[str, Any]) -> str:
    worst = value.get("worst")
    names = []
    for code in value.get("regions") or []:
        region = body_regions.get(code) if isinstance(code, str) else None
        name = str(region.label) if region else str(code)
        names.append(_("%(area)s (worst)") % {"area": name} if code == worst else name)
    return ", ".join(names)
