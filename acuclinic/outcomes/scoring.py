"""Scoring of the outcome measures: data in, a score out. Pure: no ORM, no request.

Every function checks its input and raises `ScoringError` naming the offending item. Missing
answers are never filled in: a measure that cannot be scored by its own rules returns None
(ODI, PSFS, PROMIS), so a report can count it as missing.

No item text of a copyrighted or licensed questionnaire is shipped here (ODI: Fairbank and
Mapi Research Trust; PROMIS: HealthMeasures; RMDQ: terms to be verified). The clinic loads its
licensed text as a questionnaire file; this module only knows item numbers and scores.

Each measure carries its minimal important change (MIC) beside it, from DOMAIN.md. Sources:
- Ostelo RW, Deyo RA, Stratford P, et al. Interpreting change scores for pain and functional
  status in low back pain: towards international consensus regarding minimal important change.
  Spine 2008;33(1):90-94. (NPRS 2 points, RMDQ 5, ODI 10; or 30% improvement from baseline.)
- Dworkin RH, Turk DC, Wyrwich KW, et al. Interpreting the clinical importance of treatment
  outcomes in chronic pain clinical trials: IMMPACT recommendations. J Pain 2008;9(2):105-121.
  (Pain: at least 30% moderately, at least 50% substantially important.)
- Stratford P, Gill C, Westaway M, Binkley J. Assessing disability and change on individual
  patients: a report of a patient specific measure. Physiother Can 1995;47:258-263. (PSFS.)
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ScoringError(ValueError):
    """An answer a measure cannot score; `item` names the offending item."""

    def __init__(self, item: str, message: str) -> None:
        self.item = item
        super().__init__(f"{item}: {message}")


@dataclass(frozen=True)
class Measure:
    """A measure's range, direction and minimal important change (None where not established)."""

    key: str
    label: Promise
    minimum: int
    maximum: int
    higher_is_better: bool
    mic_points: float | None
    mic_percent: float | None
    mic_verified: bool = True  # False where DOMAIN.md says the figure needs checking


NPRS: Final = Measure(
    key="nprs",
    label=_("Pain (0-10)"),
    minimum=0,
    maximum=10,
    higher_is_better=False,
    # Ostelo 2008: 2 points or 30%; IMMPACT (Dworkin 2008) agrees on 30% as moderate.
    mic_points=2,
    mic_percent=30,
)
RMDQ: Final = Measure(
    key="rmdq",
    label=_("Roland-Morris Disability Questionnaire"),
    minimum=0,
    maximum=24,
    higher_is_better=False,
    mic_points=5,  # Ostelo 2008
    mic_percent=30,  # Ostelo 2008
)
ODI: Final = Measure(
    key="odi",
    label=_("Oswestry Disability Index"),
    minimum=0,
    maximum=100,
    higher_is_better=False,
    mic_points=10,  # Ostelo 2008 (ODI 2.1a, 0-100)
    mic_percent=30,  # Ostelo 2008
)
PSFS: Final = Measure(
    key="psfs",
    label=_("Patient-Specific Functional Scale"),
    minimum=0,
    maximum=10,
    higher_is_better=True,  # 10 = able to do the activity as before the problem
    mic_points=2,  # Stratford 1995: 2 points on the average, 3 points on a single activity
    mic_percent=None,
)
PSFS_MIC_SINGLE_ACTIVITY: Final = 3  # Stratford 1995
PROMIS_PI_6A: Final = Measure(
    key="promis-pi-6a",
    label=_("PROMIS Pain Interference 6a"),
    minimum=6,  # the raw score; T-scores come from the licensed table
    maximum=30,
    higher_is_better=False,
    # DOMAIN.md: "a few T-points (verify)". Not stated as a number until someone checks the
    # HealthMeasures guidance for this short form in back pain.
    mic_points=None,
    mic_percent=None,
    mic_verified=False,
)
PGIC: Final = Measure(
    key="pgic",
    label=_("Global impression of change"),
    minimum=1,
    maximum=7,
    higher_is_better=False,  # 1 = very much improved
    mic_points=None,  # a change measure itself; see pgic_improved()
    mic_percent=None,
)
MEASURES: Mapping[str, Measure] = MappingProxyType(
    {m.key: m for m in (NPRS, RMDQ, ODI, PSFS, PROMIS_PI_6A, PGIC)}
)


