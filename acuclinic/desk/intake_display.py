"""An intake as the clinical team reads it: every answer under its question's label, in the
staff member's language, from the definition version the answers were given to.

Pure: a Definition and the stored answers in, plain rows out (no ORM, no request). The view
(desk/intake_views.py) loads the intake through `access_intake` and renders these rows.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from acuclinic.patients import body_regions
from acuclinic.patients.questionnaire import (
    BODY_MAP,
    DURATION,
    DURATION_UNIT_LABELS,
    LIST,
    MULTIPLE_CHOICE,
    NUMBER,
    SCALE,
    SINGLE_CHOICE,
    YES_NO,
    Definition,
    Question,
    classify_duration,
)

# The answers a practitioner must see before needling, by question role (questionnaire.ROLES).
CAUTION_ROLES = ("pregnancy", "bleeding_risk", "pacemaker", "needle_fear", "fainting")
PAIN_ROLES = ("pain_now", "pain_average", "pain_worst")
IMAGING_ROLES = ("imaging", "imaging_finding", "imaging_date")


@dataclass(frozen=True)
class RegionRow:
    code: str
    label: str
    worst: bool


@dataclass(frozen=True)
class Answer:
    """One question's answer as text (`value`), or its parts where it has some."""

    question_id: str
    label: str
    value: str = ""
    answered: bool = True
    invalid: bool = False  # a draft's raw input that did not validate (kept, not yet valid)
    items: list[str] = field(default_factory=list)  # a list's rows, a choice's options
    regions: list[RegionRow] = field(default_factory=list)  # a body map
    caution: bool = False  # an answer that changes how (or whether) to needle


@dataclass(frozen=True)
class SectionRows:
    title: str
    answers: list[Answer]


@dataclass(frozen=True)
class Figure:
    """One body figure with the chosen regions, for a small read-only drawing."""

    name: str
    label: str
    regions: list[tuple[body_regions.Region, str]]  # (region, "worst" / "chosen" / "")


@dataclass(frozen=True)
class IntakeView:
    sections: list[SectionRows]
    cautions: list[Answer]
    pain: list[Answer]
    duration: Answer | None
    pain_map: Answer | None
    figures: list[Figure]
    imaging: list[Answer]
    medications: Answer | None
    allergies: Answer | None
    complaint: Answer | None


def build(
    definition: Definition, answers: Mapping[str, Any], invalid: Mapping[str, Any] | None = None
) -> IntakeView:
    invalid = invalid or {}
    by_id: dict[str, Answer] = {}
    sections: list[SectionRows] = []
    for section in definition.sections:
        rows: list[Answer] = []
        for question in section.questions:
            row = _answer(question, answers, invalid)
            if row is not None:
                rows.append(row)
                by_id[question.id] = row
        if rows:
            sections.append(SectionRows(str(section.title), rows))

    def role(name: str) -> Answer | None:
        question = definition.by_role(name)
        row = by_id.get(question.id) if question else None
        return row if row is not None and row.answered else None

    cautions = [row for name in CAUTION_ROLES if (row := role(name)) and row.caution]
    map_question = definition.by_role("pain_map")
    return IntakeView(
        sections=sections,
        cautions=cautions,
        pain=[row for name in PAIN_ROLES if (row := role(name))],
        duration=role("pain_duration"),
        pain_map=role("pain_map"),
        figures=_figures(map_question, answers.get(map_question.id)) if map_question else [],
        imaging=[row for name in IMAGING_ROLES if (row := role(name))],
        medications=role("medications"),
        allergies=role("allergies"),
        complaint=role("chief_complaint"),
    )


def _shown(question: Question, answers: Mapping[str, Any]) -> bool:
    return all(c.holds(answers.get(c.question)) for c in question.show_if)


