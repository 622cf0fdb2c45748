"""Questionnaires as data: load a definition, then check a patient's answers against it.

A definition (a JSON file, see questionnaires/README.md) has a `key`, an integer `version` and
sections of questions. A clinic adds a question by shipping a new version; answers are stored
with the key and version they were given to, so old answers keep their meaning.

`validate(definition, raw_answers, final=...)` never raises on input: whatever JSON arrives, it
returns the cleaned answers, the errors per question id and the invalid raw input (made safe to
store) so a form can show it back. A draft (`final=False`) loses nothing the patient typed.

Pure: no ORM, no request. Django is used only for translation and number formatting.
"""

import functools
import json
import math
import re
import unicodedata
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from acuclinic.patients import body_regions

type JSON = bool | int | float | str | list[JSON] | dict[str, JSON] | None

SHIPPED_DIR = Path(__file__).with_name("questionnaires")

SHORT_TEXT = "short_text"
LONG_TEXT = "long_text"
YES_NO = "yes_no"
SINGLE_CHOICE = "single_choice"
MULTIPLE_CHOICE = "multiple_choice"
SCALE = "scale"
NUMBER = "number"
DATE = "date"
DURATION = "duration"
BODY_MAP = "body_map"
LIST = "list"
TYPES = (
    SHORT_TEXT,
    LONG_TEXT,
    YES_NO,
    SINGLE_CHOICE,
    MULTIPLE_CHOICE,
    SCALE,
    NUMBER,
    DATE,
    DURATION,
    BODY_MAP,
    LIST,
)
# A repeating list's fields are single values: no nested lists, maps or durations.
FIELD_TYPES = (SHORT_TEXT, LONG_TEXT, YES_NO, SINGLE_CHOICE, NUMBER, SCALE, DATE)

# Roles name the questions other code reads (the red-flag screen, herb safety, outcomes), so
# that code does not depend on ids or wording. Each role fixes the question's type.
ROLES: Mapping[str, str] = MappingProxyType(
    {
        "chief_complaint": LONG_TEXT,
        "date_of_birth": DATE,
        "pain_map": BODY_MAP,
        "pain_now": SCALE,
        "pain_average": SCALE,
        "pain_worst": SCALE,
        "pain_duration": DURATION,
        "imaging": MULTIPLE_CHOICE,
        "imaging_finding": MULTIPLE_CHOICE,
        "imaging_date": DATE,
        "medications": LIST,
        "allergies": LONG_TEXT,
        "pregnancy": MULTIPLE_CHOICE,
        "bleeding_risk": YES_NO,
        "pacemaker": YES_NO,
        "needle_fear": YES_NO,
        "fainting": YES_NO,
    }
)

# Limits: what a patient can reasonably type on a phone, and what a definition may ask for.
TEXT_LIMITS = {SHORT_TEXT: (200, 1_000), LONG_TEXT: (2_000, 10_000)}  # (default, ceiling)
MAX_OPTIONS = 100
MAX_SCALE_STEPS = 100
MAX_BOUND = 1_000_000_000
MAX_DECIMALS = 4
MAX_LIST_ITEMS = 50
MAX_CONDITIONS = 5
EARLIEST_DATE = date(1900, 1, 1)
DURATION_UNITS = ("days", "weeks", "months", "years")
DURATION_LIMITS = {"days": 36_525, "weeks": 5_218, "months": 1_200, "years": 100}  # ~100 years
DURATION_UNIT_LABELS = {
    "days": _("days"),
    "weeks": _("weeks"),
    "months": _("months"),
    "years": _("years"),
}
WORST_MODES = ("required", "optional", "off")
NON_QUESTION = "__all__"  # the errors key for answers that are not an object at all

_ID = re.compile(r"[a-z][a-z0-9_]{0,63}")
_KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*")
_RED_FLAG = re.compile(r"[a-z][a-z0-9_]{0,63}")
# ASCII digits only: str.isdigit() and int() accept "²" or "٣", which no patient means as input.
_INT = re.compile(r"[+-]?[0-9]{1,12}")
_DECIMAL = re.compile(r"[+-]?[0-9]{1,12}(?:[.,][0-9]{1,12})?")  # "72,5" is how Spain writes it
_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
# C0 controls other than tab and newlines, DEL, and lone surrogates (which cannot be stored).
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


# --- localised text -------------------------------------------------------------------------


def localized(text: str | Mapping[str, str], language: str | None = None) -> str:
    """`text` in `language` (default: the active one), else its base language, else English.

    A plain string is the same in every language.
    """
    if isinstance(text, str):
        return text
    wanted = (language or get_language() or "en").lower()
    for candidate in (wanted, wanted.split("-")[0], "en"):
        if candidate in text:
            return text[candidate]
    return next(iter(text.values()), "")


@dataclass(frozen=True)
class LocalText:
    """A human string from a definition; str() gives it in the active language."""

    texts: Mapping[str, str]

    def get(self, language: str | None = None) -> str:
        return localized(self.texts, language)

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(self.texts)

    def __str__(self) -> str:
        return self.get()


# --- the definition -------------------------------------------------------------------------


