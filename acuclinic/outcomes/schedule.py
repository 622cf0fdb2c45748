"""When a patient is asked for the function questionnaires (issue 7 B). Pure: no ORM.

The function measure (RMDQ or ODI, the clinic's choice) with the Patient-Specific Functional
Scale is asked at the first visit, at every fourth visit (4, 8, 12...), at discharge, and 3
and 6 months after discharge; the global impression of change at each of those but the first
(there is no change to judge yet). The pain rating before and after each visit is charting's.

Each time point opens on its day (`due`) and stays open for a window; an answer given in it
(or a few days before, e.g. the evening before a visit) satisfies it. A point nobody answered
closes and stays missing: it is never filled in later.

Nothing is stored: what is due is computed from the attended visits, the discharge that
applies (`current_discharge`; recorded at the desk as models.Discharge) and the answers
given, so a reminder sent (notifications outbox, one per due date) is the only record.
"""

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Final

EVERY_NTH_VISIT: Final = 4
EARLY: Final = timedelta(days=3)  # an answer this long before the day counts for it
VISIT_WINDOW: Final = timedelta(days=14)
FOLLOW_UP_WINDOW: Final = timedelta(days=30)
FOLLOW_UP_MONTHS: Final = (3, 6)


class Kind(StrEnum):
    FIRST_VISIT = "first-visit"
    VISIT = "visit"
    DISCHARGE = "discharge"
    FOLLOW_UP = "follow-up"


@dataclass(frozen=True)
class Point:
    kind: Kind
    due: date
    until: date  # the last day it can be answered
    visit: int | None = None  # the visit number, for visit points
    months: int | None = None  # months after discharge, for follow-ups

    def counts(self, answered_on: date) -> bool:
        """Whether an answer given that day satisfies this point."""
        return self.due - EARLY <= answered_on <= self.until


@dataclass(frozen=True)
class Due:
    key: str
    point: Point


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 Aug + 3 months = 30 Nov)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def current_discharge(visits: Iterable[date], discharges: Iterable[date]) -> date | None:
    """The discharge that applies, of the days a patient was discharged (undone ones left out),
    given the days of their attended visits; None when none applies.

    The rule: the latest discharge on or after the last attended visit counts. A visit after
    a discharge means the patient came back: a new course began, that discharge and its
    follow-ups no longer apply, and the new course ends with a discharge of its own. A
    discharge on the day of the last visit counts (discharged at that visit). With no
    attended visit there is no course to be discharged from, so nothing applies.
    """
    last = max(visits, default=None)
    if last is None:
        return None
    return max((day for day in discharges if day >= last), default=None)


def points(visits: Iterable[date], discharged: date | None = None) -> list[Point]:
    """Every time point, in order of due date. `visits`: the days of attended visits."""
    days = sorted(visits)
    result = [
        Point(Kind.FIRST_VISIT if n == 1 else Kind.VISIT, day, day + VISIT_WINDOW, visit=n)
        for n, day in enumerate(days, start=1)
        if n == 1 or n % EVERY_NTH_VISIT == 0
    ]
    if discharged is not None and days and discharged >= days[0]:
        result.append(Point(Kind.DISCHARGE, discharged, discharged + VISIT_WINDOW))
        for months in FOLLOW_UP_MONTHS:
            day = add_months(discharged, months)
            result.append(Point(Kind.FOLLOW_UP, day, day + FOLLOW_UP_WINDOW, months=months))
    return sorted(result, key=lambda p: (p.due, p.kind != Kind.FIRST_VISIT))


def keys_for(point: Point, function_key: str, psfs_key: str, pgic_key: str) -> tuple[str, ...]:
    """The questionnaires a point asks for."""
    if point.kind is Kind.FIRST_VISIT:
        return (function_key, psfs_key)
    return (function_key, psfs_key, pgic_key)


def due(
    visits: Sequence[date],
    answered: Mapping[str, Iterable[date]],
    today: date,
    *,
    discharged: date | None = None,
    keys: tuple[str, str, str] = ("outcome-rmdq", "outcome-psfs", "outcome-pgic"),
    offered: Iterable[str] | None = None,
) -> list[Due]:
    """The questionnaires due today: a point open today whose questionnaire has no answer in
    its window. One entry per questionnaire (the earliest open point), in due order.

    `answered`: questionnaire key -> the days it was answered. `keys`: (function measure,
    PSFS, impression of change). `offered`: only these keys (those the clinic has loaded).
    """
    allowed = None if offered is None else set(offered)
    given = {key: sorted(set(days)) for key, days in answered.items()}
    found: dict[str, Due] = {}
    for point in points(visits, discharged):
        if not point.due <= today <= point.until:
            continue
        for key in keys_for(point, *keys):
            if key in found or (allowed is not None and key not in allowed):
                continue
            if any(point.counts(day) for day in given.get(key, ())):
                continue
            found[key] = Due(key, point)
    return sorted(found.values(), key=lambda d: (d.point.due, keys.index(d.key)))