def _answer(
    question: Question, answers: Mapping[str, Any], invalid: Mapping[str, Any]
) -> Answer | None:
    label = str(question.label)
    if question.id in answers:
        return _describe(question, label, answers[question.id])
    if question.id in invalid:
        raw = invalid[question.id]
        text = raw if isinstance(raw, str) else repr(raw)
        return Answer(question.id, label, text[:500], invalid=True)
    if _shown(question, answers):
        return Answer(question.id, label, _("Not answered"), answered=False)
    return None  # not asked: an earlier answer hid it


def _yes_no(value: object) -> str:
    return _("Yes") if value is True else _("No") if value is False else str(value)


def _choice_labels(question: Question, value: object) -> list[str]:
    chosen = value if isinstance(value, list) else [value]
    labels = []
    for item in chosen:
        option = question.option(item) if isinstance(item, str) else None
        labels.append(str(option.label) if option else str(item))
    return labels


def _describe(question: Question, label: str, value: object) -> Answer:
    kind = question.type
    if kind == YES_NO:
        caution = question.role in CAUTION_ROLES and value is True
        return Answer(question.id, label, _yes_no(value), caution=caution)
    if kind in (SINGLE_CHOICE, MULTIPLE_CHOICE):
        labels = _choice_labels(question, value)
        chosen = value if isinstance(value, list) else [value]
        caution = question.role == "pregnancy" and any(v != question.none_option for v in chosen)
        return Answer(question.id, label, ", ".join(labels), items=labels, caution=caution)
    if kind == SCALE:
        if question.maximum is not None:
            text = _("%(value)s of %(maximum)s") % {
                "value": value,
                "maximum": number_format(question.maximum),
            }
        else:
            text = str(value)
        return Answer(question.id, label, text)
    if kind == NUMBER:
        text = number_format(value) if isinstance(value, int | float) else str(value)
        if question.unit:
            text = f"{text} {question.unit}"
        return Answer(question.id, label, text)
    if kind == DURATION:
        return Answer(question.id, label, duration_text(value))
    if kind == BODY_MAP:
        regions = body_map_rows(value)
        return Answer(
            question.id,
            label,
            ", ".join(r.label for r in regions),
            regions=regions,
        )
    if kind == LIST:
        return Answer(question.id, label, items=_list_rows(question, value))
    return Answer(question.id, label, str(value))


def duration_text(value: object) -> str:
    """ "4 months (chronic, 12 weeks or more)"; the chronicity from questionnaire.py."""
    if not isinstance(value, dict):
        return str(value)
    unit = DURATION_UNIT_LABELS.get(str(value.get("unit")), value.get("unit"))
    text = f"{value.get('amount')} {unit}"
    chronicity = classify_duration(value)
    return f"{text}: {chronicity.label}" if chronicity else text


def body_map_rows(value: object) -> list[RegionRow]:
    if not isinstance(value, dict):
        return []
    worst = value.get("worst")
    rows = []
    for code in value.get("regions") or []:
        region = body_regions.get(code) if isinstance(code, str) else None
        rows.append(RegionRow(str(code), str(region.label) if region else str(code), code == worst))
    # The worst first: it is what the practitioner looks for.
    return sorted(rows, key=lambda r: not r.worst)


def _figures(question: Question, value: object) -> list[Figure]:
    if not isinstance(value, dict):
        return []
    chosen = set(value.get("regions") or [])
    worst = value.get("worst")
    names = {body_regions.FRONT: _("Front"), body_regions.BACK: _("Back")}
    figures = []
    for name in question.figures:
        regions = [
            (r, "worst" if r.code == worst else "chosen" if r.code in chosen else "")
            for r in body_regions.regions_for(name)
        ]
        figures.append(Figure(name, str(names.get(name, name)), regions))
    return figures


def _list_rows(question: Question, value: object) -> list[str]:
    if not isinstance(value, list):
        return [str(value)]
    rows = []
    for item in value:
        if not isinstance(item, dict):
            rows.append(str(item))
            continue
        parts = []
        for field_question in question.fields:
            if field_question.id in item:
                shown = _describe(field_question, "", item[field_question.id]).value
                parts.append(f"{field_question.label}: {shown}")
        rows.append(" · ".join(parts))
    return rows
