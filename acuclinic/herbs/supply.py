"""Where a patient is in their herbal supply today: day 3 of 7, or finished. Pure.

The supply starts on the day it was handed over (the dispensing record) or, when the clinic
does not record dispensing, on the day the prescription was issued; one packet (or one day's
granules) a day. This drives the portal's reminder; it does not know whether a dose was taken.
"""

from dataclasses import dataclass
from datetime import date, timedelta

# After the supply ends, the portal keeps saying so this long (then the card goes quiet).
FINISHED_NOTICE = timedelta(days=14)


@dataclass(frozen=True)
class Supply:
    first_day: date
    last_day: date
    days: int
    today: date

    @property
    def day(self) -> int | None:
        """Today's day of the supply (1 = the first), None before it starts or after it ends."""
        number = (self.today - self.first_day).days + 1
        return number if 1 <= number <= self.days else None

    @property
    def finished(self) -> bool:
        return self.today > self.last_day

    @property
    def worth_mentioning(self) -> bool:
        """Running, or ended less than FINISHED_NOTICE ago (a to-do for the portal home)."""
        return self.day is not None or (
            self.finished and self.today - self.last_day <= FINISHED_NOTICE
        )


def supply(started: date, days: int, today: date) -> Supply:
    """The supply of `days` days begun on `started` (days below 1 count as 1)."""
    days = max(days, 1)
    return Supply(
        first_day=started, last_day=started + timedelta(days=days - 1), days=days, today=today
    )
