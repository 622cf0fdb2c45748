"""Outcome questionnaires as data: where their definition files are, and how answers score.

The files use the intake's engine (patients/questionnaire.py: `load_definition`, `validate`).
Two places hold them:

- `acuclinic/outcomes/questionnaires/`: the measures whose wording is ours (pain rating,
  Patient-Specific Functional Scale, global impression of change);
- the clinic's folder, `settings.OUTCOME_QUESTIONNAIRE_DIR`: the measures whose text is
  copyrighted or licensed (Roland-Morris, Oswestry, PROMIS Pain Interference 6a). No text of
  theirs ships: the clinic copies a skeleton from `questionnaires/skeletons/`, pastes its
  licensed text in place of the placeholders, and puts the file in its folder. Scoring reads
  only question ids and option values (item and score numbers), which `check_structure`
  enforces, so the code never depends on the wording. The RMDQ is treated as licensed: its
  terms of reuse could not be confirmed for a product (DOMAIN.md: "verify current terms").

Each measure's minimal important change stays in scoring.py (`Questionnaire.measure`).
"""

import functools
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from django.conf import settings

from acuclinic.outcomes import scoring
from acuclinic.patients.questionnaire import (
    MULTIPLE_CHOICE,
    SCALE,
    SHORT_TEXT,
    SINGLE_CHOICE,
    Definition,
    DefinitionError,
    load_definition,
)

logger = logging.getLogger(__name__)
SHIPPED_DIR: Final = Path(__file__).with_name("questionnaires")
SKELETON_DIR: Final = SHIPPED_DIR / "skeletons"


@dataclass(frozen=True)
class Questionnaire:
    key: str  # the definition's key and file name stem (`<key>-v<version>.json`)
    code: str  # what the portal's addresses use: neutral, nothing clinical in a URL
    measure: scoring.Measure  # range, direction and minimal important change
    licensed: bool  # text supplied by the clinic (OUTCOME_QUESTIONNAIRE_DIR)


NPRS: Final = Questionnaire("outcome-nprs", "a", scoring.NPRS, licensed=False)
PSFS: Final = Questionnaire("outcome-psfs", "b", scoring.PSFS, licensed=False)
PGIC: Final = Questionnaire("outcome-pgic", "c", scoring.PGIC, licensed=False)
RMDQ: Final = Questionnaire("outcome-rmdq", "d", scoring.RMDQ, licensed=True)
ODI: Final = Questionnaire("outcome-odi", "e", scoring.ODI, licensed=True)
PROMIS_PI_6A: Final = Questionnaire("outcome-promis-pi-6a", "f", scoring.PROMIS_PI_6A, True)

QUESTIONNAIRES: Mapping[str, Questionnaire] = MappingProxyType(
    {q.key: q for q in (NPRS, PSFS, PGIC, RMDQ, ODI, PROMIS_PI_6A)}
)
BY_CODE: Mapping[str, Questionnaire] = MappingProxyType(
    {q.code: q for q in QUESTIONNAIRES.values()}
)
BY_MEASURE: Mapping[str, Questionnaire] = MappingProxyType(
    {q.measure.key: q for q in QUESTIONNAIRES.values()}
)


class NotLoaded(LookupError):
    """A licensed questionnaire whose text the clinic has not supplied (or no such file)."""


def clinic_dir() -> Path | None:
    value = getattr(settings, "OUTCOME_QUESTIONNAIRE_DIR", None)
    return Path(value) if value else None


def _folder(questionnaire: Questionnaire) -> Path | None:
    return clinic_dir() if questionnaire.licensed else SHIPPED_DIR


def versions(key: str) -> list[int]:
    """The versions of a questionnaire available here, lowest first ([] when none)."""
    questionnaire = QUESTIONNAIRES.get(key)
    folder = _folder(questionnaire) if questionnaire else None
    if folder is None or not folder.is_dir():
        return []
    pattern = re.compile(re.escape(key) + r"-v([0-9]{1,7})\.json")
    return sorted(int(m[1]) for p in folder.glob("*.json") if (m := pattern.fullmatch(p.name)))


