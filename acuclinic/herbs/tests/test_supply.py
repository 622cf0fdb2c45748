from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from acuclinic.herbs.supply import FINISHED_NOTICE, supply

MON = date(2031, 3, 3)


def test_a_week_of_herbs() -> None:
    week = supply(MON, 7, MON)
    assert (week.day, week.last_day, week.finished) == (1, date(2031, 3, 9), False)
    assert supply(MON, 7, MON + timedelta(days=6)).day == 7
    after = supply(MON, 7, MON + timedelta(days=7))
    assert (after.day, after.finished, after.worth_mentioning) == (None, True, True)
    quiet = supply(MON, 7, date(2031, 3, 9) + FINISHED_NOTICE + timedelta(days=1))
    assert not quiet.worth_mentioning
    early = supply(MON, 7, MON - timedelta(days=1))  # issued for a later start
    assert (early.day, early.finished, early.worth_mentioning) == (None, False, False)
    assert supply(MON, 0, MON).days == 1


@given(days=st.integers(1, 120), offset=st.integers(-30, 200))
def test_a_day_number_only_within_the_supply(days: int, offset: int) -> None:
    found = supply(MON, days, MON + timedelta(days=offset))
    if 0 <= offset < days:
        assert found.day == offset + 1 and not found.finished
    else:
        assert found.day is None
        assert found.finished == (offset >= days)