class DefinitionError(ValueError):
    """A malformed definition; `path` says where (`sections[1].questions[3].show_if`)."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


@dataclass(frozen=True)
class Option:
    value: str
    label: LocalText
    red_flag: str | None = None  # choosing this option raises that red flag


@dataclass(frozen=True)
class Condition:
    """Show a question only when an earlier answer `equals` / is `in` / `contains` /
    `contains_any` of the given value(s), or is `answered` at all."""

    question: str
    op: str
    value: JSON = None

    def holds(self, answer: JSON | None) -> bool:
        if answer is None:
            return False
        if self.op == "answered":
            return True
        if self.op == "equals":
            return type(answer) is type(self.value) and answer == self.value
        if self.op == "in":
            return isinstance(self.value, list) and answer in self.value
        chosen = answer.get("regions") if isinstance(answer, dict) else answer
        if not isinstance(chosen, list):
            return False
        wanted = self.value if self.op == "contains_any" else [self.value]
        return isinstance(wanted, list) and any(v in chosen for v in wanted)


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    label: LocalText
    help: LocalText | None = None
    required: bool = False
    show_if: tuple[Condition, ...] = ()
    red_flag: str | None = None  # a yes/no question whose "yes" raises this red flag
    role: str | None = None
    # choices
    options: tuple[Option, ...] = ()
    none_option: str | None = None  # the "none of these" value, which excludes the others
    max_choices: int | None = None
    # scale and number
    minimum: int | float | None = None
    maximum: int | float | None = None
    min_label: LocalText | None = None
    max_label: LocalText | None = None
    unit: LocalText | None = None
    decimals: int = 0
    # text
    max_length: int = 0
    # date
    not_future: bool = False
    earliest: date = EARLIEST_DATE
    precision: str = "day"  # "month" also accepts YYYY-MM ("about March 2024")
    # duration
    units: tuple[str, ...] = DURATION_UNITS
    # body map
    figures: tuple[str, ...] = body_regions.FIGURES
    worst: str = "optional"
    # repeating list
    fields: tuple["Question", ...] = ()
    max_items: int = 0
    item_label: LocalText | None = None

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)


@dataclass(frozen=True)
class Section:
    id: str
    title: LocalText
    help: LocalText | None
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Definition:
    key: str
    version: int
    title: LocalText
    sections: tuple[Section, ...]

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        """Every question (not the fields of lists), in the order a patient meets them."""
        return tuple(q for s in self.sections for q in s.questions)

    @cached_property
    def _by_id(self) -> Mapping[str, Question]:
        return MappingProxyType({q.id: q for q in self.questions})

    def question(self, question_id: str) -> Question:
        return self._by_id[question_id]

    def by_role(self, role: str) -> Question | None:
        return next((q for q in self.questions if q.role == role), None)


# --- reading a definition -------------------------------------------------------------------

_COMMON_KEYS = {"id", "type", "label", "help", "required", "show_if", "red_flag", "role"}
_FIELD_KEYS = {"id", "type", "label", "help", "required"}
_TYPE_KEYS: Mapping[str, set[str]] = {
    SHORT_TEXT: {"max_length"},
    LONG_TEXT: {"max_length"},
    YES_NO: set(),
    SINGLE_CHOICE: {"options"},
    MULTIPLE_CHOICE: {"options", "none_option", "max_choices"},
    SCALE: {"min", "max", "min_label", "max_label"},
    NUMBER: {"min", "max", "unit", "decimals"},
    DATE: {"not_future", "earliest", "precision"},
    DURATION: {"units"},
    BODY_MAP: {"figures", "worst"},
    LIST: {"fields", "max_items", "item_label"},
}
_CONDITION_OPS: Mapping[str, tuple[str, ...]] = {
    "equals": (YES_NO, SINGLE_CHOICE, SCALE),
    "in": (SINGLE_CHOICE, SCALE),
    "contains": (MULTIPLE_CHOICE, BODY_MAP),
    "contains_any": (MULTIPLE_CHOICE, BODY_MAP),
    "answered": TYPES,
}


def _fail(path: str, message: str) -> DefinitionError:
    return DefinitionError(path, message)


def _object(data: object, path: str, required: set[str], allowed: set[str]) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise _fail(path, "must be an object")
    for key in data:
        if key not in allowed:
            raise _fail(path, f"unknown key {key!r}")
    for key in sorted(required - data.keys()):
        raise _fail(path, f"missing {key!r}")
    return data


def _text(data: object, path: str) -> LocalText:
    """A plain string, or {"en": ..., "es": ...}: English is the fallback, so it must be there."""
    if isinstance(data, str):
        if not data.strip():
            raise _fail(path, "must not be empty")
        return LocalText(MappingProxyType({"en": data}))
    if not isinstance(data, dict) or "en" not in data:
        raise _fail(path, 'must be a string or an object of languages with "en"')
    for language, text in data.items():
        if not _LANGUAGE.fullmatch(language):
            raise _fail(f"{path}.{language}", "is not a language code")
        if not isinstance(text, str) or not text.strip():
            raise _fail(f"{path}.{language}", "must be a non-empty string")
    return LocalText(MappingProxyType(dict(data)))


def _optional_text(data: dict[str, Any], key: str, path: str) -> LocalText | None:
    return _text(data[key], f"{path}.{key}") if key in data else None


def _boolean(data: dict[str, Any], key: str, path: str, default: bool = False) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise _fail(f"{path}.{key}", "must be true or false")
    return value


def _integer(value: object, path: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(path, f"must be a whole number from {low} to {high}")
    return value


def _bound(value: object, path: str) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(path, "must be a number")
    if not math.isfinite(value) or abs(value) > MAX_BOUND:
        raise _fail(path, f"must be a finite number within ±{MAX_BOUND}")
    return value


def _ident(value: object, path: str) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise _fail(path, "must be lower case letters, digits and _ (starting with a letter)")
    return value


class _Reader:
    """Reads one definition, remembering the ids, roles and questions met so far."""

    def __init__(self, red_flag_codes: Collection[str] | None) -> None:
        self.red_flag_codes = red_flag_codes
        self.earlier: dict[str, Question] = {}
        self.roles: set[str] = set()

    def definition(self, data: object) -> Definition:
        data = _object(
            data,
            "",
            {"key", "version", "title", "sections"},
            {"key", "version", "title", "description", "sections"},
        )
        key = data["key"]
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise _fail("key", "must be lower case letters, digits and -")
        version = _integer(data["version"], "version", 1, 1_000_000)
        title = _text(data["title"], "title")
        if "description" in data:
            _text(data["description"], "description")
        sections = data["sections"]
        if not isinstance(sections, list) or not sections:
            raise _fail("sections", "must be a non-empty list")
        seen: set[str] = set()
        parsed = []
        for i, section in enumerate(sections):
            parsed.append(self.section(section, f"sections[{i}]"))
            if parsed[-1].id in seen:
                raise _fail(f"sections[{i}].id", f"duplicate section id {parsed[-1].id!r}")
            seen.add(parsed[-1].id)
        return Definition(key, version, title, tuple(parsed))

    def section(self, data: object, path: str) -> Section:
        data = _object(
            data, path, {"id", "title", "questions"}, {"id", "title", "help", "questions"}
        )
        section_id = _ident(data["id"], f"{path}.id")
        title = _text(data["title"], f"{path}.title")
        questions = data["questions"]
        if not isinstance(questions, list) or not questions:
            raise _fail(f"{path}.questions", "must be a non-empty list")
        parsed = []
        for i, item in enumerate(questions):
            question = self.question(item, f"{path}.questions[{i}]", field=False)
            parsed.append(question)
            self.earlier[question.id] = question
        return Section(section_id, title, _optional_text(data, "help", path), tuple(parsed))

    def question(self, data: object, path: str, *, field: bool) -> Question:
        if not isinstance(data, dict):
            raise _fail(path, "must be an object")
        question_id = _ident(data.get("id"), f"{path}.id")
        path = f"{path}({question_id})"  # errors name the question from here on
        kind = data.get("type")
        allowed_types = FIELD_TYPES if field else TYPES
        if kind not in allowed_types:
            raise _fail(f"{path}.type", f"unknown type {kind!r}; one of {', '.join(allowed_types)}")
        common = _FIELD_KEYS if field else _COMMON_KEYS
        data = _object(data, path, {"id", "type", "label"}, common | _TYPE_KEYS[kind])
        if not field and question_id in self.earlier:
            raise _fail(f"{path}.id", f"duplicate question id {question_id!r}")
        common_values = {
            "id": question_id,
            "type": kind,
            "label": _text(data["label"], f"{path}.label"),
            "help": _optional_text(data, "help", path),
            "required": _boolean(data, "required", path),
            "show_if": self.conditions(data["show_if"], f"{path}.show_if")
            if "show_if" in data
            else (),
            "red_flag": self.red_flag(data, kind, path),
            "role": self.role(data, kind, path),
        }
        question = Question(**common_values, **_TYPE_READERS[kind](self, data, path))
        if question.role == "date_of_birth" and question.precision != "day":
            raise _fail(f"{path}.precision", "a date of birth needs the day")
        if field and any(o.red_flag for o in question.options):
            # The screen reads top-level answers only; a flag inside a list would never fire.
            raise _fail(f"{path}.options", "a field of a list cannot carry a red flag")
        return question

    def red_flag(self, data: dict[str, Any], kind: str, path: str) -> str | None:
        if "red_flag" not in data:
            return None
        if kind != YES_NO:
            raise _fail(f"{path}.red_flag", "only a yes/no question (or a choice option) can")
        return self.red_flag_code(data["red_flag"], f"{path}.red_flag")

    def red_flag_code(self, code: object, path: str) -> str:
        if not isinstance(code, str) or not _RED_FLAG.fullmatch(code):
            raise _fail(path, "must be a red-flag code")
        if self.red_flag_codes is not None and code not in self.red_flag_codes:
            raise _fail(path, f"unknown red flag {code!r}")
        return code

    def role(self, data: dict[str, Any], kind: str, path: str) -> str | None:
        if "role" not in data:
            return None
        role = data["role"]
        if not isinstance(role, str) or role not in ROLES:
            raise _fail(f"{path}.role", f"unknown role {role!r}")
        if ROLES[role] != kind:
            raise _fail(f"{path}.role", f"{role!r} needs a {ROLES[role]} question")
        if role in self.roles:
            raise _fail(f"{path}.role", f"a second question with role {role!r}")
        self.roles.add(role)
        return role

    def conditions(self, data: object, path: str) -> tuple[Condition, ...]:
        if isinstance(data, dict):
            return (self.condition(data, path),)
        if not isinstance(data, list) or not 1 <= len(data) <= MAX_CONDITIONS:
            raise _fail(path, f"must be a condition or a list of 1 to {MAX_CONDITIONS}")
        return tuple(self.condition(c, f"{path}[{i}]") for i, c in enumerate(data))

    def condition(self, data: object, path: str) -> Condition:
        data = _object(data, path, {"question"}, {"question", *_CONDITION_OPS})
        ops = [op for op in _CONDITION_OPS if op in data]
        if len(ops) != 1:
            raise _fail(path, f"needs exactly one of {', '.join(_CONDITION_OPS)}")
        op, value = ops[0], data[ops[0]]
        target = self.earlier.get(data["question"]) if isinstance(data["question"], str) else None
        if target is None:
            raise _fail(f"{path}.question", f"{data['question']!r} is not an earlier question")
        if target.type not in _CONDITION_OPS[op]:
            raise _fail(f"{path}.{op}", f"cannot be used on a {target.type} question")
        _check_condition_value(target, op, value, f"{path}.{op}")
        return Condition(target.id, op, value)


def _check_condition_value(target: Question, op: str, value: object, path: str) -> None:
    if op == "answered":
        if value is not True:
            raise _fail(path, "must be true")
        return
    values = value if op in ("in", "contains_any") else [value]
    if not isinstance(values, list) or not values:
        raise _fail(path, "must be a non-empty list")
    for v in values:
        if not _fits(target, v):
            raise _fail(path, f"{v!r} is not a possible answer to {target.id!r}")


def _fits(target: Question, value: object) -> bool:
    """Whether a condition's value could ever be an answer to `target`."""
    if target.type == YES_NO:
        return isinstance(value, bool)
    if target.type == SCALE:
        assert target.minimum is not None and target.maximum is not None
        return type(value) is int and target.minimum <= value <= target.maximum
    if target.type == BODY_MAP:
        region = body_regions.get(value) if isinstance(value, str) else None
        return region is not None and region.figure in target.figures
    return isinstance(value, str) and target.option(value) is not None