def available(key: str) -> bool:
    """Whether the latest version loads. A clinic file with a mistake is not offered (and is
    logged for staff) rather than breaking the patient's page."""
    if not versions(key):
        return False
    try:
        get(key)
    except DefinitionError as e:
        logger.warning("outcome questionnaire %s cannot be offered: %s", key, e)
        return False
    return True


def latest_version(key: str) -> int:
    found = versions(key)
    if not found:
        raise NotLoaded(key)
    return found[-1]


def get(key: str, version: int | None = None) -> Definition:
    """The checked definition (the latest version by default); NotLoaded when absent."""
    questionnaire = QUESTIONNAIRES.get(key)
    if questionnaire is None:
        raise NotLoaded(key)
    if version is None:
        version = latest_version(key)
    folder = _folder(questionnaire)
    if folder is None or type(version) is not int:
        raise NotLoaded(key)
    path = folder / f"{key}-v{version}.json"
    if not path.is_file():
        raise NotLoaded(f"{key} v{version}")
    stat = path.stat()
    return _load(str(path), stat.st_mtime_ns, stat.st_size, key, version)


@functools.lru_cache(maxsize=64)
def _load(path: str, _mtime: int, _size: int, key: str, version: int) -> Definition:
    # Keyed by modification time too: a clinic replacing its file is read again.
    from acuclinic.patients.red_flags import CODES

    definition = load_definition(path, red_flag_codes=CODES)
    if (definition.key, definition.version) != (key, version):
        raise DefinitionError(Path(path).name, "key and version must match the file name")
    check_structure(definition)
    return definition


# --- the structure scoring relies on -----------------------------------------------------------


def _values(prefix: str, numbers: range) -> list[str]:
    return [f"{prefix}{n}" for n in numbers]


def _expect(condition: bool, definition: Definition, place: str, message: str) -> None:
    if not condition:
        raise DefinitionError(f"{definition.key}-v{definition.version}.json: {place}", message)


def _choice(definition: Definition, qid: str, kind: str, values: list[str]) -> None:
    ids = {q.id for q in definition.questions}
    _expect(qid in ids, definition, qid, "this question is missing")
    question = definition.question(qid)
    _expect(question.type == kind, definition, qid, f"must be a {kind} question")
    if values:
        found = [o.value for o in question.options]
        _expect(found == values, definition, qid, f"options must be {', '.join(values)}")


def check_structure(definition: Definition) -> None:
    """The ids and values scoring reads; DefinitionError when a file does not have them."""
    key = definition.key
    ids = [q.id for q in definition.questions]
    if key == NPRS.key:
        for qid in ("pain_now", "pain_average", "pain_worst"):
            _choice(definition, qid, SCALE, [])
            q = definition.question(qid)
            _expect((q.minimum, q.maximum) == (0, 10), definition, qid, "must run 0-10")
    elif key == PSFS.key:
        for n in (1, 2, 3):
            _choice(definition, f"activity_{n}", SHORT_TEXT, [])
            _choice(definition, f"rating_{n}", SCALE, [])
            q = definition.question(f"rating_{n}")
            _expect((q.minimum, q.maximum) == (0, 10), definition, q.id, "must run 0-10")
    elif key == PGIC.key:
        _choice(definition, "change", SINGLE_CHOICE, _values("score_", range(1, 8)))
    elif key == RMDQ.key:
        _choice(
            definition,
            "statements",
            MULTIPLE_CHOICE,
            [*_values("item_", range(1, scoring.RMDQ_ITEMS + 1)), "none"],
        )
        _expect(
            definition.question("statements").none_option == "none",
            definition,
            "statements",
            'needs "none_option": "none"',
        )
    elif key == ODI.key:
        expected = _values("section_", range(1, scoring.ODI_SECTIONS + 1))
        _expect(ids == expected, definition, "questions", f"must be {', '.join(expected)}")
        for qid in expected:
            _choice(definition, qid, SINGLE_CHOICE, _values("score_", range(6)))
    elif key == PROMIS_PI_6A.key:
        expected = _values("item_", range(1, scoring.PROMIS_PI_6A_ITEMS + 1))
        _expect(ids == expected, definition, "questions", f"must be {', '.join(expected)}")
        for qid in expected:
            _choice(definition, qid, SINGLE_CHOICE, _values("score_", range(1, 6)))
    else:
        raise DefinitionError(key, "not an outcome questionnaire")