def _integer(value: object, item: str, low: int, high: int) -> int:
    # bool is an int subclass; True is never a meant score. Floats such as 7.0 are rejected
    # too: these scales have whole-number answers only, so 7.5 or 7.0 points to a caller bug.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScoringError(item, f"expected a whole number from {low} to {high}, got {value!r}")
    if not low <= value <= high:
        raise ScoringError(item, f"{value} is outside {low}-{high}")
    return value


# --- NPRS ------------------------------------------------------------------------------------

# The three ratings asked at intake and follow-up; the keys are the questionnaire roles.
NPRS_ITEMS: Mapping[str, Promise] = MappingProxyType(
    {
        "pain_now": _("Pain now"),
        "pain_average": _("Average pain over the last week"),
        "pain_worst": _("Worst pain over the last week"),
    }
)


def nprs(value: object, item: str = "pain_now") -> int:
    """A 0-10 numeric pain rating, checked."""
    return _integer(value, item, NPRS.minimum, NPRS.maximum)


# --- RMDQ-24 ---------------------------------------------------------------------------------

RMDQ_ITEMS: Final = 24
RMDQ_RECOVERED_AT_MOST: Final = 2  # DOMAIN.md: "recovered at 2 or less"


def rmdq(ticked: Iterable[int]) -> int:
    """The Roland-Morris score: how many of the 24 statements (numbered 1-24) are ticked.

    An unticked statement means "does not apply to me today", so there is no missing item.
    A number ticked twice is refused: it points to a caller bug, not to a patient's answer.
    """
    seen: set[int] = set()
    for number in ticked:
        _integer(number, f"rmdq item {number!r}", 1, RMDQ_ITEMS)
        if number in seen:
            raise ScoringError(f"rmdq item {number}", "ticked twice")
        seen.add(number)
    return len(seen)


def rmdq_recovered(score: int) -> bool:
    """Whether an RMDQ score counts as recovered (2 or less)."""
    return _integer(score, "rmdq score", 0, RMDQ_ITEMS) <= RMDQ_RECOVERED_AT_MOST


# --- ODI 2.1a --------------------------------------------------------------------------------

ODI_SECTIONS: Final = 10
# The published scoring instructions only show one section left out. Common advice is not to
# score a form with more than two sections missing: the percentage then rests on too few
# items to compare with a full form. So at least 8 of 10 must be answered.
ODI_MIN_ANSWERED: Final = 8

type OdiAnswer = int | Collection[int] | None


@dataclass(frozen=True)
class OdiScore:
    """`percent` is None when too few sections were answered ("not scorable")."""

    total: int  # sum of the answered sections
    answered: int  # sections answered, out of 10
    exact: Fraction | None  # total / (5 x answered) x 100
    percent: float | None  # `exact` rounded half up to one decimal, as reported

    @property
    def scorable(self) -> bool:
        return self.percent is not None


def _odi_section(number: int, answer: OdiAnswer) -> int | None:
    item = f"odi section {number}"
    if answer is None:
        return None
    if isinstance(answer, int):
        return _integer(answer, item, 0, 5)
    if isinstance(answer, str | bytes) or not isinstance(answer, Collection):
        raise ScoringError(item, f"expected 0-5, several boxes or None, got {answer!r}")
    boxes = [_integer(box, item, 0, 5) for box in answer]
    # Two boxes ticked: the higher counts (Fairbank and Pynsent 2000). None ticked: skipped.
    return max(boxes) if boxes else None


def odi(sections: Sequence[OdiAnswer]) -> OdiScore:
    """The Oswestry Disability Index 2.1a from its 10 sections, in order.

    Each section is a score 0-5, a collection of the boxes ticked (the higher counts), or None
    when skipped. Skipped sections leave the denominator: 16 points over 10 sections is 32%,
    over 9 answered sections 35.6%.
    """
    if isinstance(sections, str | bytes | Mapping):
        raise ScoringError("odi", f"expected a sequence of 10 sections, got {type(sections)}")
    if len(sections) != ODI_SECTIONS:
        raise ScoringError("odi", f"expected {ODI_SECTIONS} sections, got {len(sections)}")
    scores = [_odi_section(i, a) for i, a in enumerate(sections, start=1)]
    answered = [s for s in scores if s is not None]
    total = sum(answered)
    if len(answered) < ODI_MIN_ANSWERED:
        return OdiScore(total=total, answered=len(answered), exact=None, percent=None)
    exact = Fraction(total * 100, 5 * len(answered))
    # To one decimal, half up. (With 8, 9 or 10 sections a tie never arises: the score is a
    # multiple of 2.5, of 20/9 or of 2.) The common scoring sheet prints 16/45 as "35.5%",
    # truncated; DOMAIN.md and the issue take 35.6%, the rounded value.
    rounded = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return OdiScore(total=total, answered=len(answered), exact=exact, percent=float(rounded))