def _read_text(reader: _Reader, data: dict[str, Any], path: str) -> dict[str, Any]:
    default, ceiling = TEXT_LIMITS[data["type"]]
    limit = _integer(data.get("max_length", default), f"{path}.max_length", 1, ceiling)
    return {"max_length": limit}


def _read_nothing(reader: _Reader, data: dict[str, Any], path: str) -> dict[str, Any]:
    return {}


def _read_options(reader: _Reader, data: dict[str, Any], path: str) -> dict[str, Any]:
    options = data.get("options")
    if not isinstance(options, list) or not 1 <= len(options) <= MAX_OPTIONS:
        raise _fail(f"{path}.options", f"must be a list of 1 to {MAX_OPTIONS} options")
    parsed: list[Option] = []
    for i, item in enumerate(options):
        where = f"{path}.options[{i}]"
        item = _object(item, where, {"value", "label"}, {"value", "label", "red_flag"})
        value = _ident(item["value"], f"{where}.value")
        if any(o.value == value for o in parsed):
            raise _fail(f"{where}.value", f"duplicate option {value!r}")
        flag = (
            reader.red_flag_code(item["red_flag"], f"{where}.red_flag")
            if "red_flag" in item
            else None
        )
        parsed.append(Option(value, _text(item["label"], f"{where}.label"), flag))
    result: dict[str, Any] = {"options": tuple(parsed)}
    if data["type"] == MULTIPLE_CHOICE:
        none = data.get("none_option")
        if none is not None and not any(o.value == none for o in parsed):
            raise _fail(f"{path}.none_option", f"{none!r} is not one of the options")
        if none is not None and parsed[[o.value for o in parsed].index(none)].red_flag:
            raise _fail(f"{path}.none_option", "a red flag cannot hang on 'none of these'")
        result["none_option"] = none
        if "max_choices" in data:
            result["max_choices"] = _integer(
                data["max_choices"], f"{path}.max_choices", 1, len(parsed)
            )
    return result