def pair_errors(definition: Definition, answers: Mapping[str, Any]) -> dict[str, list[str]]:
    """Checks the engine cannot express: on the PSFS, each activity named is rated and each
    rating has its activity (every question shows at once, so the form works without script)."""
    from django.utils.translation import gettext

    errors: dict[str, list[str]] = {}
    if definition.key != PSFS.key:
        return errors
    for n in (1, 2, 3):
        named, rated = f"activity_{n}" in answers, f"rating_{n}" in answers
        if named and not rated:
            errors[f"rating_{n}"] = [gettext("Please rate this activity.")]
        elif rated and not named:
            errors[f"activity_{n}"] = [gettext("Please name the activity you rated.")]
    return errors


# --- scoring -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreValue:
    """One Score row to write: `measure` a scoring.py key, `item` as Score.item."""

    measure: str
    item: str
    value: Decimal


def _number(value: str | None) -> int | None:
    if value is None:
        return None
    return int(value.rsplit("_", 1)[1])


def score(definition: Definition, answers: Mapping[str, Any]) -> list[ScoreValue]:
    """The scores of a validated, final set of answers (questionnaire.validate(...).answers).

    Nothing is filled in: a measure its own rules cannot score gives no row (ODI with fewer
    than 8 sections, PROMIS with an item missing).
    """
    key = definition.key
    rows: list[ScoreValue] = []
    if key == NPRS.key:
        for qid, item in (
            ("pain_now", "now"),
            ("pain_average", "average"),
            ("pain_worst", "worst"),
        ):
            if qid in answers:
                rows.append(ScoreValue("nprs", item, Decimal(scoring.nprs(answers[qid], qid))))
    elif key == PSFS.key:
        ratings = []
        for n in (1, 2, 3):
            if f"activity_{n}" in answers and f"rating_{n}" in answers:
                rating = scoring._integer(answers[f"rating_{n}"], f"psfs activity {n}", 0, 10)
                ratings.append(rating)
                rows.append(ScoreValue("psfs", str(n), Decimal(rating)))
        if len(ratings) >= scoring.PSFS_MIN_ACTIVITIES:
            mean = scoring.psfs(ratings)
            if mean is not None:
                rows.append(ScoreValue("psfs", "", Decimal(str(round(mean, 2)))))
    elif key == PGIC.key:
        if "change" in answers:
            rows.append(ScoreValue("pgic", "", Decimal(scoring.pgic(_number(answers["change"])))))
    elif key == RMDQ.key:
        ticked = [_number(v) for v in answers.get("statements", []) if v != "none"]
        if "statements" in answers:
            rows.append(ScoreValue("rmdq", "", Decimal(scoring.rmdq(ticked))))  # type: ignore[arg-type]
    elif key == ODI.key:
        sections = [
            _number(answers.get(f"section_{s}")) for s in range(1, scoring.ODI_SECTIONS + 1)
        ]
        result = scoring.odi(sections)
        if result.percent is not None:
            rows.append(ScoreValue("odi", "", Decimal(str(result.percent))))
    elif key == PROMIS_PI_6A.key:
        items = [_number(answers.get(f"item_{i}")) for i in range(1, 7)]
        result = scoring.promis_pi_6a(items, promis_t_table())
        if result.raw is not None:
            rows.append(ScoreValue("promis-pi-6a", "raw", Decimal(result.raw)))
        if result.t_score is not None:
            rows.append(ScoreValue("promis-pi-6a", "t", Decimal(str(result.t_score))))
    return rows


