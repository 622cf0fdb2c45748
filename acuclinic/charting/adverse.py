"""Adverse events counted for a clinic report (issue 5 D): `per_100_visits` is pure;
`adverse_event_counts` reads the database for a period (the outcome report calls it).

A period counts the visits started in it and the adverse events of those visits (an event
reported later still belongs to the visit it followed).
"""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any


def per_100_visits(events: int, visits: int) -> Decimal | None:
    """Adverse events per 100 visits, to one decimal; None when there were no visits."""
    if isinstance(events, bool) or isinstance(visits, bool):
        raise TypeError("counts are whole numbers")
    if events < 0 or visits < 0:
        raise ValueError("counts are never negative")
    if visits == 0:
        return None
    rate = Decimal(events) * 100 / Decimal(visits)
    return rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def adverse_event_counts(
    start: datetime, end: datetime, practitioner: Any = None
) -> tuple[int, int]:
    """(adverse events, visits) for visits started in [start, end) (aware datetimes),
    optionally one practitioner's (a Practitioner or its id). Two queries."""
    from .models import AdverseEvent, Visit

    visits = Visit.objects.filter(started_at__gte=start, started_at__lt=end)
    if practitioner is not None:
        visits = visits.filter(practitioner=practitioner)
    events = AdverseEvent.objects.filter(visit__in=visits.values("pk"))
    return events.count(), visits.count()
