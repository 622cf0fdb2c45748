"""The clinic's outcome report and the claim check, over episodes (data.py). Pure: no ORM, no
request; the view reads the episodes and hands them here.

Who is counted (issue 7 D):
- *started*: an episode (course of treatment) whose first attended visit falls in the period
  (and, with a practitioner filter, was with that practitioner);
- *with a baseline*: a pain score before treatment began (responders.baseline);
- *followed up*: a score (pain or function) after the first visit: at visit 2 or later, or
  from the portal at least a day after the first visit;
- *drop-outs*: started, and no follow-up score within `dropout_weeks` of the first visit.
  Only counted once that many weeks have passed; the rest are "too early to tell".

Each responder figure is n/N with a Wilson 95% interval, where N counts the patients who have
both scores the rule needs; the others are shown as missing (started - N), never filled in.
"After the first visit" is the check-in score of visit 2 (responders.after_first_visit: relief
that lasted until the patient came back, not the minutes after needling).

Filters by what was done (issue 7 D): a course is counted when at least one of its attended
visits was charted with the treatment protocol (`Filters.protocol_id`), when the point was
needled at one of them (`.point`, a canonical code such as "BL23"), and, for `.herbs`, when
a herbal prescription was issued at one of them (True) or at none (False). Each condition is
on the course as a whole, so "protocol A and point B" may be met at two different visits.
The database edge (data.treatment_sets) finds the matching appointments; here they are
looked up per episode.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from acuclinic.outcomes import responders, stats
from acuclinic.outcomes.data import Episode
from acuclinic.outcomes.responders import Moment, Observation, Response

DROPOUT_WEEKS: Final = 4
FOLLOW_UP_AFTER: Final = timedelta(days=1)  # a portal score this long after visit 1 follows it up


@dataclass(frozen=True)
class Filters:
    start: datetime  # aware; the period is [start, end)
    end: datetime
    practitioner_id: int | None = None
    protocol_id: int | None = None  # charting.Protocol
    point: str | None = None  # a canonical point code (charting.points)
    herbs: bool | None = None  # a prescription issued during the course (True) or none (False)

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"{name}: give an aware datetime")
        if self.end <= self.start:
            raise ValueError("the period ends before it starts")

    @property
    def by_treatment(self) -> bool:
        """Whether a filter on what was done is given (it needs data.treatment_sets)."""
        return self.protocol_id is not None or self.point is not None or self.herbs is not None


@dataclass(frozen=True)
class TreatmentSets:
    """For each treatment filter given, the ids of the attended appointments whose charted
    visit meets it (data.treatment_sets); None where that filter is not given."""

    protocol: frozenset[int] | None = None
    point: frozenset[int] | None = None
    herbs: frozenset[int] | None = None


def treated(episode: Episode, filters: Filters, sets: TreatmentSets) -> bool:
    """Whether the course meets every treatment filter given (see the module's docstring)."""
    ids = {visit.appointment_id for visit in episode.visits}
    for wanted, matching in ((filters.protocol_id, sets.protocol), (filters.point, sets.point)):
        if wanted is not None and not ids & (matching or frozenset()):
            return False
    return filters.herbs is None or bool(ids & (sets.herbs or frozenset())) == filters.herbs


class Figure(StrEnum):
    FIRST_30 = "first-30"
    FIRST_50 = "first-50"
    END_30 = "end-30"
    END_50 = "end-50"
    END_FUNCTION = "end-function"


FIGURE_LABELS: Mapping[Figure, Promise] = {
    Figure.FIRST_30: _("Pain at least 30% and 2 points better after the first visit"),
    Figure.FIRST_50: _("Pain at least 50% better after the first visit"),
    Figure.END_30: _("Pain at least 30% and 2 points better at the end of a course"),
    Figure.END_50: _("Pain at least 50% better at the end of a course"),
    Figure.END_FUNCTION: _(
        "Function (RMDQ 5 points or ODI 10 points, or 30%) better at the end of a course"
    ),
}


@dataclass(frozen=True)
class Outcome:
    figure: Figure
    label: Promise
    rate: stats.Rate
    missing: int  # started, but without both scores this figure needs

    @property
    def text(self) -> str:
        return stats.format_rate(self.rate)

    @property
    def percent(self) -> str:
        p = self.rate.proportion
        return "" if p is None else stats._percent(p)

    @property
    def interval(self) -> str:
        if self.rate.total == 0:
            return ""
        return f"{stats._percent(self.rate.low)}-{stats._percent(self.rate.high)}"


@dataclass(frozen=True)
class Report:
    filters: Filters
    started: int
    with_baseline: int
    followed_up: int
    dropouts: int
    too_early: int  # started less than DROPOUT_WEEKS ago, nothing yet: not counted either way
    visits: int
    outcomes: tuple[Outcome, ...]
    visits_to_respond: stats.VisitsToRespond
    dropout_weeks: int = DROPOUT_WEEKS
    episodes: tuple[Episode, ...] = field(default=(), repr=False)
    fictional: int = 0  # courses of fictional (demo) patients among those started

    @property
    def visits_to_respond_text(self) -> str:
        return stats.format_visits_to_respond(self.visits_to_respond)

    def outcome(self, figure: Figure) -> Outcome:
        return next(o for o in self.outcomes if o.figure == figure)


def selected(
    episodes: Iterable[Episode], filters: Filters, treatment: TreatmentSets | None = None
) -> list[Episode]:
    """The episodes the report counts: first visit in the period, with the practitioner, and
    meeting the treatment filters (`treatment` is required when one is given)."""
    if filters.by_treatment and treatment is None:
        raise ValueError("a treatment filter needs the matching appointments (TreatmentSets)")
    chosen = []
    for episode in episodes:
        start = episode.start
        if start is None or not filters.start <= start < filters.end:
            continue
        wanted = filters.practitioner_id
        if wanted is not None and episode.practitioner_id != wanted:
            continue
        if treatment is not None and not treated(episode, filters, treatment):
            continue
        chosen.append(episode)
    return chosen


def _follow_ups(episode: Episode) -> list[datetime]:
    first = episode.start
    assert first is not None
    return [
        o.when
        for o in (*episode.pain, *episode.function)
        if o.value is not None
        and ((o.visit or 0) >= 2 or (o.visit is None and o.when >= first + FOLLOW_UP_AFTER))
    ]


@dataclass(frozen=True)
class Points:
    """The scores a report reads from one course's pain series: the same answers as
    responders.baseline, after_first_visit and end_of_course, read in one pass (a clinic
    report reads hundreds of thousands of scores; test_report_points.py checks the two agree)."""

    baseline: Observation | None
    after_first_visit: Observation | None
    end_of_course: Observation | None
    first_response_visit: int | None  # the first visit whose check-in shows a response
    later_check_in: bool  # a check-in score at visit 2 or later was given


def points(observations: Sequence[Observation]) -> Points:
    """`observations` in time order (as data.py gives them); blanks (value None) skipped."""
    base = after = end = None
    first_response = None
    later = False
    low = high = None
    for o in observations:
        value = o.value
        if value is None:
            continue
        if low is None:
            # The first score given: the baseline, unless asked after treatment had begun.
            if o.moment is Moment.AFTER or (o.visit is not None and o.visit > 1):
                break  # no baseline: nothing here can be compared with one
            if o.when.tzinfo is None or o.when.utcoffset() is None:
                raise ValueError(f"naive datetime {o.when!r}: give an aware one")
            base = o
            low = o.when + responders.END_OF_COURSE.earliest
            high = o.when + responders.END_OF_COURSE.latest
            continue
        if low <= o.when <= high:
            end = o
        if o.moment is Moment.BEFORE and o.visit is not None and o.visit >= 2:
            later = True
            if after is None and o.visit == 2:
                after = o
            if first_response is None and response_of(base.value, value) in RESPONDED:
                first_response = o.visit
    if base is None:
        # Without a baseline, "after the first visit" is still read (a page shows the score).
        after = next(
            (
                o
                for o in observations
                if o.value is not None and o.visit == 2 and o.moment is Moment.BEFORE
            ),
            None,
        )
        later = any(
            o.value is not None and o.moment is Moment.BEFORE and (o.visit or 0) >= 2
            for o in observations
        )
    return Points(base, after, end, first_response, later)


RESPONDED: Final = frozenset({Response.MODERATE, Response.SUBSTANTIAL})


def response_of(baseline: object, current: object) -> Response | None:
    """responders.nprs_response, with whole-number scores compared in integers (the usual
    case, and many times faster than fractions); anything else goes to responders."""
    if type(baseline) is int and type(current) is int:
        if baseline == 0:
            return None
        gain = baseline - current
        if gain < responders.NPRS_MIN_POINTS:
            return Response.NONE
        if gain * 100 >= responders.NPRS_SUBSTANTIAL_PERCENT * baseline:
            return Response.SUBSTANTIAL
        if gain * 100 >= responders.NPRS_MODERATE_PERCENT * baseline:
            return Response.MODERATE
        return Response.NONE
    return responders.nprs_response(baseline, current)  # type: ignore[arg-type]


FUNCTION_POINTS: Final = {"rmdq": responders.RMDQ_POINTS, "odi": responders.ODI_POINTS}


def function_response_of(measure: str, baseline: object, current: object) -> Response | None:
    """responders.response for RMDQ and ODI, whole numbers compared in integers."""
    if type(baseline) is int and type(current) is int and measure in FUNCTION_POINTS:
        if baseline == 0:
            return None
        gain = baseline - current
        better = (
            gain >= FUNCTION_POINTS[measure] or gain * 100 >= responders.FUNCTION_PERCENT * baseline
        )
        return Response.MODERATE if better else Response.NONE
    return responders.response(measure, baseline, current)  # type: ignore[arg-type]


def first_response_visit(episode: Episode) -> int | None:
    """The first visit whose check-in pain score is a response (at least 30% and 2 points
    better than the baseline); None when none is, or there is nothing to tell it by."""
    return points(episode.pain).first_response_visit


def build(
    episodes: Iterable[Episode],
    filters: Filters,
    *,
    now: datetime,
    dropout_weeks: int = DROPOUT_WEEKS,
    treatment: TreatmentSets | None = None,
) -> Report:
    chosen = selected(episodes, filters, treatment)
    counts = {figure: [0, 0] for figure in Figure}  # [n, N]
    with_baseline = followed_up = dropouts = too_early = visits = 0
    responded: list[int | None] = []
    window = timedelta(weeks=dropout_weeks)
    for episode in chosen:
        visits += len(episode.visits)
        first = episode.start
        assert first is not None
        follow_ups = _follow_ups(episode)
        if follow_ups:
            followed_up += 1
        if not any(when <= first + window for when in follow_ups):
            if now >= first + window:
                dropouts += 1
            elif not follow_ups:
                too_early += 1
        pain = points(episode.pain)
        base = pain.baseline
        if base is not None:
            with_baseline += 1
        for figure_30, figure_50, point in (
            (Figure.FIRST_30, Figure.FIRST_50, pain.after_first_visit),
            (Figure.END_30, Figure.END_50, pain.end_of_course),
        ):
            level = None if base is None or point is None else response_of(base.value, point.value)
            if level is not None:
                counts[figure_30][1] += 1
                counts[figure_50][1] += 1
                counts[figure_30][0] += level is not Response.NONE
                counts[figure_50][0] += level is Response.SUBSTANTIAL
        if episode.function_measure is not None:
            f_base = responders.baseline(episode.function)
            f_end = responders.end_of_course(episode.function)
            if f_base is not None and f_end is not None:
                level = function_response_of(episode.function_measure, f_base.value, f_end.value)
                if level is not None:
                    counts[Figure.END_FUNCTION][1] += 1
                    counts[Figure.END_FUNCTION][0] += level is not Response.NONE
        if base is not None and base.value and pain.later_check_in:
            responded.append(pain.first_response_visit)
    started = len(chosen)
    outcomes = tuple(
        Outcome(
            figure=figure,
            label=FIGURE_LABELS[figure],
            rate=stats.rate(n, total),
            missing=started - total,
        )
        for figure, (n, total) in counts.items()
    )
    return Report(
        filters=filters,
        started=started,
        with_baseline=with_baseline,
        followed_up=followed_up,
        dropouts=dropouts,
        too_early=too_early,
        visits=visits,
        outcomes=outcomes,
        visits_to_respond=stats.visits_to_respond(responded),
        dropout_weeks=dropout_weeks,
        episodes=tuple(chosen),
    )


# --- from stored summaries -------------------------------------------------------------------


@dataclass(frozen=True)
class CourseFacts:
    """All build() reads from one course, computed once (summary.py stores them per course so
    a clinic report reads one row per course instead of every score). Levels are None when the
    figure is missing for the course."""

    start: datetime
    practitioner_id: int | None
    visits: int
    first_follow_up: datetime | None
    has_baseline: bool
    first_level: Response | None
    end_level: Response | None
    function_level: Response | None
    counts_to_respond: bool
    first_response_visit: int | None
    fictional: bool = False  # a demo or test patient (demo.is_fictional)


def facts(episode: Episode) -> CourseFacts | None:
    """The course's facts, exactly as build() reads them; None for a course without visits."""
    first = episode.start
    if first is None:
        return None
    follow_ups = _follow_ups(episode)
    pain = points(episode.pain)
    base = pain.baseline
    levels = []
    for point in (pain.after_first_visit, pain.end_of_course):
        levels.append(
            None if base is None or point is None else response_of(base.value, point.value)
        )
    function_level = None
    if episode.function_measure is not None:
        f_base = responders.baseline(episode.function)
        f_end = responders.end_of_course(episode.function)
        if f_base is not None and f_end is not None:
            function_level = function_response_of(
                episode.function_measure, f_base.value, f_end.value
            )
    return CourseFacts(
        start=first,
        practitioner_id=episode.practitioner_id,
        visits=len(episode.visits),
        first_follow_up=min(follow_ups) if follow_ups else None,
        has_baseline=base is not None,
        first_level=levels[0],
        end_level=levels[1],
        function_level=function_level,
        counts_to_respond=bool(base is not None and base.value and pain.later_check_in),
        first_response_visit=pain.first_response_visit,
    )


def build_from_facts(
    courses: Iterable[CourseFacts],
    filters: Filters,
    *,
    now: datetime,
    dropout_weeks: int = DROPOUT_WEEKS,
) -> Report:
    """build(), from each course's facts: the same report (test_summary.py checks it on
    random clinics). `courses` may be pre-filtered (the database does it); the period and
    practitioner are applied again here so the rule lives in one place. The treatment filters
    are the database's alone (summary.courses): a course's facts do not carry its visits."""
    counts = {figure: [0, 0] for figure in Figure}  # [n, N]
    started = with_baseline = followed_up = dropouts = too_early = visits = fictional = 0
    responded: list[int | None] = []
    window = timedelta(weeks=dropout_weeks)
    wanted = filters.practitioner_id
    for c in courses:
        if not filters.start <= c.start < filters.end:
            continue
        if wanted is not None and c.practitioner_id != wanted:
            continue
        started += 1
        fictional += c.fictional
        visits += c.visits
        if c.first_follow_up is not None:
            followed_up += 1
        if c.first_follow_up is None or c.first_follow_up > c.start + window:
            if now >= c.start + window:
                dropouts += 1
            elif c.first_follow_up is None:
                too_early += 1
        with_baseline += c.has_baseline
        for figure_30, figure_50, level in (
            (Figure.FIRST_30, Figure.FIRST_50, c.first_level),
            (Figure.END_30, Figure.END_50, c.end_level),
        ):
            if level is not None:
                counts[figure_30][1] += 1
                counts[figure_50][1] += 1
                counts[figure_30][0] += level is not Response.NONE
                counts[figure_50][0] += level is Response.SUBSTANTIAL
        if c.function_level is not None:
            counts[Figure.END_FUNCTION][1] += 1
            counts[Figure.END_FUNCTION][0] += c.function_level is not Response.NONE
        if c.counts_to_respond:
            responded.append(c.first_response_visit)
    outcomes = tuple(
        Outcome(
            figure=figure,
            label=FIGURE_LABELS[figure],
            rate=stats.rate(n, total),
            missing=started - total,
        )
        for figure, (n, total) in counts.items()
    )
    return Report(
        filters=filters,
        started=started,
        with_baseline=with_baseline,
        followed_up=followed_up,
        dropouts=dropouts,
        too_early=too_early,
        visits=visits,
        outcomes=outcomes,
        visits_to_respond=stats.visits_to_respond(responded),
        dropout_weeks=dropout_weeks,
        fictional=fictional,
    )


# --- claim check ------------------------------------------------------------------------------


class Quantifier(StrEnum):
    MOST = "most"
    HALF = "half"
    THIRD = "third"
    NEARLY_ALL = "nearly-all"


# (label, threshold in %, strict): "most" means more than half, so its rule is strict.
QUANTIFIERS: Mapping[Quantifier, tuple[Promise, int, bool]] = {
    Quantifier.MOST: (_("Most patients (more than 50%)"), 50, True),
    Quantifier.HALF: (_("At least half of patients (50% or more)"), 50, False),
    Quantifier.THIRD: (_("At least a third of patients (33% or more)"), 33, False),
    Quantifier.NEARLY_ALL: (_("Nearly all patients (90% or more)"), 90, False),
}


class Verdict(StrEnum):
    SUPPORTED = "supported"
    CONTRADICTED = "contradicted"
    UNCERTAIN = "uncertain"
    NO_DATA = "no-data"


VERDICT_LABELS: Mapping[Verdict, Promise] = {
    Verdict.SUPPORTED: _("Supported by your data"),
    Verdict.CONTRADICTED: _("Not supported: your data says otherwise"),
    Verdict.UNCERTAIN: _("Not shown: your data cannot tell yet"),
    Verdict.NO_DATA: _("No data: no patient has the scores this claim needs"),
}


@dataclass(frozen=True)
class ClaimCheck:
    quantifier: Quantifier
    figure: Figure
    outcome: Outcome
    threshold: int
    strict: bool
    verdict: Verdict

    @property
    def verdict_label(self) -> Promise:
        return VERDICT_LABELS[self.verdict]

    @property
    def quantifier_label(self) -> Promise:
        return QUANTIFIERS[self.quantifier][0]

    @property
    def rule(self) -> str:
        from django.utils.translation import gettext

        above = gettext("above") if self.strict else gettext("at or above")
        return gettext(
            "Supported when the lower end of the 95%% interval is %(above)s %(threshold)s%%; "
            "not supported when its upper end is below %(threshold)s%%; otherwise the data "
            "cannot tell."
        ) % {"above": above, "threshold": self.threshold}


def check_claim(report: Report, quantifier: Quantifier, figure: Figure) -> ClaimCheck:
    """Whether the report's figure supports "<quantifier> of patients <figure>"."""
    _label, threshold, strict = QUANTIFIERS[quantifier]
    outcome = report.outcome(figure)
    r = outcome.rate
    share = threshold / 100
    if r.total == 0:
        verdict = Verdict.NO_DATA
    elif (r.low > share) if strict else (r.low >= share):
        verdict = Verdict.SUPPORTED
    elif (r.high <= share) if strict else (r.high < share):
        verdict = Verdict.CONTRADICTED
    else:
        verdict = Verdict.UNCERTAIN
    return ClaimCheck(quantifier, figure, outcome, threshold, strict, verdict)


# --- per patient ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    """One patient's change and responder level at a time point (None: missing)."""

    label: Promise
    point: Observation | None
    change: responders.Change | None
    response: Response | None


def patient_status(episode: Episode) -> tuple[Observation | None, list[Status]]:
    """The pain baseline and the status after the first visit, at the end of the course and
    at the latest score."""
    base = responders.baseline(episode.pain)
    given = [o for o in episode.pain if o.value is not None]
    latest = given[-1] if given and base is not None and given[-1] is not base else None
    statuses = []
    for label, point in (
        (
            _("After the first visit (check-in at visit 2)"),
            responders.after_first_visit(episode.pain),
        ),
        (_("End of course (6 to 8 weeks)"), responders.end_of_course(episode.pain)),
        (_("Latest score"), latest),
    ):
        if base is None or point is None:
            statuses.append(Status(label, point, None, None))
        else:
            statuses.append(
                Status(
                    label,
                    point,
                    responders.change(base.value, point.value),
                    responders.nprs_response(base.value, point.value),
                )
            )
    return base, statuses


def thresholds(base: Observation | None) -> dict[str, float] | None:
    """The pain levels a responder reaches from this baseline: moderate (30% and 2 points
    better) and substantial (50%, and 2 points)."""
    if base is None or base.value is None or not base.value:
        return None
    value = float(base.value)
    return {
        "baseline": value,
        "moderate": min(value * 0.7, value - responders.NPRS_MIN_POINTS),
        "substantial": min(value * 0.5, value - responders.NPRS_MIN_POINTS),
    }
