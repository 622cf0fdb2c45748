"""Scores and attended visits, read into `responders.Observation` lists per course of treatment.

The one place the outcome pages read the database. Two queries, whatever the number of
patients: the attended appointments and the scores of the patients asked for (a queryset of
ids, sent as a subquery). The rows are read through the cursor, not model instances: a clinic
report reads hundreds of thousands of them (bench/outcomes.py).

An *episode* (a course of treatment) is a run of attended appointments ("arrived" or
"completed") with no gap longer than EPISODE_GAP between two of them; visits are numbered 1, 2,
... in start order within it. A score belongs to an episode:
- a check-in or check-out score of an attended appointment: to that appointment's episode,
  with its visit number, and BEFORE (check-in) or AFTER (check-out) as its moment;
- any other score (intake, pain diary, portal questionnaire; or a check-in score without an
  attended appointment): by its time, to the episode whose window holds it, with no visit
  number and no moment. An episode's window opens LEAD_IN before its first visit (the intake
  comes before the first appointment) and closes where the next one opens. A score before the
  first window belongs to no episode: it is not moved forward to stand in for a baseline.
A patient with scores but no attended visit has one episode with no visits (a trajectory can
still be drawn; the clinic report does not count it as started).

Pain is the NPRS "pain now" item (the check-in, check-out and diary question; the intake asks
it too). Function is the RMDQ or the ODI, whichever the patient answered. Missing stays
missing: a score asked but not given has no row, and nothing here fills one in.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Final

from django.db import connection
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from acuclinic.outcomes import scoring
from acuclinic.outcomes.models import PainItem, Score, Source
from acuclinic.outcomes.responders import Moment, Observation
from acuclinic.patients.models import IntakeResponse, IntakeStatus, Patient
from acuclinic.scheduling.models import Appointment, Status

ATTENDED: Final = (Status.ARRIVED.value, Status.COMPLETED.value)
EPISODE_GAP: Final = timedelta(days=90)
LEAD_IN: Final = timedelta(days=30)
PAIN_ITEMS: Final = (PainItem.NOW.value, "")  # "" = a pain score stored without an item
FUNCTION_MEASURES: Final = (scoring.RMDQ.key, scoring.ODI.key)
MOMENTS: Final = {Source.CHECK_IN.value: Moment.BEFORE, Source.CHECK_OUT.value: Moment.AFTER}

# Conditions the report can be run for: the intake questionnaire that puts a patient in it.
CONDITIONS: Final = {"back-pain": "intake-back-pain"}


@dataclass(frozen=True)
class Visit:
    number: int
    appointment_id: int
    start: datetime
    practitioner_id: int


@dataclass(frozen=True)
class Episode:
    patient_id: int
    number: int  # the patient's first course is 1
    visits: tuple[Visit, ...]
    pain: tuple[Observation, ...]  # NPRS pain now, in time order
    function: tuple[Observation, ...]  # RMDQ or ODI, in time order
    function_measure: str | None  # "rmdq", "odi" or None when neither was answered
    sources: tuple[str, ...] = ()  # Source of each pain observation, same order
    function_sources: tuple[str, ...] = ()

    @property
    def start(self) -> datetime | None:
        """The first visit's start; None for scores without any attended visit."""
        return self.visits[0].start if self.visits else None

    @property
    def practitioner_id(self) -> int | None:
        """Whoever saw the patient at the first visit: the report's practitioner filter."""
        return self.visits[0].practitioner_id if self.visits else None


def back_pain_patients(condition: str = "back-pain") -> QuerySet[Patient]:
    """Patients who submitted the condition's intake questionnaire (not erased)."""
    questionnaire = CONDITIONS[condition]
    submitted = IntakeResponse.objects.filter(
        questionnaire=questionnaire, status=IntakeStatus.SUBMITTED
    ).values("patient_id")
    return Patient.objects.filter(pk__in=submitted, erased_at__isnull=True)