# --- PSFS ------------------------------------------------------------------------------------

PSFS_MIN_ACTIVITIES: Final = 3
PSFS_MAX_ACTIVITIES: Final = 5


def psfs(ratings: Sequence[int | None]) -> float | None:
    """The Patient-Specific Functional Scale: the mean of 3-5 activity ratings (0-10).

    None when an activity was not rated: averaging the rest would change what is measured
    (the patient's own activities), so the score stays missing.
    """
    if not PSFS_MIN_ACTIVITIES <= len(ratings) <= PSFS_MAX_ACTIVITIES:
        raise ScoringError(
            "psfs",
            f"expected {PSFS_MIN_ACTIVITIES}-{PSFS_MAX_ACTIVITIES} activities, got {len(ratings)}",
        )
    checked = [
        None if r is None else _integer(r, f"psfs activity {i}", 0, 10)
        for i, r in enumerate(ratings, start=1)
    ]
    if any(r is None for r in checked):
        return None
    return sum(r for r in checked if r is not None) / len(checked)


# --- PROMIS Pain Interference 6a -------------------------------------------------------------

PROMIS_PI_6A_ITEMS: Final = 6
PROMIS_RAW_SCORES: Final = range(6, 31)


@dataclass(frozen=True)
class PromisScore:
    raw: int | None  # 6-30; None when any item is missing
    t_score: float | None  # only with a conversion table


def promis_pi_6a(
    items: Sequence[int | None], t_table: Mapping[int, float] | None = None
) -> PromisScore:
    """PROMIS Pain Interference 6a: the raw sum of 6 items scored 1-5, and its T-score.

    The raw-to-T table is licensed, so none is shipped: pass the clinic's table (raw score ->
    T-score, every raw score 6-30). Missing items are not prorated: the published tables assume
    all six answered, so the score stays missing.
    """
    if len(items) != PROMIS_PI_6A_ITEMS:
        raise ScoringError("promis-pi-6a", f"expected 6 items, got {len(items)}")
    checked = [
        None if v is None else _integer(v, f"promis-pi-6a item {i}", 1, 5)
        for i, v in enumerate(items, start=1)
    ]
    if t_table is not None:
        missing = [r for r in PROMIS_RAW_SCORES if r not in t_table]
        if missing:
            raise ScoringError("promis-pi-6a table", f"no T-score for raw score {missing[0]}")
    if any(v is None for v in checked):
        return PromisScore(raw=None, t_score=None)
    raw = sum(v for v in checked if v is not None)
    t_score = None if t_table is None else float(t_table[raw])
    return PromisScore(raw=raw, t_score=t_score)


# --- Global impression of change -------------------------------------------------------------

# 7 points, 1 = very much improved .. 7 = very much worse, the order of Guy's CGI-I (1976).
# The labels are our own wording.
PGIC_CHOICES: Mapping[int, Promise] = MappingProxyType(
    {
        1: _("Very much better"),
        2: _("Much better"),
        3: _("A little better"),
        4: _("No change"),
        5: _("A little worse"),
        6: _("Much worse"),
        7: _("Very much worse"),
    }
)
# IMMPACT (Dworkin 2008): "much improved" is moderately, "very much improved" substantially
# important, so 1 or 2 count as improved.
PGIC_IMPROVED_AT_MOST: Final = 2


def pgic(value: object) -> int:
    """A global impression of change (1-7), checked."""
    return _integer(value, "pgic", PGIC.minimum, PGIC.maximum)


def pgic_improved(value: object) -> bool:
    """Much or very much better."""
    return pgic(value) <= PGIC_IMPROVED_AT_MOST
