"""Change since baseline and responder status, per patient. Pure: no ORM, no request.

Missing data stays missing: a change or a status is None when a score it needs is absent (or
the baseline is 0, where a percentage means nothing). A report counts those separately; it
never fills them in.

Thresholds (DOMAIN.md; Ostelo et al., Spine 2008;33:90-94; IMMPACT, Dworkin et al., J Pain
2008;9:105-121):
- NPRS: moderate at least 30% AND at least 2 points better; substantial at least 50% (and the
  same 2 points, so a substantial responder is always a moderate one too).
- RMDQ: at least 5 points OR at least 30% better.
- ODI: at least 10 points OR at least 30% better.

Comparisons are exact (fractions), so exactly 30% or exactly 2 points counts: 10 -> 7 is a
30% improvement, not 29.999...%.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Final

from acuclinic.outcomes import scoring

type Score = int | float | Decimal | Fraction


def _exact(value: Score) -> Fraction:
    # A float is taken at its shortest decimal form (35.6, not 35.6000000000000014...), which is
    # the number the clinician saw; ints, Decimals and Fractions are exact already.
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


@dataclass(frozen=True)
class Change:
    """The change from baseline, for display. `points` is current - baseline in the measure's
    own direction (negative is less pain on NPRS, RMDQ and ODI); `improvement` is the same size
    with the sign that makes better positive; percentages are of the baseline, None when it is
    0. Responder rules compare exact values, not these floats."""

    baseline: Score
    current: Score
    points: float
    percent: float | None
    improvement: float
    improvement_percent: float | None


def _improvement(
    baseline: Score | None, current: Score | None, *, higher_is_better: bool = False
) -> tuple[Fraction, Fraction | None] | None:
    """Exact improvement in points and percent of the baseline (None when the baseline is 0)."""
    if baseline is None or current is None:
        return None
    base = _exact(baseline)
    points = _exact(current) - base
    improvement = points if higher_is_better else -points
    return improvement, None if base == 0 else improvement / abs(base) * 100


def change(
    baseline: Score | None, current: Score | None, *, higher_is_better: bool = False
) -> Change | None:
    """The change since baseline, or None when either score is missing."""
    exact = _improvement(baseline, current, higher_is_better=higher_is_better)
    if exact is None or baseline is None or current is None:
        return None
    improvement, percent = exact
    sign = 1 if higher_is_better else -1
    return Change(
        baseline=baseline,
        current=current,
        points=float(sign * improvement),
        percent=None if percent is None else float(sign * percent),
        improvement=float(improvement),
        improvement_percent=None if percent is None else float(percent),
    )


class Response(StrEnum):
    NONE = "none"  # measured, not a responder
    MODERATE = "moderate"
    SUBSTANTIAL = "substantial"


RESPONSE_ORDER: Final = (Response.NONE, Response.MODERATE, Response.SUBSTANTIAL)

NPRS_MODERATE_PERCENT: Final = 30
NPRS_SUBSTANTIAL_PERCENT: Final = 50
NPRS_MIN_POINTS: Final = 2
RMDQ_POINTS: Final = 5
ODI_POINTS: Final = 10
FUNCTION_PERCENT: Final = 30


def nprs_response(baseline: Score | None, current: Score | None) -> Response | None:
    """NPRS responder level; None when a score is missing or the baseline is 0 (nothing to
    improve on: such patients are not in the denominator)."""
    exact = _improvement(baseline, current)
    if exact is None or exact[1] is None:
        return None
    points, percent = exact
    if points < NPRS_MIN_POINTS:
        return Response.NONE
    if percent >= NPRS_SUBSTANTIAL_PERCENT:
        return Response.SUBSTANTIAL
    if percent >= NPRS_MODERATE_PERCENT:
        return Response.MODERATE
    return Response.NONE


def _function_responder(baseline: Score | None, current: Score | None, points: int) -> bool | None:
    exact = _improvement(baseline, current)
    if exact is None or exact[1] is None:
        return None
    improvement, percent = exact
    return improvement >= points or percent >= FUNCTION_PERCENT


def rmdq_responder(baseline: Score | None, current: Score | None) -> bool | None:
    """At least 5 points or 30% better on the RMDQ; None when missing or baseline 0."""
    return _function_responder(baseline, current, RMDQ_POINTS)


def odi_responder(baseline: Score | None, current: Score | None) -> bool | None:
    """At least 10 points or 30% better on the ODI; None when missing or baseline 0."""
    return _function_responder(baseline, current, ODI_POINTS)


def response(measure: str, baseline: Score | None, current: Score | None) -> Response | None:
    """The responder status for a measure key ("nprs", "rmdq", "odi") as a `Response`."""
    if measure == scoring.NPRS.key:
        return nprs_response(baseline, current)
    if measure == scoring.RMDQ.key:
        responder = rmdq_responder(baseline, current)
    elif measure == scoring.ODI.key:
        responder = odi_responder(baseline, current)
    else:
        raise ValueError(f"no responder definition for {measure!r}")
    if responder is None:
        return None
    return Response.MODERATE if responder else Response.NONE


# --- time points -----------------------------------------------------------------------------


class Moment(StrEnum):
    BEFORE = "before"  # asked at check-in, before treatment
    AFTER = "after"  # asked at the end of the visit


@dataclass(frozen=True)
class Observation:
    """One dated score. `visit` is the visit's number within the episode (1 = first) and
    `moment` whether it was asked before or after treatment; both None for a score from the
    portal (a questionnaire or the pain diary). `value` None is a score asked but not given."""

    when: datetime
    value: Score | None
    visit: int | None = None
    moment: Moment | None = None


def _given(observations: Iterable[Observation]) -> list[Observation]:
    given = [o for o in observations if o.value is not None]
    for o in given:
        if o.when.tzinfo is None or o.when.utcoffset() is None:
            raise ValueError(f"naive datetime {o.when!r}: give an aware one")
    return sorted(given, key=lambda o: o.when)


def baseline(observations: Iterable[Observation]) -> Observation | None:
    """The first score given in the episode, wherever it came from (intake, check-in).

    None when that first score was asked after treatment had begun (at the end of visit 1, or
    at a later visit): it is no baseline, and a later score is not moved up to stand in for one.
    """
    given = _given(observations)
    if not given:
        return None
    first = given[0]
    if first.moment is Moment.AFTER or (first.visit is not None and first.visit > 1):
        return None
    return first


def after_first_visit(observations: Iterable[Observation]) -> Observation | None:
    """The score "after the first visit": the one asked at check-in of visit 2.

    Not the score asked right after visit 1's treatment: minutes after needling, face to face
    with the practitioner, it measures the immediate effect and invites a polite answer. A
    clinic's claim that patients "feel better after the first visit" should rest on relief
    that lasted until they came back. None when the patient did not return or skipped it.
    (`immediately_after_first_visit` gives the other reading, for a separately labelled figure.)
    """
    return _at_visit(observations, 2, Moment.BEFORE)


def immediately_after_first_visit(observations: Iterable[Observation]) -> Observation | None:
    """The score asked at the end of visit 1, after treatment."""
    return _at_visit(observations, 1, Moment.AFTER)


def _at_visit(
    observations: Iterable[Observation], visit: int, moment: Moment
) -> Observation | None:
    # A value left blank at that moment stays missing: no falling back to a later score.
    for o in _given(observations):
        if o.visit == visit and o.moment == moment:
            return o
    return None


@dataclass(frozen=True)
class Window:
    """Days after the baseline, both ends included."""

    earliest: timedelta
    latest: timedelta


# DOMAIN.md: end of course at 6-8 weeks; follow-up at 6 months (here 22-30 weeks, a month on
# either side, since a portal questionnaire is answered when the patient gets round to it).
END_OF_COURSE: Final = Window(timedelta(weeks=6), timedelta(weeks=8))
SIX_MONTHS: Final = Window(timedelta(weeks=22), timedelta(weeks=30))


def last_in_window(
    observations: Iterable[Observation], start: datetime, window: Window
) -> Observation | None:
    """The last score given within `window` after `start` (usually the baseline's time).

    The last, not the nearest to a target day: at the end of a course it is the latest state
    the patient reported. None when nothing was given in the window.
    """
    low, high = start + window.earliest, start + window.latest
    inside = [o for o in _given(observations) if low <= o.when <= high]
    return inside[-1] if inside else None


def end_of_course(
    observations: Sequence[Observation], window: Window = END_OF_COURSE
) -> Observation | None:
    """The last score within the end-of-course window after the baseline."""
    first = baseline(observations)
    return None if first is None else last_in_window(observations, first.when, window)
