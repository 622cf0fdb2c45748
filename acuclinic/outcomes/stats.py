"""Rates with confidence intervals and the clinic's summary figures. Pure: no ORM, no request.

A clinic's numbers are small (tens of patients), where the textbook interval p +/- 1.96 SE
goes below 0 or above 1 and is too narrow. The Wilson score interval (Wilson EB, J Am Stat
Assoc 1927;22:209-212) keeps within [0, 1] and covers close to 95% even for small N
(Newcombe RG, Stat Med 1998;17:857-872; Brown, Cai and DasGupta, Stat Sci 2001;16:101-133).
"""

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import NormalDist
from typing import Final

from django.utils.translation import gettext, ngettext

CONFIDENCE: Final = 0.95


def _z(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def _check_counts(n: int, total: int) -> None:
    for name, value in (("n", n), ("N", total)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name} must be a whole number, got {value!r}")
    if not 0 <= n <= total:
        raise ValueError(f"need 0 <= n <= N, got n={n}, N={total}")


def wilson_interval(n: int, total: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The Wilson score interval for n successes out of `total`.

    With no one counted (N = 0) there is no information: the interval is all of [0, 1].
    """
    _check_counts(n, total)
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")
    if total == 0:
        return 0.0, 1.0
    z = _z(confidence)
    p = n / total
    z2n = z * z / total
    centre = (p + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * math.sqrt(p * (1 - p) / total + z2n / (4 * total))
    # At 0 and N the exact ends are 0 and 1; floating point would give 1e-17 or 0.9999...
    low = 0.0 if n == 0 else max(0.0, centre - half)
    high = 1.0 if n == total else min(1.0, centre + half)
    return low, high


@dataclass(frozen=True)
class Rate:
    """n of N with its Wilson interval. `proportion` is None when N is 0."""

    n: int
    total: int
    proportion: float | None
    low: float
    high: float


def rate(n: int, total: int, confidence: float = CONFIDENCE) -> Rate:
    low, high = wilson_interval(n, total, confidence)
    return Rate(n=n, total=total, proportion=n / total if total else None, low=low, high=high)


def _percent(value: float) -> str:
    # Half up (52.5% -> 53%), as a reader rounds; Python's round() would give 52.
    whole = Decimal(repr(value * 100)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{whole}%"


def format_rate(r: Rate) -> str:
    """In plain language: "52% (26 of 50; 95% CI 38%-66%)"; "no patients yet" when N is 0."""
    if r.proportion is None:
        return gettext("no patients yet (0 of 0)")
    return gettext("%(percent)s (%(n)s of %(total)s; 95%% CI %(low)s-%(high)s)") % {
        "percent": _percent(r.proportion),
        "n": r.n,
        "total": r.total,
        "low": _percent(r.low),
        "high": _percent(r.high),
    }


@dataclass(frozen=True)
class VisitsToRespond:
    """The median visit number at which responders first responded. Patients who never
    responded are counted beside it, not folded in as "infinitely many visits"."""

    median: float | None  # None when nobody responded
    responded: int
    never_responded: int


def visits_to_respond(first_response_visit: Iterable[int | None]) -> VisitsToRespond:
    """From each patient's first visit number at which they responded (None: never did)."""
    visits: list[int] = []
    never = 0
    for v in first_response_visit:
        if v is None:
            never += 1
        elif isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"a visit number is a whole number from 1, got {v!r}")
        else:
            visits.append(v)
    return VisitsToRespond(
        median=float(statistics.median(visits)) if visits else None,
        responded=len(visits),
        never_responded=never,
    )


def format_visits_to_respond(v: VisitsToRespond) -> str:
    """E.g. "visits to respond: median 3 (18 patients responded; 7 did not)"."""
    if v.median is None:
        return ngettext(
            "no patient has responded yet (%(never)s patient followed)",
            "no patient has responded yet (%(never)s patients followed)",
            v.never_responded,
        ) % {"never": v.never_responded}
    median = f"{v.median:g}"
    return ngettext(
        "visits to respond: median %(median)s (%(responded)s patient responded; %(never)s did not)",
        "visits to respond: median %(median)s "
        "(%(responded)s patients responded; %(never)s did not)",
        v.responded,
    ) % {"median": median, "responded": v.responded, "never": v.never_responded}


def per_100_visits(events: int, visits: int) -> float | None:
    """Adverse events per 100 visits; None when there were no visits."""
    _check_counts(0, visits)
    if isinstance(events, bool) or not isinstance(events, int) or events < 0:
        raise ValueError(f"events must be a whole number from 0, got {events!r}")
    return None if visits == 0 else events * 100 / visits