def _read_scale(reader: _Reader, data: dict[str, Any], path: str) -> dict[str, Any]:
    if "min" not in data or "max" not in data:
        raise _fail(path, "a scale needs min and max")
    low = _integer(data["min"], f"{path}.min", -MAX_BOUND, MAX_BOUND)
    high = _integer(data["max"], f"{path}.max", -MAX_BOUND, MAX_BOUND)
    if not 1 <= high - low <= MAX_SCALE_STEPS:
        raise _fail(f"{path}.max", f"must be 1 to {MAX_SCALE_STEPS} steps above min")
    return {
        "minimum": low,
        "maximum": high,
        "min_label": _optional_text(data, "min_label", path),
        "max_label": _optional_text(data, "max_label", path),
    }


def _read_number(reader: _Reader, data: dict[str, Any], path: str) -> dict[str, Any]:
    if "min" not in data or "max" not in data:
        raise _fail(path, "a number needs min and max")
    low = _bound(data["min"], f"{path}.min")
    high = _bound(data["max"], f"{path}.max")
    if not low < high:
        raise _fail(f"{path}.max", "must be above min")
    decimals = _integer(data.get("decimals", 0), f"{path}.decimals", 0, MAX_DECIMALS)
    return {
        "minimum": low,
        "maximum": high,
        "decimals": decimals,
        "unit": _optional_text(data, "unit", path),
    }


def parse_date(value: object) -> date | None:
    """A day from "YYYY-MM-DD" (ASCII digits, a real date), else None."""
    match = _DAY.fullmatch(value) if isinstance(value, str) else None
    try:
        return date(*map(int, match.groups())) if match else None
    except ValueError:  # 2025-02-30
        return None


def _read_date(reader: _Reader, data: dict[str, Any], path: str) -> dict[str, Any]:
    earliest = parse_date(data.get("earliest", EARLIEST_DATE.isoformat()))
    if earliest is None or earliest < EARLIEST_DATE:
        raise _fail(f"{path}.earliest", "must be a date (YYYY-MM-DD) not before 1900-01-01")
    precision = data.get("precision", "day")
    if precision not in ("day", "month"):
        raise _fail(f"{path}.precision", 'must be "day" or "month"')
    return {
        "not_future": _boolean(data, "not_future", path),
        "earliest": earliest,
        "precision": precision,
    }


