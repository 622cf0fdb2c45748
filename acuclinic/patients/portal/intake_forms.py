"""The intake questionnaire as an HTML form: POST data in, raw answers out; answers in, what
the template draws out.

Field names (the same with or without JavaScript; autosave posts the very same form):
- most questions: `<id>` (one value; a multiple choice: one value per ticked box);
- a duration: `<id>.amount` and `<id>.unit`;
- a body map: `<id>.regions` (one per ticked region) and `<id>.worst`;
- a repeating list: `<id>.<row>.<field>`, rows numbered from 0.

No checking here: the questionnaire engine (questionnaire.validate) does that and keeps what it
cannot accept, so this module only carries values across, tolerating any garbage.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from acuclinic.patients import body_regions
from acuclinic.patients.questionnaire import (
    BODY_MAP,
    DATE,
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
    Result,
    parse_date,
)

MAX_ROWS = 60  # rows read from a form: a little past any list's max_items, so it can say so
_ROW = re.compile(r"([0-9]{1,3})\.([a-z][a-z0-9_]{0,63})")


def _one(data: Mapping[str, Any], name: str) -> str | None:
    values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
    values = [v for v in values if isinstance(v, str)]
    return values[-1] if values else None


def _many(data: Mapping[str, Any], name: str) -> list[str]:
    values = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
    if isinstance(values, str):
        values = [values]
    return [v for v in values or [] if isinstance(v, str)]


def raw_from_post(definition: Definition, data: Mapping[str, Any]) -> dict[str, Any]:
    """The raw answers in a posted form (a QueryDict, or a plain dict of strings or lists)."""
    raw: dict[str, Any] = {}
    for question in definition.questions:
        qid = question.id
        if question.type == MULTIPLE_CHOICE:
            raw[qid] = _many(data, qid)
        elif question.type == DURATION:
            raw[qid] = {"amount": _one(data, f"{qid}.amount"), "unit": _one(data, f"{qid}.unit")}
        elif question.type == BODY_MAP:
            raw[qid] = {
                "regions": _many(data, f"{qid}.regions"),
                "worst": _one(data, f"{qid}.worst"),
            }
        elif question.type == LIST:
            raw[qid] = _rows(question, data)
        else:
            raw[qid] = _one(data, qid)
    return raw


def _rows(question: Question, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = {}
    prefix = f"{question.id}."
    fields = {f.id for f in question.fields}
    for name in list(data.keys()):
        if not isinstance(name, str) or not name.startswith(prefix):
            continue
        match = _ROW.fullmatch(name[len(prefix) :])
        if match is None or match[2] not in fields or int(match[1]) >= MAX_ROWS:
            continue
        rows.setdefault(int(match[1]), {})[match[2]] = _one(data, name)
    return [rows[n] for n in sorted(rows)]


# --- what the template draws ----------------------------------------------------------------


@dataclass
class Choice:
    value: str
    label: str
    input_id: str
    checked: bool


@dataclass
class RegionChoice:
    code: str
    label: str
    input_id: str
    worst_id: str
    checked: bool
    worst: bool
    points: str


@dataclass
class Figure:
    name: str
    title: str
    regions: list[RegionChoice]


@dataclass
class Row:
    number: int  # from 0, as in the field names
    cells: list[dict[str, Any]]


@dataclass
class Field:
    """One question as the form shows it."""

    question: Question
    section: str
    input_id: str  # the first input, where the error summary links
    hidden: bool
    errors: list[str]
    value: Any = None  # text of a single input
    choices: list[Choice] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    row_template: Row | None = None
    amount: str = ""
    unit: str = ""
    units: list[tuple[str, str]] = field(default_factory=list)
    input_type: str = "text"
    inputmode: str = ""
    show_if: str = ""  # the conditions as JSON, for intake.js

    @property
    def qid(self) -> str:
        return self.question.id

    @property
    def type(self) -> str:
        return self.question.type

    @property
    def label(self) -> str:
        return str(self.question.label)

    @property
    def help(self) -> str:
        return str(self.question.help) if self.question.help else ""

    @property
    def uses_fieldset(self) -> bool:
        return self.type in (YES_NO, SINGLE_CHOICE, MULTIPLE_CHOICE, SCALE, DURATION, BODY_MAP)


@dataclass
class Section:
    id: str
    title: str
    help: str
    fields: list[Field]


def _text(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float | str):
        return str(value)
    return ""


def _safe_id(text: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_-]", "-", text)


def form_sections(
    definition: Definition, stored: Mapping[str, Any], result: Result, *, extra_row: str = ""
) -> list[Section]:
    """The questionnaire ready to draw: `stored` holds what to show back (answers, with the
    raw input of invalid ones over them), `result` which questions show and their errors."""
    visible = set(result.visible)
    sections = []
    for section in definition.sections:
        fields = [
            _field(q, section.id, stored.get(q.id), q.id not in visible, result, extra_row)
            for q in section.questions
        ]
        sections.append(Section(section.id, str(section.title), str(section.help or ""), fields))
    return sections


def _field(
    question: Question, section: str, value: object, hidden: bool, result: Result, extra_row: str
) -> Field:
    qid = question.id
    base = f"q-{qid}"
    shown = Field(
        question=question,
        section=section,
        input_id=base,
        hidden=hidden,
        errors=list(result.errors.get(qid, [])),
        show_if=json.dumps(
            [{"question": c.question, "op": c.op, "value": c.value} for c in question.show_if]
        )
        if question.show_if
        else "",
    )
    kind = question.type
    if kind == YES_NO:
        chosen = {True: "yes", False: "no"}.get(value) if isinstance(value, bool) else None
        if chosen is None and isinstance(value, str):
            chosen = value.strip().lower()
        shown.choices = [
            Choice("yes", _("Yes"), f"{base}-yes", chosen in ("yes", "true")),
            Choice("no", _("No"), f"{base}-no", chosen in ("no", "false")),
        ]
        shown.input_id = f"{base}-yes"
    elif kind in (SINGLE_CHOICE, MULTIPLE_CHOICE):
        picked = value if isinstance(value, list) else [value]
        shown.choices = [
            Choice(o.value, str(o.label), f"{base}-{o.value}", o.value in picked)
            for o in question.options
        ]
        shown.input_id = shown.choices[0].input_id
    elif kind == SCALE:
        assert question.minimum is not None and question.maximum is not None
        text = _text(value).strip()
        shown.choices = [
            Choice(str(n), str(n), f"{base}-{n}", text == str(n))
            for n in range(int(question.minimum), int(question.maximum) + 1)
        ]
        shown.input_id = shown.choices[0].input_id
        shown.value = text if text and not any(c.checked for c in shown.choices) else ""
    elif kind == NUMBER:
        shown.value = _text(value)
        shown.inputmode = "decimal" if question.decimals else "numeric"
    elif kind == DATE:
        shown.value = _text(value)
        if question.precision == "month":
            # A month field where the browser has one; the text it falls back to takes
            # "2024-03" or a full date. Raw text that is neither is shown back as plain text.
            fits = re.fullmatch(r"[0-9]{4}-[0-9]{2}", shown.value)
            shown.input_type = "month" if not shown.value or fits else "text"
        else:
            fits = parse_date(shown.value) is not None
            shown.input_type = "date" if not shown.value or fits else "text"
    elif kind == DURATION:
        amount = value.get("amount") if isinstance(value, dict) else None
        unit = value.get("unit") if isinstance(value, dict) else None
        shown.amount = _text(amount)
        shown.unit = unit if isinstance(unit, str) and unit in question.units else ""
        shown.units = [(u, str(DURATION_UNIT_LABELS[u])) for u in question.units]
        shown.input_id = f"{base}-amount"
    elif kind == BODY_MAP:
        shown.figures = _figures(question, value, base)
        shown.input_id = shown.figures[0].regions[0].input_id if shown.figures else base
    elif kind == LIST:
        items = value if isinstance(value, list) else []
        rows = [_row(question, n, item, base) for n, item in enumerate(items[:MAX_ROWS])]
        if not rows or extra_row == qid:
            rows.append(_row(question, len(rows), {}, base))
        shown.rows = rows
        shown.row_template = _row(question, "__row__", {}, base)  # type: ignore[arg-type]
        shown.input_id = rows[0].cells[0]["id"]
    else:
        shown.value = _text(value)
    return shown


def _figures(question: Question, value: object, base: str) -> list[Figure]:
    regions = value.get("regions") if isinstance(value, dict) else value
    regions = regions if isinstance(regions, list) else []
    worst = value.get("worst") if isinstance(value, dict) else None
    titles = {body_regions.FRONT: _("Front of the body"), body_regions.BACK: _("Back of the body")}
    figures = []
    for figure in question.figures:
        figures.append(
            Figure(
                figure,
                titles[figure],
                [
                    RegionChoice(
                        code=r.code,
                        label=str(r.label),
                        input_id=f"{base}-{_safe_id(r.code)}",
                        worst_id=f"{base}-worst-{_safe_id(r.code)}",
                        checked=r.code in regions,
                        worst=r.code == worst,
                        points=_path(r.polygon),
                    )
                    for r in body_regions.regions_for(figure)
                ],
            )
        )
    return figures


def _path(polygon: tuple[tuple[int, int], ...]) -> str:
    first, *rest = polygon
    return f"M{first[0]} {first[1]}" + "".join(f"L{x} {y}" for x, y in rest) + "Z"


def _row(question: Question, number: int | str, item: object, base: str) -> Row:
    item = item if isinstance(item, dict) else {}
    cells = [
        {
            "name": f"{question.id}.{number}.{f.id}",
            "id": f"{base}-{number}-{f.id}",
            "label": str(f.label),
            "value": _text(item.get(f.id)),
            "required": f.required,
        }
        for f in question.fields
    ]
    return Row(number if isinstance(number, int) else -1, cells)


def progress(sections: list[Section], answers: Mapping[str, Any]) -> tuple[int, int]:
    """(answered, shown) questions."""
    shown = [f for s in sections for f in s.fields if not f.hidden]
    return sum(1 for f in shown if f.qid in answers), len(shown)


# --- the read-only summary ------------------------------------------------------------------


@dataclass
class Answer:
    label: str
    text: str = ""
    items: list[str] = field(default_factory=list)


def summary(definition: Definition, answers: Mapping[str, Any]) -> list[tuple[str, list[Answer]]]:
    """Each section's title and its answered questions, as words in the active language."""
    sections = []
    for section in definition.sections:
        rows = [
            _answer(q, answers[q.id]) for q in section.questions if answers.get(q.id) is not None
        ]
        if rows:
            sections.append((str(section.title), rows))
    return sections


