"""Opening hours as plain data: grouping for display and schema.org rows. No ORM here."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time

from django.utils.translation import gettext_lazy as _

WEEKDAYS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]
SCHEMA_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass(frozen=True)
class Opening:
    weekday: int
    opens: time
    closes: time

    @property
    def day_name(self) -> str:
        return str(WEEKDAYS[self.weekday])


@dataclass(frozen=True)
class OpeningHours:
    openings: tuple[Opening, ...]

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int | str, time, time]]) -> "OpeningHours":
        openings = sorted(
            (Opening(int(day), opens, closes) for day, opens, closes in rows),
            key=lambda o: (o.weekday, o.opens),
        )
        return cls(tuple(openings))

    def by_day(self) -> list[tuple[str, list[Opening]]]:
        """Every weekday in order with its openings (an empty list means closed)."""
        return [
            (str(name), [o for o in self.openings if o.weekday == day])
            for day, name in enumerate(WEEKDAYS)
        ]

    def schema_org(self) -> list[dict[str, str]]:
        return [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": SCHEMA_DAYS[o.weekday],
                "opens": o.opens.strftime("%H:%M"),
                "closes": o.closes.strftime("%H:%M"),
            }
            for o in self.openings
        ]