def _read_duration(reader: _Reader, data: dict[str, Any], path: str) -> dict[str, Any]:
    units = data.get("units", list(DURATION_UNITS))
    if not isinstance(units, list) or not units or any(u not in DURATION_UNITS for u in units):
        raise _fail(f"{path}.units", f"must be a non-empty list of {', '.join(DURATION_UNITS)}")
    if len(set(units)) != len(units):
        raise _fail(f"{path}.units", "lists a unit twice")
    return {"units": tuple(units)}


def _read_body_map(reader: _Reader, data: dict[str, Any], path: str) -> dict[str, Any]:
    figures = data.get("figures", list(body_regions.FIGURES))
    if (
        not isinstance(figures, list)
        or not figures
        or any(f not in body_regions.FIGURES for f in figures)
        or len(set(figures)) != len(figures)
    ):
        raise _fail(f"{path}.figures", f"must list some of {', '.join(body_regions.FIGURES)}")
    worst = data.get("worst", "optional")
    if worst not in WORST_MODES:
        raise _fail(f"{path}.worst", f"must be one of {', '.join(WORST_MODES)}")
    return {"figures": tuple(figures), "worst": worst}


def _read_list(reader: _Reader, data: dict[str, Any], path: str) -> dict[str, Any]:
    fields = data.get("fields")
    if not isinstance(fields, list) or not fields:
        raise _fail(f"{path}.fields", "must be a non-empty list of questions")
    parsed: list[Question] = []
    for i, item in enumerate(fields):
        question = reader.question(item, f"{path}.fields[{i}]", field=True)
        if any(q.id == question.id for q in parsed):
            raise _fail(f"{path}.fields[{i}].id", f"duplicate field id {question.id!r}")
        parsed.append(question)
    if "max_items" not in data:
        raise _fail(path, "a list needs max_items")
    max_items = _integer(data["max_items"], f"{path}.max_items", 1, MAX_LIST_ITEMS)
    return {
        "fields": tuple(parsed),
        "max_items": max_items,
        "item_label": _optional_text(data, "item_label", path),
    }


_TYPE_READERS: Mapping[str, Callable[[_Reader, dict[str, Any], str], dict[str, Any]]] = {
    SHORT_TEXT: _read_text,
    LONG_TEXT: _read_text,
    YES_NO: _read_nothing,
    SINGLE_CHOICE: _read_options,
    MULTIPLE_CHOICE: _read_options,
    SCALE: _read_scale,
    NUMBER: _read_number,
    DATE: _read_date,
    DURATION: _read_duration,
    BODY_MAP: _read_body_map,
    LIST: _read_list,
}


def parse_definition(data: object, *, red_flag_codes: Collection[str] | None = None) -> Definition:
    """A definition from parsed JSON; DefinitionError says what is wrong and where.

    With `red_flag_codes`, a `red_flag` outside them is an error too (a typo would otherwise
    silently switch a safety question off).
    """
    return _Reader(red_flag_codes).definition(data)