def _answer(question: Question, value: Any) -> Answer:
    label = str(question.label)
    kind = question.type
    if kind == YES_NO:
        return Answer(label, _("Yes") if value is True else _("No"))
    if kind in (SINGLE_CHOICE, MULTIPLE_CHOICE):
        values = value if isinstance(value, list) else [value]
        names = [str(o.label) for o in question.options if o.value in values]
        if kind == MULTIPLE_CHOICE:
            return Answer(label, items=names)
        return Answer(label, names[0] if names else str(value))
    if kind == SCALE:
        text = _("%(value)s out of %(max)s") % {"value": value, "max": question.maximum}
        return Answer(label, text)
    if kind == NUMBER:
        unit = f" {question.unit}" if question.unit else ""
        return Answer(label, f"{formats.number_format(value)}{unit}")
    if kind == DATE:
        day = parse_date(value)
        if day is not None:
            return Answer(label, formats.date_format(day))
        month = re.fullmatch(r"([0-9]{4})-([0-9]{2})", str(value))
        if month and 1 <= int(month[2]) <= 12:
            first = date(int(month[1]), int(month[2]), 1)
            return Answer(label, formats.date_format(first, "YEAR_MONTH_FORMAT"))
        return Answer(label, str(value))
    if kind == DURATION:
        amount, unit = value.get("amount"), value.get("unit")
        return Answer(label, f"{amount} {DURATION_UNIT_LABELS.get(unit, unit)}")
    if kind == BODY_MAP:
        worst = value.get("worst")
        items = []
        for code in value.get("regions", []):
            region = body_regions.get(code)
            name = str(region.label) if region else code
            items.append(_("%(area)s (hurts most)") % {"area": name} if code == worst else name)
        return Answer(label, items=items)
    if kind == LIST:
        items = []
        for row in value:
            parts = [str(row[f.id]) for f in question.fields if row.get(f.id) not in (None, "")]
            items.append(" · ".join(parts))
        return Answer(label, items=items)
    return Answer(label, str(value))


def error_count_text(count: int) -> str:
    return ngettext("Please check %(count)d answer.", "Please check %(count)d answers.", count) % {
        "count": count
    }
