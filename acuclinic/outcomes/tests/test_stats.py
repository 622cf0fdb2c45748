"""Wilson intervals, rates in plain language, visits to respond, adverse-event rates."""

from decimal import Decimal, localcontext

import pytest
from django.utils import translation
from hypothesis import assume, given
from hypothesis import strategies as st

from acuclinic.outcomes import stats
from acuclinic.outcomes.stats import Rate, rate, wilson_interval

# --- Wilson ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "total", "low", "high"),
    [
        (0, 10, 0.0, 0.2775),
        (5, 10, 0.2366, 0.7634),
        (10, 10, 0.7225, 1.0),
        (47, 100, 0.3751, 0.5671),
        # Newcombe, Stat Med 1998;17:857-872, table I, method 3 (score interval):
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_known_values(n: int, total: int, low: float, high: float) -> None:
    got = wilson_interval(n, total)
    assert got == pytest.approx((low, high), abs=5e-5)


def test_wilson_ends_are_exact_at_0_and_n() -> None:
    assert wilson_interval(0, 7)[0] == 0.0
    assert wilson_interval(7, 7)[1] == 1.0


def wilson_decimal(n: int, total: int) -> tuple[Decimal, Decimal]:
    """The closed formula at 40 digits, written independently of the module's arrangement:
    (2np + z^2 -/+ z sqrt(z^2 + 4np(1-p))) / (2(n + z^2))."""
    with localcontext() as ctx:
        ctx.prec = 40
        z = Decimal("1.959963984540054235524594430520551527955")  # Phi^-1(0.975)
        nn, p = Decimal(total), Decimal(n) / Decimal(total)
        root = z * (z * z + 4 * nn * p * (1 - p)).sqrt()
        denominator = 2 * (nn + z * z)
        return (2 * nn * p + z * z - root) / denominator, (2 * nn * p + z * z + root) / denominator


@pytest.mark.parametrize(("n", "total"), [(26, 50), (3, 17), (999, 1000), (1, 1)])
def test_wilson_matches_the_closed_formula_at_high_precision(n: int, total: int) -> None:
    low, high = wilson_decimal(n, total)
    assert wilson_interval(n, total) == pytest.approx((float(low), float(high)), abs=1e-12)


def test_wilson_with_nobody_counted_is_all_of_0_1() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)


@pytest.mark.parametrize(("n", "total"), [(-1, 5), (6, 5), (1.0, 5), (1, True), (0, -1)])
def test_wilson_refuses_impossible_counts(n: object, total: object) -> None:
    with pytest.raises(ValueError):
        wilson_interval(n, total)  # type: ignore[arg-type]


def test_wilson_other_confidence_is_wider_at_99() -> None:
    low95, high95 = wilson_interval(26, 50)
    low99, high99 = wilson_interval(26, 50, 0.99)
    assert low99 < low95 and high99 > high95
    with pytest.raises(ValueError, match="confidence"):
        wilson_interval(26, 50, 95)


counts = st.integers(1, 5_000).flatmap(
    lambda total: st.tuples(st.integers(0, total), st.just(total))
)


@given(counts)
def test_wilson_contains_the_proportion_within_0_1(nt: tuple[int, int]) -> None:
    n, total = nt
    low, high = wilson_interval(n, total)
    assert 0 <= low <= n / total <= high <= 1


@given(st.integers(0, 20), st.integers(1, 20), st.integers(2, 50))
def test_wilson_narrows_as_n_grows_with_the_same_proportion(k: int, m: int, factor: int) -> None:
    assume(k <= m)
    small = wilson_interval(k, m)
    large = wilson_interval(k * factor, m * factor)
    assert large[1] - large[0] < small[1] - small[0]


# --- Rate ------------------------------------------------------------------------------------


def test_rate_carries_n_total_proportion_and_interval() -> None:
    r = rate(26, 50)
    assert (r.n, r.total, r.proportion) == (26, 50, 0.52)
    assert (r.low, r.high) == wilson_interval(26, 50)
    assert rate(0, 0) == Rate(n=0, total=0, proportion=None, low=0.0, high=1.0)


def test_format_rate_in_plain_language() -> None:
    with translation.override("en"):
        assert stats.format_rate(rate(26, 50)) == "52% (26 of 50; 95% CI 39%-65%)"
        assert stats.format_rate(rate(0, 10)) == "0% (0 of 10; 95% CI 0%-28%)"
        assert stats.format_rate(rate(10, 10)) == "100% (10 of 10; 95% CI 72%-100%)"
        assert stats.format_rate(rate(0, 0)) == "no patients yet (0 of 0)"


def test_format_rate_rounds_half_up() -> None:
    with translation.override("en"):
        # 21/40 = 52.5%: half up gives 53%, where round() would give 52.
        assert stats.format_rate(rate(21, 40)).startswith("53% (21 of 40;")


# --- visits to respond -----------------------------------------------------------------------


def test_visits_to_respond_counts_non_responders_beside_the_median() -> None:
    v = stats.visits_to_respond([1, 3, None, 2, None, 6])
    assert v == stats.VisitsToRespond(median=2.5, responded=4, never_responded=2)
    with translation.override("en"):
        assert stats.format_visits_to_respond(v) == (
            "visits to respond: median 2.5 (4 patients responded; 2 did not)"
        )


def test_visits_to_respond_when_nobody_responded_has_no_median() -> None:
    v = stats.visits_to_respond([None, None])
    assert v == stats.VisitsToRespond(median=None, responded=0, never_responded=2)
    assert stats.visits_to_respond([]) == stats.VisitsToRespond(None, 0, 0)
    with translation.override("en"):
        assert stats.format_visits_to_respond(v) == (
            "no patient has responded yet (2 patients followed)"
        )
        one = stats.visits_to_respond([1])
        assert stats.format_visits_to_respond(one) == (
            "visits to respond: median 1 (1 patient responded; 0 did not)"
        )


@pytest.mark.parametrize("visit", [0, -1, 1.5, True])
def test_visits_to_respond_refuses_non_visit_numbers(visit: object) -> None:
    with pytest.raises(ValueError):
        stats.visits_to_respond([2, visit])  # type: ignore[list-item]


# --- adverse events --------------------------------------------------------------------------


def test_adverse_events_per_100_visits() -> None:
    assert stats.per_100_visits(3, 250) == 1.2
    assert stats.per_100_visits(0, 40) == 0
    assert stats.per_100_visits(0, 0) is None
    with pytest.raises(ValueError):
        stats.per_100_visits(-1, 10)
