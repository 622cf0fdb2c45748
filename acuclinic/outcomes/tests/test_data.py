"""outcomes/data.py: scores and attended visits read into observations per course."""

from datetime import timedelta

import pytest

from acuclinic.outcomes import data
from acuclinic.outcomes.models import Source
from acuclinic.outcomes.responders import Moment, Observation

from . import factories as f
from .factories import T0

pytestmark = pytest.mark.django_db


def test_visits_are_numbered_and_moments_come_from_the_source() -> None:
    by = f.practitioner()
    p = f.patient()
    f.score(p, 8, T0 - timedelta(days=3), Source.INTAKE)
    first, second, third = f.course(p, by, [7, 6, None], [5, None, 3])
    (episode,) = data.episodes([p.pk])[p.pk]
    assert [v.number for v in episode.visits] == [1, 2, 3]
    assert [v.appointment_id for v in episode.visits] == [first.pk, second.pk, third.pk]
    assert episode.start == T0 and episode.practitioner_id == by.pk
    assert episode.pain == (
        Observation(T0 - timedelta(days=3), 8),  # intake: no visit, no moment
        Observation(T0, 7, 1, Moment.BEFORE),
        Observation(T0 + timedelta(minutes=40), 5, 1, Moment.AFTER),
        Observation(T0 + timedelta(weeks=1), 6, 2, Moment.BEFORE),
        # visit 2's check-out and visit 3's check-in were not given: no observation
        Observation(T0 + timedelta(weeks=2, minutes=40), 3, 3, Moment.AFTER),
    )
    assert episode.sources == ("intake", "check_in", "check_out", "check_in", "check_out")
    assert episode.function == () and episode.function_measure is None


def test_only_attended_appointments_count_as_visits() -> None:
    by = f.practitioner()
    p = f.patient()
    f.course(p, by, [7])
    missed = f.visit(p, by, T0 + timedelta(weeks=1), status="no_show")
    f.score(p, 6, T0 + timedelta(weeks=1), Source.CHECK_IN, missed)  # a stray score
    f.visit(p, by, T0 + timedelta(weeks=2), status="cancelled")
    f.course(p, by, [5], start=T0 + timedelta(weeks=3))
    (episode,) = data.episodes([p.pk])[p.pk]
    assert [v.number for v in episode.visits] == [1, 2]
    assert [v.start for v in episode.visits] == [T0, T0 + timedelta(weeks=3)]
    # The score at the no-show keeps its value and time, with no visit number or moment.
    assert Observation(T0 + timedelta(weeks=1), 6) in episode.pain
    assert Observation(T0 + timedelta(weeks=3), 5, 2, Moment.BEFORE) in episode.pain


def test_a_long_gap_starts_a_new_course_and_numbering_restarts() -> None:
    by = f.practitioner()
    p = f.patient()
    f.course(p, by, [7, 5])
    later = T0 + timedelta(weeks=1) + data.EPISODE_GAP + timedelta(days=1)
    f.score(p, 6, later - timedelta(days=2), Source.DIARY)  # the new course's lead-in
    f.course(p, by, [6, 4], start=later)
    one, two = data.episodes([p.pk])[p.pk]
    assert (one.number, two.number) == (1, 2)
    assert [v.number for v in two.visits] == [1, 2]
    assert two.pain[0] == Observation(later - timedelta(days=2), 6)
    assert two.pain[1] == Observation(later, 6, 1, Moment.BEFORE)
    assert len(one.pain) == 2


def test_a_score_long_before_the_first_visit_is_left_out_not_moved_up() -> None:
    by = f.practitioner()
    p = f.patient()
    f.score(p, 9, T0 - data.LEAD_IN - timedelta(days=1), Source.DIARY)
    f.course(p, by, [None, 6])  # no check-in at visit 1: no baseline
    (episode,) = data.episodes([p.pk])[p.pk]
    assert episode.pain == (Observation(T0 + timedelta(weeks=1), 6, 2, Moment.BEFORE),)


def test_function_scores_and_only_pain_now() -> None:
    by = f.practitioner()
    p = f.patient()
    f.score(p, 9, T0 - timedelta(days=1), Source.INTAKE, item="worst")  # not "pain now"
    f.score(p, 14, T0 - timedelta(days=1), Source.QUESTIONNAIRE, measure="rmdq")
    f.score(p, 30, T0 - timedelta(days=1), Source.QUESTIONNAIRE, measure="psfs")  # not read
    f.course(p, by, [7])
    f.score(p, 8, T0 + timedelta(weeks=7), Source.QUESTIONNAIRE, measure="rmdq")
    (episode,) = data.episodes([p.pk])[p.pk]
    assert episode.function_measure == "rmdq"
    assert [o.value for o in episode.function] == [14, 8]
    assert episode.function_sources == ("questionnaire", "questionnaire")
    assert [o.value for o in episode.pain] == [7]


def test_decimal_scores_keep_their_value() -> None:
    p = f.patient()
    f.score(p, 12.5, T0, Source.QUESTIONNAIRE, measure="odi")
    (episode,) = data.episodes([p.pk])[p.pk]
    assert float(episode.function[0].value) == 12.5
    assert episode.visits == () and episode.start is None


def test_patients_without_anything_are_absent_and_others_are_not_mixed() -> None:
    by = f.practitioner()
    a, b, c = f.patient(), f.patient(), f.patient()
    f.course(a, by, [7, 6])
    f.course(b, by, [3], start=T0 + timedelta(hours=2))
    found = data.episodes([a.pk, b.pk, c.pk])
    assert set(found) == {a.pk, b.pk}
    assert [o.value for o in found[b.pk][0].pain] == [3]


def test_back_pain_cohort_and_candidates() -> None:
    by = f.practitioner()
    back, other = f.patient(), f.patient(back_pain=False)
    f.course(back, by, [7])
    f.course(other, by, [7], start=T0 + timedelta(hours=2))
    cohort = data.back_pain_patients()
    assert back in cohort and other not in cohort
    candidates = data.patients_with_visits_between(cohort, T0, T0 + timedelta(days=1))
    assert list(candidates) == [back]
    assert not data.patients_with_visits_between(
        cohort, T0 + timedelta(days=1), T0 + timedelta(days=2)
    ).exists()


def test_the_number_of_queries_does_not_grow_with_patients(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    by = f.practitioner()
    one = f.patient()
    f.course(one, by, [7, 5], [6, 4])
    with django_assert_num_queries(2):
        data.episodes(data.back_pain_patients().filter(pk=one.pk))
    many = [f.patient() for _ in range(8)]
    for i, p in enumerate(many):
        f.course(p, by, [8, 6, 4], [7, 5, 3], start=T0 + timedelta(hours=i + 1))
    ids = [one.pk, *(p.pk for p in many)]
    with django_assert_num_queries(2):
        found = data.episodes(data.back_pain_patients().filter(pk__in=ids))
    assert len(found) == 9