# The raw-to-T conversion of PROMIS PI 6a, from the clinic's folder beside its licensed text:
# {"source": "...", "t_scores": {"6": ..., ..., "30": ...}}. None is shipped.
PROMIS_T_FILE: Final = "outcome-promis-pi-6a-t-scores.json"


def promis_t_table() -> Mapping[int, float] | None:
    """The clinic's PROMIS PI 6a T-score table, or None (then only the raw score is stored).
    A table with a mistake is not used, and is logged for staff, rather than failing a form."""
    folder = clinic_dir()
    path = folder / PROMIS_T_FILE if folder else None
    if path is None or not path.is_file():
        return None
    stat = path.stat()
    try:
        return _t_table(str(path), stat.st_mtime_ns, stat.st_size)
    except (ValueError, scoring.ScoringError) as e:
        logger.warning("%s cannot be used: %s", PROMIS_T_FILE, e)
        return None


@functools.lru_cache(maxsize=4)
def _t_table(path: str, _mtime: int, _size: int) -> Mapping[int, float]:
    import json

    with open(path, encoding="utf-8") as handle:
        document = json.load(handle)
    given = document.get("t_scores") if isinstance(document, dict) else None
    if not isinstance(given, dict):
        raise ValueError('expected {"t_scores": {"6": ..., "30": ...}}')
    table: dict[int, float] = {}
    for raw, t in given.items():
        if not str(raw).isdigit() or int(raw) not in scoring.PROMIS_RAW_SCORES:
            raise ValueError(f"raw score {raw!r} is not one of 6-30")
        if isinstance(t, bool) or not isinstance(t, int | float) or not 10 <= t <= 90:
            raise ValueError(f"T-score {t!r} for raw {raw} is not a number from 10 to 90")
        table[int(raw)] = float(t)
    scoring.promis_pi_6a([1] * scoring.PROMIS_PI_6A_ITEMS, table)  # every raw score present
    return MappingProxyType(table)


# --- what a patient is asked today (reads the database) ---------------------------------------


def function_key() -> str:
    """The clinic's function questionnaire: `settings.OUTCOME_FUNCTION_MEASURE` ("rmdq" or
    "odi"; RMDQ by default)."""
    measure = getattr(settings, "OUTCOME_FUNCTION_MEASURE", "rmdq")
    return ODI.key if measure == "odi" else RMDQ.key


def due_for(patient_id: int, today: Any) -> "list[Any]":
    """schedule.due for one patient: their attended visits, the discharge that applies and
    the days each questionnaire's measure was scored (by any route: a paper form entered at
    the desk counts too).

    The discharge is `schedule.current_discharge` of the discharges not undone: the latest
    on or after the last attended visit. A visit after a discharge means the patient came
    back for a new course, so that discharge no longer makes anything due (its 3- and 6-month
    follow-ups included) until the new course ends with a discharge of its own. Days are the
    clinic's local days, as everywhere in the schedule."""
    from django.utils import timezone

    from acuclinic.outcomes import schedule
    from acuclinic.outcomes.models import Discharge, Score, attended_days

    visits = attended_days(patient_id)
    discharged = schedule.current_discharge(
        visits,
        Discharge.objects.standing()
        .filter(patient_id=patient_id)
        .values_list("discharged_on", flat=True),
    )
    keys = (function_key(), PSFS.key, PGIC.key)
    measures = {QUESTIONNAIRES[k].measure.key: k for k in keys}
    answered: dict[str, list[Any]] = {k: [] for k in keys}
    for measure, when in Score.objects.filter(
        patient_id=patient_id, measure__in=list(measures)
    ).values_list("measure", "observed_at"):
        answered[measures[measure]].append(timezone.localdate(when))
    offered = [k for k in keys if available(k)]
    return schedule.due(visits, answered, today, discharged=discharged, keys=keys, offered=offered)
