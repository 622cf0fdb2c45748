"""Scoring of the outcome measures: worked examples, boundaries, refusals. No database."""

from fractions import Fraction
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acuclinic.outcomes import scoring
from acuclinic.outcomes.scoring import ScoringError, odi, pgic, promis_pi_6a, psfs, rmdq

# --- NPRS ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 5, 10])
def test_nprs_accepts_whole_numbers_0_to_10(value: int) -> None:
    assert scoring.nprs(value) == value


@pytest.mark.parametrize("value", [-1, 11, 7.0, 7.5, "7", None, True])
def test_nprs_refuses_anything_else_and_names_the_item(value: object) -> None:
    with pytest.raises(ScoringError, match="pain_worst") as error:
        scoring.nprs(value, "pain_worst")
    assert error.value.item == "pain_worst"


def test_nprs_items_are_the_intake_roles() -> None:
    assert list(scoring.NPRS_ITEMS) == ["pain_now", "pain_average", "pain_worst"]


# --- RMDQ ------------------------------------------------------------------------------------


def test_rmdq_counts_ticked_statements() -> None:
    assert rmdq([]) == 0
    assert rmdq({1, 5, 24}) == 3
    assert rmdq(range(1, 25)) == 24


@pytest.mark.parametrize("ticked", [[0], [25], [3, "4"], [2.0], [True]])
def test_rmdq_refuses_numbers_outside_1_to_24(ticked: list[object]) -> None:
    with pytest.raises(ScoringError, match="rmdq item"):
        rmdq(ticked)  # type: ignore[arg-type]


def test_rmdq_refuses_a_statement_ticked_twice() -> None:
    with pytest.raises(ScoringError, match="rmdq item 7: ticked twice"):
        rmdq([7, 3, 7])


def test_rmdq_recovered_at_2_or_less() -> None:
    assert scoring.rmdq_recovered(0)
    assert scoring.rmdq_recovered(2)
    assert not scoring.rmdq_recovered(3)
    with pytest.raises(ScoringError):
        scoring.rmdq_recovered(25)


# --- ODI -------------------------------------------------------------------------------------

SIXTEEN_OVER_TEN = [2, 2, 2, 2, 2, 2, 1, 1, 1, 1]


def test_odi_worked_example_16_over_10_sections_is_32_percent() -> None:
    score = odi(SIXTEEN_OVER_TEN)
    assert (score.total, score.answered, score.percent) == (16, 10, 32.0)
    assert score.exact == 32
    assert score.scorable


def test_odi_worked_example_16_over_9_answered_sections_is_35_6_percent() -> None:
    score = odi([2, 2, 2, 2, 2, 2, 2, 1, 1, None])
    assert (score.total, score.answered, score.percent) == (16, 9, 35.6)
    assert score.exact == Fraction(320, 9)  # 35.555...


def test_odi_two_boxes_ticked_the_higher_counts() -> None:
    score = odi([{1, 3}, 2, 2, 2, 2, 2, 1, 1, 1, 0])
    assert score.total == 16
    assert odi([[], 0, 0, 0, 0, 0, 0, 0, 0, 0]).answered == 9  # no box ticked: skipped


def test_odi_rounds_to_one_decimal() -> None:
    # Over 9 sections the score is 20 x total / 9: 2.222..., 8.888..., 97.777...
    assert odi([1, 0, 0, 0, 0, 0, 0, 0, 0, None]).percent == 2.2
    assert odi([4, 0, 0, 0, 0, 0, 0, 0, 0, None]).percent == 8.9
    assert odi([5, 5, 5, 5, 5, 5, 5, 5, 4, None]).percent == 97.8
    # Over 8 sections it is a multiple of 2.5, kept as it is.
    assert odi([3, 0, 0, 0, 0, 0, 0, 0, None, None]).percent == 7.5


def test_odi_fewer_than_8_answered_is_not_scorable() -> None:
    score = odi([5, 5, 5, 5, 5, 5, 5, None, None, None])
    assert score.percent is None and score.exact is None and not score.scorable
    assert (score.total, score.answered) == (35, 7)
    assert odi([5, 5, 5, 5, 5, 5, 5, 5, None, None]).percent == 100.0


@pytest.mark.parametrize(
    ("sections", "item"),
    [
        ([6, 0, 0, 0, 0, 0, 0, 0, 0, 0], "odi section 1"),
        ([0, 0, -1, 0, 0, 0, 0, 0, 0, 0], "odi section 3"),
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, "2"], "odi section 10"),
        ([0, 0, 0, 0, {1, 9}, 0, 0, 0, 0, 0], "odi section 5"),
        ([0, 0, 0, 0, 0, 0, 2.5, 0, 0, 0], "odi section 7"),
        ([0] * 9, "odi"),
        ([0] * 11, "odi"),
        (dict.fromkeys(range(1, 11), 0), "odi"),
    ],
)
def test_odi_refuses_bad_sections_and_names_them(sections: list[object], item: str) -> None:
    with pytest.raises(ScoringError) as error:
        odi(sections)  # type: ignore[arg-type]
    assert error.value.item == item