def _no_constants(name: str) -> None:
    raise DefinitionError("", f"{name} is not a number JSON allows")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise DefinitionError("", f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def load_definition(
    path: str | Path, *, red_flag_codes: Collection[str] | None = None
) -> Definition:
    """Read and check a definition file; errors name the file and the place inside it."""
    path = Path(path)
    try:
        data = json.loads(
            path.read_text(encoding="utf-8"),
            parse_constant=_no_constants,
            object_pairs_hook=_no_duplicate_keys,
        )
        return parse_definition(data, red_flag_codes=red_flag_codes)
    except DefinitionError as e:
        raise DefinitionError(f"{path.name}: {e.path}" if e.path else path.name, e.message) from e
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        raise DefinitionError(path.name, f"cannot be read: {e}") from e


def get_definition(key: str, version: int) -> Definition:
    """A definition shipped in questionnaires/ (`<key>-v<version>.json`), checked once.

    LookupError when there is no such file (an unknown key or version).
    """
    if not isinstance(key, str) or not _KEY.fullmatch(key) or type(version) is not int:
        raise LookupError(f"no questionnaire {key!r} version {version!r}")
    return _shipped(key, version)


@functools.cache
def _shipped(key: str, version: int) -> Definition:
    path = SHIPPED_DIR / f"{key}-v{version}.json"
    if not path.is_file():
        raise LookupError(f"no questionnaire {key!r} version {version!r}")
    # red_flags builds on this module; asked here so a shipped file cannot name an unknown flag.
    from acuclinic.patients.red_flags import CODES

    definition = load_definition(path, red_flag_codes=CODES)
    if (definition.key, definition.version) != (key, version):
        raise DefinitionError(path.name, "key and version must match the file name")
    return definition


def latest_version(key: str) -> int:
    """The highest shipped version of a questionnaire (what a new patient is asked)."""
    pattern = re.compile(re.escape(key) + r"-v([0-9]{1,7})\.json")
    versions = [int(m[1]) for p in SHIPPED_DIR.glob("*.json") if (m := pattern.fullmatch(p.name))]
    if not _KEY.fullmatch(key) or not versions:
        raise LookupError(f"no questionnaire {key!r}")
    return max(versions)


# --- checking answers -----------------------------------------------------------------------


class _Missing:
    """No usable answer (blank, or nothing valid)."""


MISSING: Final = _Missing()
type Cleaned = tuple[JSON | _Missing, list[str]]

REQUIRED = _("Please answer this question.")


@dataclass(frozen=True)
class Result:
    key: str
    version: int
    final: bool
    answers: dict[str, JSON]  # cleaned answers of the questions shown, by question id
    errors: dict[str, list[str]]  # messages in the active language, by question id
    invalid: dict[str, JSON]  # the raw input of questions with errors, safe to store and show
    visible: tuple[str, ...]  # ids of the questions shown, in order

    @property
    def ok(self) -> bool:
        return not self.errors

    def stored(self) -> dict[str, JSON]:
        """What to keep: the answers with the questionnaire and version they were given to."""
        return {
            "questionnaire": self.key,
            "version": self.version,
            "answers": self.answers,
            "invalid": self.invalid,
        }


@dataclass(frozen=True)
class _Context:
    final: bool
    today: date


def validate(
    definition: Definition, raw_answers: object, *, final: bool, today: date | None = None
) -> Result:
    """Clean `raw_answers` (question id -> raw value, as parsed JSON) against `definition`.

    Questions are taken in order; a question whose `show_if` fails is hidden and its answer
    dropped. A draft reports bad answers but not missing ones, and keeps every valid answer. A
    final check also wants every required question shown. Where an earlier answer is invalid,
    whether a later question shows is unknown: it keeps its answer and is not required.
    `today` (default: the local date) is for "not in the future".
    """
    context = _Context(final, today or timezone.localdate())
    errors: dict[str, list[str]] = {}
    if not isinstance(raw_answers, dict):
        if raw_answers is not None:
            errors[NON_QUESTION] = [gettext("The answers could not be read.")]
        raw_answers = {}
    answers: dict[str, JSON] = {}
    invalid: dict[str, JSON] = {}
    uncertain: set[str] = set()  # ids whose answer (or whether they show) is not known
    visible: list[str] = []
    for question in definition.questions:
        shown = _shown(question, answers, uncertain)
        if shown is False:
            continue
        visible.append(question.id)
        if shown is None:
            uncertain.add(question.id)
        value = raw_answers.get(question.id)
        cleaned, problems = (
            (MISSING, []) if _blank_answer(question, value) else _clean(question, value, context)
        )
        if isinstance(cleaned, _Missing) and not problems:  # unanswered
            if final and question.required and shown:
                errors[question.id] = [str(REQUIRED)]
            continue
        if not isinstance(cleaned, _Missing):
            answers[question.id] = cleaned
        if problems:
            errors[question.id] = problems
            invalid[question.id] = _keepable(value)
            uncertain.add(question.id)
    return Result(
        definition.key, definition.version, final, answers, errors, invalid, tuple(visible)
    )


def _shown(question: Question, answers: Mapping[str, JSON], uncertain: set[str]) -> bool | None:
    """True, False, or None when it hangs on an answer that is not known (invalid)."""
    result: bool | None = True
    for condition in question.show_if:
        if condition.question in uncertain:
            result = None
        elif not condition.holds(answers.get(condition.question)):
            return False
    return result


def _is_blank(value: object, depth: int = 0) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | dict) and depth < 4:
        items = value.values() if isinstance(value, dict) else value
        return all(_is_blank(v, depth + 1) for v in items)
    return False


def _blank_answer(question: Question, value: object) -> bool:
    # A duration's unit is usually preselected in the form: without an amount it is unanswered.
    if question.type == DURATION and isinstance(value, dict):
        return _is_blank(value.get("amount"))
    return _is_blank(value)


def _clean(question: Question, value: object, context: _Context) -> Cleaned:
    return _CLEANERS[question.type](question, value, context)


MAX_KEPT_TEXT = 10_000
MAX_KEPT_ITEMS = MAX_LIST_ITEMS
SAFE_INTEGER = 2**53


