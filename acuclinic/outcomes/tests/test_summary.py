"""The report from course summaries (summary.py) equals the full computation (data.episodes +
report.build, the reference) on random clinics, whatever the period, practitioner and date;
and the summaries follow every write of a score or an appointment once it commits."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from acuclinic.charting.models import Protocol
from acuclinic.outcomes import summary, views
from acuclinic.outcomes.models import CourseSummary, Score, Source
from acuclinic.outcomes.report import Filters

from . import factories as f
from .factories import T0

pytestmark = pytest.mark.django_db

STATUSES = ["completed", "completed", "arrived", "cancelled", "no_show", "confirmed"]
SOURCES = [s.value for s in Source]

POINTS = [None, "BL23", "GB30"]
# What was charted at the appointment: (protocol 0, 1 or none, a point, herbs issued/draft/none).
chart_st = st.one_of(
    st.none(),
    st.tuples(
        st.sampled_from([None, 0, 1]), st.sampled_from(POINTS), st.sampled_from([None, True, False])
    ),
)
appointment_st = st.tuples(
    st.integers(0, 420), st.sampled_from(STATUSES), st.integers(0, 1), chart_st
)
score_st = st.tuples(
    st.sampled_from(["nprs", "nprs", "nprs", "rmdq", "odi"]),
    st.integers(0, 10),
    st.sampled_from([0, 0, 0, Decimal("0.5")]),
    st.integers(-40, 440),  # days from T0
    st.sampled_from(SOURCES),
    st.integers(0, 9),  # which appointment a check-in/out belongs to (when it has one)
    st.booleans(),  # on the appointment's own time (else at the day's time)
)
patient_st = st.tuples(
    st.lists(appointment_st, max_size=6), st.lists(score_st, max_size=10), st.booleans()
)


def _make(clinic: list, practitioners: list, protocols: list | None = None) -> None:  # type: ignore[type-arg]
    per_day: dict[int, int] = {}
    for appointments, scores, back_pain in clinic:
        who = f.patient(back_pain=back_pain)
        made = []
        for day, status, by, charted in appointments:
            slot = per_day[day] = per_day.get(day, -1) + 1  # no two overlap
            start = T0 + timedelta(days=day, minutes=50 * slot)
            made.append(f.visit(who, practitioners[by], start, status))
            if charted is not None and protocols is not None:
                protocol, point, herbs = charted
                chosen = None if protocol is None else protocols[protocol]
                f.chart(made[-1], protocol=chosen, point=point, herbs=herbs)
        for measure, value, half, day, source, which, on_time in scores:
            value = value * (3 if measure == "odi" else 2 if measure == "rmdq" else 1)
            value = min(value + half, 10) if measure == "nprs" else value + half
            appointment = made[which % len(made)] if made and source.startswith("check") else None
            when = T0 + timedelta(days=day, hours=3)
            if appointment is not None and on_time:
                when = appointment.start + timedelta(minutes=40 if source == "check_out" else 0)
            f.score(who, value, when, source, appointment, measure=measure)


@settings(
    max_examples=40,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    clinic=st.lists(patient_st, min_size=1, max_size=5),
    period=st.tuples(st.integers(-10, 400), st.integers(1, 400)),
    who=st.sampled_from([None, 0, 1]),
    now=st.integers(0, 500),
    done=st.tuples(
        st.sampled_from([None, 0, 1]), st.sampled_from(POINTS), st.sampled_from([None, True, False])
    ),
)
def test_summaries_give_the_full_report(
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
    clinic,
    period,
    who,
    now,
    done,
) -> None:
    """Also with the treatment filters (protocol, point, herbs): the full path looks them up
    per visit (report.treated), the summaries in SQL between one course's start and the next."""
    with transaction.atomic():
        practitioners = [f.practitioner(), f.practitioner("Idris Vale")]
        protocols = [
            Protocol.objects.create(name=f"Outcomes test {n}", created_by=None) for n in (1, 2)
        ]
        with django_capture_on_commit_callbacks(execute=True):
            _make(clinic, practitioners, protocols)
        start = T0 + timedelta(days=period[0], hours=-20)
        protocol, point, herbs = done
        filters = Filters(
            start=start,
            end=start + timedelta(days=period[1]),
            practitioner_id=None if who is None else practitioners[who].pk,
            protocol_id=None if protocol is None else protocols[protocol].pk,
            point=point,
            herbs=herbs,
        )
        at = T0 + timedelta(days=now)
        full = views.build_full_report(filters, "back-pain", at)
        fast = views.build_report(filters, "back-pain", at)
        assert replace(full, episodes=()) == replace(fast, fictional=0)
        assert fast.fictional == fast.started  # every test patient is at example.org
        # The rebuild command stores the same rows the signals did.
        stored = list(CourseSummary.objects.order_by("patient", "number").values())
        call_command("rebuild_outcome_summaries", stdout=open("/dev/null", "w"))  # noqa: SIM115
        again = list(CourseSummary.objects.order_by("patient", "number").values())
        assert [{**r, "id": 0} for r in stored] == [{**r, "id": 0} for r in again]
        transaction.set_rollback(True)


def _started(by=None) -> int:  # type: ignore[no-untyped-def]
    filters = Filters(start=T0 - timedelta(days=1), end=T0 + timedelta(days=30))
    return views.build_report(filters, "back-pain", T0 + timedelta(weeks=20)).started


