"""Per-course summaries (models.CourseSummary): the clinic report from one row per course.

The full computation (data.episodes, then report.build) reads every score of every patient in
the period: 300,000 rows for a clinic of 10,000 patients, seconds per page. The facts the
report needs from a course (report.CourseFacts) depend only on that patient's own scores and
attended appointments, so they are computed once per patient, with the same pure functions,
whenever one of those changes (apps.py connects the signals), and stored. The report then reads
one row per course, filtered by period and practitioner in the database (indexed), in one query.

The full path stays the reference: tests/test_summary.py builds random clinics and checks
that both give the same report. Writes that bypass model signals (queryset.update(),
bulk_create, raw SQL) leave summaries stale: run `manage.py rebuild_outcome_summaries`.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet

from acuclinic.outcomes import data, demo, report
from acuclinic.outcomes.models import CourseSummary
from acuclinic.outcomes.responders import Response
from acuclinic.patients.models import Patient

FIELDS = (
    "start",
    "practitioner_id",
    "visits",
    "first_follow_up",
    "has_baseline",
    "first_level",
    "end_level",
    "function_level",
    "counts_to_respond",
    "first_response_visit",
)
LEVELS = ("first_level", "end_level", "function_level")


def _row(episode: data.Episode, f: report.CourseFacts) -> CourseSummary:
    values: dict[str, Any] = {name: getattr(f, name) for name in FIELDS}
    for name in LEVELS:
        values[name] = "" if values[name] is None else str(values[name])
    return CourseSummary(
        patient_id=episode.patient_id,
        number=episode.number,
        last_visit=episode.visits[-1].start,
        **values,
    )


def summaries(episodes: dict[int, list[data.Episode]]) -> list[CourseSummary]:
    rows = []
    for courses in episodes.values():
        for episode in courses:
            found = report.facts(episode)
            if found is not None:
                rows.append(_row(episode, found))
    return rows


def recompute(patient_ids: Iterable[int]) -> int:
    """Rewrite these patients' summaries from their scores and visits (four queries whatever
    their number). Returns the number of courses stored."""
    ids = sorted(set(patient_ids))
    if not ids:
        return 0
    rows = summaries(data.episodes(ids))
    with transaction.atomic():
        CourseSummary.objects.filter(patient_id__in=ids).delete()
        CourseSummary.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def rebuild(batch: int = 2000) -> int:
    """Every patient's summaries, recomputed in batches (upgrades, the bench, a repair)."""
    ids = list(Patient.objects.order_by("pk").values_list("pk", flat=True))
    stored = 0
    with transaction.atomic():
        CourseSummary.objects.all().delete()
        for first in range(0, len(ids), batch):
            stored += recompute(ids[first : first + batch])
    return stored


def schedule(patient_id: int | None) -> None:
    """Recompute this patient's summaries once the current transaction commits; once per
    patient per transaction, however many of their rows change. A rolled-back transaction
    (or savepoint) drops the callback with it, so nothing stale is marked as done."""
    if patient_id is None:
        return
    conn = transaction.get_connection()
    for _sids, func, _robust in conn.run_on_commit:
        if isinstance(func, _Recompute) and func.patient_id == patient_id and not func.ran:
            return
    transaction.on_commit(_Recompute(patient_id))


class _Recompute:
    """The on-commit callback for one patient (recognisable, so it is registered once)."""

    def __init__(self, patient_id: int) -> None:
        self.patient_id = patient_id
        self.ran = False

    def __call__(self) -> None:
        self.ran = True
        recompute([self.patient_id])


def courses(patients: QuerySet[Patient], filters: report.Filters) -> list[report.CourseFacts]:
    """The summaries of `patients`' courses that start in the period (one query)."""
    rows = CourseSummary.objects.filter(
        patient_id__in=patients.values("pk"), start__gte=filters.start, start__lt=filters.end
    )
    if filters.practitioner_id is not None:
        rows = rows.filter(practitioner_id=filters.practitioner_id)
    if filters.by_treatment:
        rows = by_treatment(rows, filters)
    fetched = data._rows(  # datetimes as text on SQLite: fromisoformat, not a regex per value
        rows, (*FIELDS, "patient__email"), datetimes=("start", "first_follow_up")
    )
    levels = {str(r): r for r in Response}
    parse = data._aware if connection.vendor == "sqlite" else (lambda value: value)
    result = []
    for row in fetched:
        start, pract, visits, follow, base, first, end, function, counts, respond, email = row
        result.append(
            report.CourseFacts(
                start=parse(start),
                practitioner_id=pract,
                visits=visits,
                first_follow_up=None if follow is None else parse(follow),
                has_baseline=bool(base),
                first_level=levels.get(first),
                end_level=levels.get(end),
                function_level=levels.get(function),
                counts_to_respond=bool(counts),
                first_response_visit=respond,
                fictional=demo.is_fictional(email),
            )
        )
    return result


def by_treatment(rows: QuerySet[CourseSummary], filters: report.Filters) -> QuerySet:
    """`rows` narrowed to the courses meeting the treatment filters (report.py's rule), each
    as an EXISTS over the patient's charted visits from the course's first visit to its last
    (every attended visit in between is one of the course's: courses are split by gaps)."""
    for name, visits in data.charted_visits(filters).items():
        during = Exists(
            visits.filter(
                appointment__patient_id=OuterRef("patient_id"),
                appointment__start__gte=OuterRef("start"),
                appointment__start__lte=OuterRef("last_visit"),
            )
        )
        rows = rows.filter(~during if name == "herbs" and not filters.herbs else during)
    return rows


def build_report(filters: report.Filters, condition: str, now: datetime) -> report.Report:
    """The clinic report from the summaries: one query."""
    chosen = courses(data.back_pain_patients(condition), filters)
    return report.build_from_facts(chosen, filters, now=now)