def _keepable(value: object, depth: int = 0) -> JSON:
    """Raw input made safe to store and show back: JSON (no NaN), bounded, no NUL bytes."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) <= SAFE_INTEGER else None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return _UNSAFE.sub("", value[:MAX_KEPT_TEXT])
    if depth >= 3:
        return None
    if isinstance(value, list):
        return [_keepable(v, depth + 1) for v in value[:MAX_KEPT_ITEMS]]
    if isinstance(value, dict):
        pairs = list(value.items())[:MAX_KEPT_ITEMS]
        return {
            _UNSAFE.sub("", k[:100]): _keepable(v, depth + 1)
            for k, v in pairs
            if isinstance(k, str)
        }
    return None


def _clean_text(question: Question, value: object, context: _Context) -> Cleaned:
    if not isinstance(value, str):
        return MISSING, [gettext("Please type your answer as text.")]
    if _UNSAFE.search(value):
        return MISSING, [gettext("This text contains characters that cannot be saved.")]
    text = unicodedata.normalize("NFC", value).strip()
    if question.type == SHORT_TEXT:
        text = " ".join(text.split())
    else:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > question.max_length:
        message = ngettext(
            "Please shorten this to %(limit)d character or fewer.",
            "Please shorten this to %(limit)d characters or fewer.",
            question.max_length,
        )
        return MISSING, [message % {"limit": question.max_length}]
    return text, []


def _clean_yes_no(question: Question, value: object, context: _Context) -> Cleaned:
    if isinstance(value, bool):
        return value, []
    words = {"yes": True, "true": True, "no": False, "false": False}
    if isinstance(value, str) and value.strip().lower() in words:
        return words[value.strip().lower()], []
    return MISSING, [gettext("Please answer yes or no.")]


def _clean_single_choice(question: Question, value: object, context: _Context) -> Cleaned:
    if isinstance(value, str) and question.option(value) is not None:
        return value, []
    return MISSING, [gettext("Please choose one of the options.")]


def _clean_multiple_choice(question: Question, value: object, context: _Context) -> Cleaned:
    chosen = [value] if isinstance(value, str) else value
    if (
        not isinstance(chosen, list)
        or len(chosen) > len(question.options)
        or not all(isinstance(v, str) and question.option(v) for v in chosen)
    ):
        return MISSING, [gettext("Please choose from the options given.")]
    values = [o.value for o in question.options if o.value in chosen]  # the definition's order
    if question.none_option in values and len(values) > 1:
        none = question.option(question.none_option)  # type: ignore[arg-type]
        message = gettext("“%(none)s” cannot be combined with other answers.")
        return MISSING, [message % {"none": str(none.label) if none else ""}]
    if question.max_choices is not None and len(values) > question.max_choices:
        message = ngettext(
            "Please choose at most %(limit)d option.",
            "Please choose at most %(limit)d options.",
            question.max_choices,
        )
        return MISSING, [message % {"limit": question.max_choices}]
    return values, []


def _as_int(value: object) -> int | None:
    """A whole number from JSON or a form; ASCII digits only. Huge values stay out of range."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return None
        value = max(min(value, 1e15), -1e15)
        return int(value)
    if isinstance(value, int):
        return max(min(value, 10**15), -(10**15))
    if isinstance(value, str) and _INT.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _as_decimal(value: object) -> Decimal | None:
    """A number from JSON or a form ("72.5" or "72,5"); huge values stay out of range."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(max(min(value, 10**15), -(10**15)))
    if isinstance(value, float):
        return Decimal(repr(max(min(value, 1e15), -1e15))) if math.isfinite(value) else None
    if isinstance(value, str) and _DECIMAL.fullmatch(value.strip()):
        return Decimal(value.strip().replace(",", "."))
    return None


def _clean_scale(question: Question, value: object, context: _Context) -> Cleaned:
    number = _as_int(value)
    assert question.minimum is not None and question.maximum is not None
    if number is None or not question.minimum <= number <= question.maximum:
        message = gettext("Please choose a whole number from %(min)d to %(max)d.")
        return MISSING, [message % {"min": question.minimum, "max": question.maximum}]
    return number, []


def _clean_number(question: Question, value: object, context: _Context) -> Cleaned:
    number = _as_decimal(value)
    if number is None:
        return MISSING, [gettext("Please enter a number.")]
    assert question.minimum is not None and question.maximum is not None
    if not question.minimum <= number <= question.maximum:
        message = gettext("Please enter a number from %(min)s to %(max)s.")
        bounds = {
            "min": formats.number_format(question.minimum),
            "max": formats.number_format(question.maximum),
        }
        return MISSING, [message % bounds]
    exponent = number.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    if places > question.decimals:
        if question.decimals == 0:
            return MISSING, [gettext("Please enter a whole number.")]
        message = ngettext(
            "Please use at most %(decimals)d decimal place.",
            "Please use at most %(decimals)d decimal places.",
            question.decimals,
        )
        return MISSING, [message % {"decimals": question.decimals}]
    return (int(number) if question.decimals == 0 else float(number)), []


def _clean_date(question: Question, value: object, context: _Context) -> Cleaned:
    text = value.strip() if isinstance(value, str) else ""
    day = _DAY.fullmatch(text)
    month = _MONTH.fullmatch(text) if question.precision == "month" else None
    try:
        if day:
            first = last = date(*map(int, day.groups()))
        elif month:
            first = date(int(month[1]), int(month[2]), 1)
            last = _month_end(first)
        else:
            raise ValueError(text)
    except ValueError:
        if question.precision == "month":
            return MISSING, [gettext("Please enter a date, or just the month and year.")]
        return MISSING, [gettext("Please enter a valid date.")]
    if last < question.earliest:
        message = gettext("Please enter a date on or after %(date)s.")
        return MISSING, [message % {"date": formats.date_format(question.earliest)}]
    if question.not_future and first > context.today:
        return MISSING, [gettext("This date cannot be in the future.")]
    return text, []


def _month_end(first: date) -> date:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def _clean_duration(question: Question, value: object, context: _Context) -> Cleaned:
    amount = _as_int(value.get("amount")) if isinstance(value, dict) else None
    unit = value.get("unit") if isinstance(value, dict) else None
    if amount is None or not isinstance(unit, str) or unit not in question.units:
        units = ", ".join(str(DURATION_UNIT_LABELS[u]) for u in question.units)
        message = gettext("Please give a whole number and a unit (%(units)s).")
        return MISSING, [message % {"units": units}]
    limit = DURATION_LIMITS[unit]
    if not 1 <= amount <= limit:
        message = gettext("Please enter a number of %(unit)s from 1 to %(limit)d.")
        return MISSING, [message % {"unit": DURATION_UNIT_LABELS[unit], "limit": limit}]
    return {"amount": amount, "unit": unit}, []


def _clean_body_map(question: Question, value: object, context: _Context) -> Cleaned:
    if isinstance(value, list):
        value = {"regions": value}
    regions = value.get("regions") if isinstance(value, dict) else None
    worst = value.get("worst") if isinstance(value, dict) else None
    worst = None if _is_blank(worst) else worst
    allowed = {r.code for r in body_regions.REGIONS if r.figure in question.figures}
    if (
        not isinstance(regions, list)
        or len(regions) > len(allowed)
        or not all(isinstance(r, str) and r in allowed for r in regions)
    ):
        return MISSING, [gettext("Please choose areas on the body map.")]
    chosen = sorted(set(regions), key=body_regions.ORDER.__getitem__)
    if worst is not None and (question.worst == "off" or worst not in chosen):
        return MISSING, [gettext("The area that hurts most must be one of the areas you chose.")]
    if not chosen:
        return MISSING, []
    if context.final and question.worst == "required" and worst is None:
        return MISSING, [gettext("Please mark the area that hurts most.")]
    return {"regions": chosen, "worst": worst}, []


def _clean_list(question: Question, value: object, context: _Context) -> Cleaned:
    """Rows that are entirely blank are dropped; a row keeps its valid fields even when another
    field has an error, so a draft never loses a medicine's name over a mistyped dose."""
    if not isinstance(value, list):
        return MISSING, [gettext("This answer could not be read.")]
    problems: list[str] = []
    if len(value) > question.max_items:
        message = ngettext(
            "Please list at most %(limit)d entry.",
            "Please list at most %(limit)d entries.",
            question.max_items,
        )
        problems.append(message % {"limit": question.max_items})
    item_label = str(question.item_label) if question.item_label else gettext("Entry")
    rows: list[JSON] = []
    for number, item in enumerate(value[: question.max_items], start=1):
        if _is_blank(item):
            continue
        prefix = {"item": item_label, "number": number}
        if not isinstance(item, dict):
            message = gettext("%(item)s %(number)d could not be read.")
            problems.append(message % prefix)
            continue
        row, row_problems = _clean_row(question, item, context)
        for field_label, message in row_problems:
            template = gettext("%(item)s %(number)d, %(field)s: %(message)s")
            problems.append(template % {**prefix, "field": field_label, "message": message})
        if row:
            rows.append(row)
    return (rows if rows else MISSING), problems