def test_summaries_follow_writes_after_commit(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    by = f.practitioner()
    who = f.patient()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        visits = f.course(who, by, [8, 4, 3], [6, 3, 2])
    assert len(callbacks) == 1  # six scores and three visits: one recompute
    row = CourseSummary.objects.get(patient=who)
    assert (row.visits, row.first_level, row.has_baseline) == (3, "substantial", True)

    with django_capture_on_commit_callbacks(execute=True):
        Score.objects.get(appointment=visits[1], source=Source.CHECK_IN).delete()
    assert CourseSummary.objects.get(patient=who).first_level == ""  # missing now

    with django_capture_on_commit_callbacks(execute=True):
        visits[0].status = "cancelled"
        visits[0].save()
    row = CourseSummary.objects.get(patient=who)
    assert row.visits == 2 and row.start == visits[1].start

    with django_capture_on_commit_callbacks(execute=True):
        for v in visits:
            v.start += timedelta(days=60)
            v.end += timedelta(days=60)
            v.blocked_start, v.blocked_end = v.start, v.end
            v.save()
    assert _started() == 0  # moved out of the period


def test_a_rolled_back_write_schedules_nothing(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    who = f.patient()
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            f.score(who, 7, T0, Source.INTAKE)
            transaction.set_rollback(True)
        f.score(who, 6, T0, Source.INTAKE)  # the same patient again: scheduled anew
    assert [c.patient_id for c in callbacks] == [who.pk]


def test_the_report_reads_one_query_for_the_courses(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    by = f.practitioner()
    with django_capture_on_commit_callbacks(execute=True):
        f.course(f.patient(), by, [8, 4])
    with CaptureQueriesContext(connection) as one:
        assert _started() == 1
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(10):
            f.course(f.patient(), by, [7, 5, 3], start=T0 + timedelta(hours=i + 1))
    with CaptureQueriesContext(connection) as eleven:
        assert _started() == 11
    assert len(one) == len(eleven) == 1
    assert summary.recompute([]) == 0


def test_treatment_filters_on_both_paths(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    """Two patients: A has a course with protocol 1 and BL23 (weeks 0-1) and, after a gap,
    a course with herbs issued (week 30); B has one course with GB30 and a draft
    prescription only. Each filter counts the courses it should, on both paths."""
    by = f.practitioner()
    first, second = (
        Protocol.objects.create(name=f"Outcomes filter {n}", created_by=None) for n in (1, 2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        a, b = f.patient("Ada Filter"), f.patient("Bea Filter")
        a1 = f.visit(a, by, T0)
        a2 = f.visit(a, by, T0 + timedelta(weeks=1))
        a3 = f.visit(a, by, T0 + timedelta(weeks=30, hours=2))
        b1 = f.visit(b, by, T0 + timedelta(hours=1))
        f.chart(a1, protocol=first)
        f.chart(a2, point="BL23")
        f.chart(a3, herbs=True)
        f.chart(b1, point="GB30", herbs=False)
    year = Filters(start=T0 - timedelta(days=1), end=T0 + timedelta(days=365))
    expected = {
        (): 3,
        (("protocol_id", first.pk),): 1,
        (("protocol_id", second.pk),): 0,
        (("point", "BL23"),): 1,
        (("point", "GB30"),): 1,
        (("point", "ST36"),): 0,
        (("protocol_id", first.pk), ("point", "BL23")): 1,  # at two visits of one course
        (("protocol_id", first.pk), ("point", "GB30")): 0,
        (("herbs", True),): 1,  # A's second course; B's draft does not count
        (("herbs", False),): 2,
        (("herbs", False), ("point", "BL23")): 1,
    }
    at = T0 + timedelta(days=400)
    for chosen, started in expected.items():
        filters = replace(year, **dict(chosen))
        full = views.build_full_report(filters, "back-pain", at)
        fast = views.build_report(filters, "back-pain", at)
        assert (chosen, full.started) == (chosen, started)
        assert (chosen, fast.started) == (chosen, started)


def test_the_migration_fills_last_visit_as_a_rebuild_does(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    """Rows stored before CourseSummary.last_visit existed get the value a rebuild gives."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "acuclinic.outcomes.migrations.0004_course_summary_last_visit"
    )
    by = f.practitioner()
    with django_capture_on_commit_callbacks(execute=True):
        who = f.patient()
        f.course(who, by, [7, 6, 5])  # weeks 0-2
        f.course(who, by, [8, 4], start=T0 + timedelta(weeks=30))  # a second course
        f.visit(who, by, T0 + timedelta(weeks=1, days=2), "cancelled")  # not a visit
    mine = CourseSummary.objects.filter(patient=who).order_by("number")
    expected = list(mine.values_list("last_visit", flat=True))
    assert expected == [T0 + timedelta(weeks=2), T0 + timedelta(weeks=31)]
    everyone = dict(CourseSummary.objects.values_list("pk", "last_visit"))  # the demo's too
    CourseSummary.objects.update(last_visit=None)
    migration.fill(apps, None)
    assert list(mine.values_list("last_visit", flat=True)) == expected
    assert dict(CourseSummary.objects.values_list("pk", "last_visit")) == everyone
