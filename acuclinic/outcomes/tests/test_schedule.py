"""The schedule of function questionnaires: worked examples and properties (hypothesis)."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from acuclinic.outcomes import schedule
from acuclinic.outcomes.schedule import Kind

KEYS = ("outcome-rmdq", "outcome-psfs", "outcome-pgic")
D = date(2027, 3, 1)


def test_first_visit_every_fourth_discharge_and_follow_ups() -> None:
    visits = [D + timedelta(weeks=w) for w in range(9)]  # 9 weekly visits
    found = schedule.points(visits, discharged=date(2027, 5, 31))
    assert [(p.kind, p.due, p.visit, p.months) for p in found] == [
        (Kind.FIRST_VISIT, D, 1, None),
        (Kind.VISIT, D + timedelta(weeks=3), 4, None),
        (Kind.VISIT, D + timedelta(weeks=7), 8, None),
        (Kind.DISCHARGE, date(2027, 5, 31), None, None),
        (Kind.FOLLOW_UP, date(2027, 8, 31), None, 3),
        (Kind.FOLLOW_UP, date(2027, 11, 30), None, 6),  # 31 May + 6 months: 30 November
    ]


def test_due_today_until_answered_and_never_after_the_window() -> None:
    visits = [D]
    assert [d.key for d in schedule.due(visits, {}, D)] == ["outcome-rmdq", "outcome-psfs"]
    answered = {"outcome-rmdq": [D - timedelta(days=1)]}  # the evening before counts
    assert [d.key for d in schedule.due(visits, answered, D)] == ["outcome-psfs"]
    assert schedule.due(visits, {}, D + schedule.VISIT_WINDOW + timedelta(days=1)) == []
    assert schedule.due(visits, {}, D - timedelta(days=1)) == []
    # The impression of change is asked from the fourth visit on, and only what is loaded.
    four = [D + timedelta(weeks=w) for w in range(4)]
    due = schedule.due(four, {}, four[-1], offered=["outcome-psfs", "outcome-pgic"])
    assert [(d.key, d.point.visit) for d in due] == [("outcome-psfs", 4), ("outcome-pgic", 4)]


days = st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31))


@given(
    visits=st.lists(days, max_size=20),
    discharged=st.none() | days,
    today=days,
    answers=st.dictionaries(st.sampled_from(KEYS), st.lists(days, max_size=5)),
)
def test_properties(visits, discharged, today, answers) -> None:  # type: ignore[no-untyped-def]
    due = schedule.due(visits, answers, today, discharged=discharged, keys=KEYS)
    keys = [d.key for d in due]
    assert len(keys) == len(set(keys))  # one entry per questionnaire
    for d in due:
        assert d.point.due <= today <= d.point.until  # open today
        assert not any(d.point.counts(day) for day in answers.get(d.key, []))
        if d.point.kind is Kind.FIRST_VISIT:
            assert d.key != "outcome-pgic"
    if not visits:
        assert due == []
    found = schedule.points(visits, discharged)
    visit_points = [p for p in found if p.visit is not None]
    assert len(visit_points) == (0 if not visits else 1 + len(visits) // 4)
    # Answering everything due, today, leaves nothing due today.
    more = {k: [*answers.get(k, []), today] for k in KEYS}
    assert schedule.due(visits, more, today, discharged=discharged, keys=KEYS) == []
    # An answer never makes something due that was not.
    for key in KEYS:
        extra = {**answers, key: [*answers.get(key, []), today - timedelta(days=2)]}
        after = schedule.due(visits, extra, today, discharged=discharged, keys=KEYS)
        assert {d.key for d in after} <= set(keys)
    # Offering fewer questionnaires only removes entries.
    assert schedule.due(
        visits, answers, today, discharged=discharged, keys=KEYS, offered=KEYS[1:]
    ) == [d for d in due if d.key != KEYS[0]]


@given(day=days, months=st.integers(0, 30))
def test_add_months_lands_in_the_right_month(day, months) -> None:  # type: ignore[no-untyped-def]
    later = schedule.add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day == day.day or (later.day < day.day and (later + timedelta(days=1)).day == 1)


# --- which discharge applies (schedule.current_discharge) --------------------------------------


def test_the_latest_discharge_on_or_after_the_last_visit_applies() -> None:
    visits = [D, D + timedelta(weeks=1), D + timedelta(weeks=2)]
    last = visits[-1]
    assert schedule.current_discharge(visits, []) is None
    assert schedule.current_discharge(visits, [last]) == last  # discharged at the last visit
    later = last + timedelta(days=10)
    assert schedule.current_discharge(visits, [last, later]) == later
    assert schedule.current_discharge([], [later]) is None  # no course to leave
    # The patient came back after the discharge: a new course, the discharge no longer applies.
    came_back = [*visits, later + timedelta(weeks=6)]
    assert schedule.current_discharge(came_back, [later]) is None
    # ... until the new course ends with a discharge of its own.
    end = later + timedelta(weeks=9)
    assert schedule.current_discharge(came_back, [later, end]) == end


def test_a_visit_after_the_discharge_cancels_its_follow_ups() -> None:
    visits = [D + timedelta(weeks=w) for w in range(3)]
    discharged = visits[-1] + timedelta(days=2)
    three_months = schedule.add_months(discharged, 3)
    applies = schedule.current_discharge(visits, [discharged])
    due = schedule.due(visits, {}, three_months, discharged=applies, keys=KEYS)
    assert [(d.key, d.point.kind, d.point.months) for d in due] == [
        ("outcome-rmdq", Kind.FOLLOW_UP, 3),
        ("outcome-psfs", Kind.FOLLOW_UP, 3),
        ("outcome-pgic", Kind.FOLLOW_UP, 3),
    ]
    back = [*visits, discharged + timedelta(weeks=5)]  # visit 4: due that day, as visit 4
    applies = schedule.current_discharge(back, [discharged])
    assert applies is None
    assert schedule.due(back, {}, three_months, discharged=applies, keys=KEYS) == []


@given(visits=st.lists(days, max_size=12), discharges=st.lists(days, max_size=4))
def test_current_discharge_properties(visits, discharges) -> None:  # type: ignore[no-untyped-def]
    found = schedule.current_discharge(visits, discharges)
    if found is None:
        assert not visits or all(d < max(visits) for d in discharges)
    else:
        assert found in discharges
        assert all(v <= found for v in visits)  # no visit after the discharge that applies
        assert found == max(discharges)  # nothing later was left out
        # So its points always follow the course: a discharge point and both follow-ups.
        kinds = [p.kind for p in schedule.points(visits, found)]
        assert kinds.count(Kind.DISCHARGE) == 1 and kinds.count(Kind.FOLLOW_UP) == 2