def _clean_row(
    question: Question, item: dict[str, Any], context: _Context
) -> tuple[dict[str, JSON], list[tuple[str, str]]]:
    row: dict[str, JSON] = {}
    problems: list[tuple[str, str]] = []
    for field_question in question.fields:
        raw = item.get(field_question.id)
        if _is_blank(raw):
            if context.final and field_question.required:
                problems.append((str(field_question.label), str(REQUIRED)))
            continue
        cleaned, messages = _clean(field_question, raw, context)
        problems.extend((str(field_question.label), m) for m in messages)
        if not isinstance(cleaned, _Missing):
            row[field_question.id] = cleaned
    return row, problems


_CLEANERS: Mapping[str, Callable[[Question, object, _Context], Cleaned]] = {
    SHORT_TEXT: _clean_text,
    LONG_TEXT: _clean_text,
    YES_NO: _clean_yes_no,
    SINGLE_CHOICE: _clean_single_choice,
    MULTIPLE_CHOICE: _clean_multiple_choice,
    SCALE: _clean_scale,
    NUMBER: _clean_number,
    DATE: _clean_date,
    DURATION: _clean_duration,
    BODY_MAP: _clean_body_map,
    LIST: _clean_list,
}


# --- pain duration --------------------------------------------------------------------------

DAYS_PER_UNIT = {"days": 1.0, "weeks": 7.0, "months": 365.25 / 12, "years": 365.25}


class Chronicity(StrEnum):
    """How long pain has lasted, in the usual low-back-pain terms.

    Cut-offs from the European guidelines for low back pain (COST B13: van Tulder et al. 2006,
    acute; Airaksinen et al. 2006, chronic, Eur Spine J 15 Suppl 1): acute under 6 weeks,
    subacute 6 to 12 weeks, chronic from 12 weeks. The ACP 2017 guideline (Qaseem et al., Ann
    Intern Med 166:514) keeps chronic at over 12 weeks but starts subacute at 4 weeks; the
    6-week line is the one most trials and European guidelines use.
    """

    ACUTE = "acute"
    SUBACUTE = "subacute"
    CHRONIC = "chronic"

    @property
    def label(self) -> str:
        return str(_CHRONICITY_LABELS[self])


_CHRONICITY_LABELS = {
    Chronicity.ACUTE: _("acute (under 6 weeks)"),
    Chronicity.SUBACUTE: _("subacute (6 to 12 weeks)"),
    Chronicity.CHRONIC: _("chronic (12 weeks or more)"),
}
ACUTE_BEFORE_DAYS = 6 * 7
CHRONIC_FROM_DAYS = 12 * 7


def duration_days(answer: object) -> float | None:
    """Days in a cleaned duration answer ({"amount": 3, "unit": "months"}); None if it is not one.

    A month is 365.25 / 12 days, so "3 months" (91 days) is chronic and "1 month" is acute.
    """
    if not isinstance(answer, dict) or answer.get("unit") not in DAYS_PER_UNIT:
        return None
    amount = answer.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        return None
    return amount * DAYS_PER_UNIT[answer["unit"]]


def classify_duration(answer: object) -> Chronicity | None:
    days = duration_days(answer)
    if days is None:
        return None
    if days < ACUTE_BEFORE_DAYS:
        return Chronicity.ACUTE
    if days < CHRONIC_FROM_DAYS:
        return Chronicity.SUBACUTE
    return Chronicity.CHRONIC


def iter_questions(definition: Definition) -> Iterator[Question]:
    """Every question including the fields of repeating lists (for checks over a definition)."""
    for question in definition.questions:
        yield question
        yield from question.fields