def patients_with_visits_between(
    patients: QuerySet[Patient], start: datetime, end: datetime
) -> QuerySet[Patient]:
    """Those of `patients` with an attended visit in [start, end): a report's candidates (the
    exact rule, an episode's first visit in the period, is applied on the episodes)."""
    in_period = Appointment.objects.filter(
        status__in=ATTENDED, start__gte=start, start__lt=end
    ).values("patient_id")
    return patients.filter(pk__in=in_period)


def charted_visits(filters: Any) -> dict[str, QuerySet[Any]]:
    """For each treatment filter given (report.Filters: protocol_id, point, herbs), the
    charted visits of attended appointments that meet it, as a queryset. For `herbs` it is
    the visits with an issued prescription, whether the filter asks for them or their
    absence."""
    from acuclinic.charting.models import Visit as ChartedVisit
    from acuclinic.herbs.models import Status as PrescriptionStatus

    charted = ChartedVisit.objects.filter(appointment__status__in=ATTENDED)
    found: dict[str, QuerySet[Any]] = {}
    if filters.protocol_id is not None:
        found["protocol"] = charted.filter(protocol_id=filters.protocol_id)
    if filters.point is not None:
        found["point"] = charted.filter(needles__code=filters.point)
    if filters.herbs is not None:
        found["herbs"] = charted.filter(prescriptions__status=PrescriptionStatus.ISSUED)
    return found


def treatment_sets(filters: Any, patients: QuerySet[Patient]) -> Any:
    """report.TreatmentSets for `patients` (one query per treatment filter given)."""
    from acuclinic.outcomes.report import TreatmentSets

    sets = {
        name: frozenset(
            visits.filter(patient_id__in=patients.values("pk")).values_list(
                "appointment_id", flat=True
            )
        )
        for name, visits in charted_visits(filters).items()
    }
    return TreatmentSets(**sets)


# --- reading -----------------------------------------------------------------------------------