section = st.one_of(
    st.none(),
    st.integers(0, 5),
    st.frozensets(st.integers(0, 5), max_size=3),
)


@given(st.lists(section, min_size=10, max_size=10), st.randoms())
def test_odi_is_within_0_100_and_ignores_section_order(
    sections: list[scoring.OdiAnswer], random: Random
) -> None:
    score = odi(sections)
    shuffled = list(sections)
    random.shuffle(shuffled)
    assert odi(shuffled) == score
    if score.percent is None:
        assert score.answered < scoring.ODI_MIN_ANSWERED
    else:
        assert 0 <= score.percent <= 100
        assert score.exact is not None
        assert abs(score.percent - float(score.exact)) <= 0.05


# --- PSFS ------------------------------------------------------------------------------------


def test_psfs_is_the_mean_of_3_to_5_activities() -> None:
    assert psfs([3, 4, 8]) == 5
    assert psfs([0, 10, 5, 5, 6]) == 5.2


def test_psfs_with_an_unrated_activity_is_missing() -> None:
    assert psfs([3, None, 8]) is None


@pytest.mark.parametrize(
    ("ratings", "item"),
    [
        ([1, 2], "psfs"),
        ([1] * 6, "psfs"),
        ([1, 11, 2], "psfs activity 2"),
        ([1, 2, 3.5], "psfs activity 3"),
    ],
)
def test_psfs_refuses_bad_input(ratings: list[object], item: str) -> None:
    with pytest.raises(ScoringError) as error:
        psfs(ratings)  # type: ignore[arg-type]
    assert error.value.item == item


# --- PROMIS PI 6a ----------------------------------------------------------------------------

# A made-up table: the licensed one is not shipped or copied into tests either.
FAKE_TABLE = {raw: 30.0 + raw for raw in range(6, 31)}


def test_promis_raw_score_without_a_table() -> None:
    assert promis_pi_6a([1, 1, 1, 1, 1, 1]) == scoring.PromisScore(raw=6, t_score=None)
    assert promis_pi_6a([5, 5, 5, 5, 5, 5]).raw == 30


def test_promis_t_score_only_with_a_table() -> None:
    assert promis_pi_6a([3, 2, 4, 1, 5, 3], FAKE_TABLE) == scoring.PromisScore(18, 48.0)


def test_promis_missing_item_is_not_prorated() -> None:
    assert promis_pi_6a([3, 2, None, 1, 5, 3], FAKE_TABLE) == scoring.PromisScore(None, None)


def test_promis_refuses_bad_items_and_incomplete_tables() -> None:
    with pytest.raises(ScoringError, match="promis-pi-6a item 4"):
        promis_pi_6a([3, 2, 4, 0, 5, 3])
    with pytest.raises(ScoringError, match="expected 6 items"):
        promis_pi_6a([3, 2, 4])
    partial = {k: v for k, v in FAKE_TABLE.items() if k != 17}
    with pytest.raises(ScoringError, match="raw score 17"):
        promis_pi_6a([3, 2, 4, 1, 5, 3], partial)


# --- PGIC and the measure data ---------------------------------------------------------------


def test_pgic_seven_points_with_improved_at_much_better_or_more() -> None:
    assert list(scoring.PGIC_CHOICES) == [1, 2, 3, 4, 5, 6, 7]
    assert str(scoring.PGIC_CHOICES[1]) == "Very much better"
    assert [scoring.pgic_improved(v) for v in range(1, 8)] == [True, True] + [False] * 5
    with pytest.raises(ScoringError, match="pgic"):
        pgic(0)


def test_minimal_important_changes_are_those_of_domain_md() -> None:
    m = scoring.MEASURES
    assert (m["nprs"].mic_points, m["nprs"].mic_percent) == (2, 30)
    assert (m["rmdq"].mic_points, m["rmdq"].mic_percent) == (5, 30)
    assert (m["odi"].mic_points, m["odi"].mic_percent) == (10, 30)
    assert (m["psfs"].mic_points, scoring.PSFS_MIC_SINGLE_ACTIVITY) == (2, 3)
    assert m["promis-pi-6a"].mic_points is None and not m["promis-pi-6a"].mic_verified
    assert m["psfs"].higher_is_better and not m["nprs"].higher_is_better