def _rows(
    queryset: QuerySet, fields: Iterable[str], datetimes: Iterable[str] = ()
) -> list[tuple[Any, ...]]:
    """The queryset's values as tuples, through the cursor (the ORM's per-value converters
    would cost more than the query). On SQLite the `datetimes` come as their text (the
    driver's own converter is a regular expression per value; `_parser` reads each distinct
    text once)."""
    if connection.vendor == "sqlite":
        texts = {f"{name}_text": Cast(name, TextField()) for name in datetimes}
        queryset = queryset.annotate(**texts)
        fields = [f"{name}_text" if name in datetimes else name for name in fields]
    sql, params = queryset.values_list(*fields).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _aware(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def _parser() -> Any:
    """A datetime reader for the rows: SQLite's text is parsed once per distinct value (a
    check-in score shares its appointment's start), PostgreSQL's values are aware already."""
    if connection.vendor == "postgresql":
        return lambda value: value
    seen: dict[Any, datetime] = {}

    def parse(value: Any) -> datetime:
        found = seen.get(value)
        if found is None:
            found = seen[value] = _aware(value)
        return found

    return parse


def _number(value: Any) -> Decimal | int | float:
    # SQLite gives int or float, PostgreSQL Decimal("7.00"); an integer score reads as one.
    if type(value) is int:
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return _number(Decimal(value))
    return value


def episodes(patients: QuerySet[Patient] | Iterable[int]) -> dict[int, list[Episode]]:
    """Each patient's episodes, oldest first, in two queries. `patients`: a queryset (sent as a
    subquery) or ids. Patients with neither visits nor scores are absent."""
    if isinstance(patients, QuerySet):
        ids: Any = patients.values("pk")
    else:
        ids = list(patients)
    appointments = _rows(
        Appointment.objects.filter(patient_id__in=ids, status__in=ATTENDED).order_by(
            "patient_id", "start", "pk"
        ),
        ("pk", "patient_id", "start", "practitioner_id"),
        datetimes=("start",),
    )
    scores = _rows(
        Score.objects.filter(patient_id__in=ids)
        .filter(Q(measure=scoring.NPRS.key, item__in=PAIN_ITEMS) | Q(measure__in=FUNCTION_MEASURES))
        .order_by("patient_id", "observed_at", "pk"),
        ("patient_id", "measure", "value", "observed_at", "source", "appointment_id"),
        datetimes=("observed_at",),
    )
    parse = _parser()
    visits_of: dict[int, list[tuple[int, datetime, int]]] = defaultdict(list)
    for pk, patient_id, start, practitioner_id in appointments:
        visits_of[patient_id].append((pk, parse(start), practitioner_id))
    scores_of: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in scores:
        scores_of[row[0]].append(row)
    return {
        patient_id: _episodes(
            patient_id, visits_of.get(patient_id, []), scores_of[patient_id], parse
        )
        for patient_id in {*visits_of, *scores_of}
    }


def _episodes(
    patient_id: int,
    visits: list[tuple[int, datetime, int]],
    scores: list[tuple[Any, ...]],
    parse: Any = _aware,
) -> list[Episode]:
    # Split the visits into courses at gaps longer than EPISODE_GAP.
    courses: list[list[Visit]] = []
    previous: datetime | None = None
    for pk, start, practitioner_id in visits:
        if previous is None or start - previous > EPISODE_GAP:
            courses.append([])
        course = courses[-1]
        course.append(Visit(len(course) + 1, pk, start, practitioner_id))
        previous = start
    where: dict[int, tuple[int, Visit]] = {}  # appointment id -> (course index, visit)
    for index, course in enumerate(courses):
        for visit in course:
            where[visit.appointment_id] = (index, visit)
    opens = [course[0].start - LEAD_IN for course in courses]
    count = max(len(courses), 1)
    pain: list[list[Observation]] = [[] for _ in range(count)]
    pain_sources: list[list[str]] = [[] for _ in range(count)]
    function: list[dict[str, list[Observation]]] = [defaultdict(list) for _ in range(count)]
    function_sources: list[dict[str, list[str]]] = [defaultdict(list) for _ in range(count)]
    for _patient, measure, value, observed_at, source, appointment_id in scores:
        when = parse(observed_at)
        placed = where.get(appointment_id) if source in MOMENTS else None
        if placed is not None:
            index, visit = placed
            observation = Observation(when, _number(value), visit.number, MOMENTS[source])
        else:
            index = _window(opens, when)
            if index is None:
                continue
            observation = Observation(when, _number(value))
        if measure == scoring.NPRS.key:
            pain[index].append(observation)
            pain_sources[index].append(source)
        else:
            function[index][measure].append(observation)
            function_sources[index][measure].append(source)
    result = []
    for index in range(count):
        # One function measure per course: the one answered most (RMDQ on a tie).
        answered = function[index]
        chosen = max(FUNCTION_MEASURES, key=lambda m: len(answered.get(m, ())), default=None)
        if chosen is not None and not answered.get(chosen):
            chosen = None
        result.append(
            Episode(
                patient_id=patient_id,
                number=index + 1,
                visits=tuple(courses[index]) if courses else (),
                pain=tuple(pain[index]),
                function=tuple(answered.get(chosen, ())) if chosen else (),
                function_measure=chosen,
                sources=tuple(pain_sources[index]),
                function_sources=tuple(function_sources[index].get(chosen, ())) if chosen else (),
            )
        )
    return [e for e in result if e.visits or e.pain or e.function]


def _window(opens: list[datetime], when: datetime) -> int | None:
    """The index of the episode whose window holds `when`; 0 when there are no visits at all;
    None before the first window."""
    if not opens:
        return 0
    found = None
    for index, opening in enumerate(opens):
        if when >= opening:
            found = index
        else:
            break
    return found
