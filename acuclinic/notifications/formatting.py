"""Times as the clinic says them: local to the appointment's location, with the zone's name."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.utils import dateformat
from django.utils.translation import pgettext


def when(instant: datetime, zone: ZoneInfo) -> str:
    """E.g. "Tuesday 10 March 2026, 9:00 AM MDT": the zone's abbreviation for that date, so a
    time after a daylight-saving change names the right offset."""
    # Translators: Django date format (l day, j date, F month, g:i A time, T zone name).
    pattern = pgettext("date and time in e-mails", "l j F Y, g:i A T")
    return dateformat.format(instant.astimezone(zone), pattern)


def clock(instant: datetime, zone: ZoneInfo) -> str:
    """Just the time of day, e.g. "10:00 AM MDT" (the end of an appointment)."""
    pattern = pgettext("time in e-mails", "g:i A T")
    return dateformat.format(instant.astimezone(zone), pattern)


def utc_key(instant: datetime) -> str:
    """One spelling per instant, whatever zone the datetime carries (for dedupe keys)."""
    return instant.astimezone(UTC).isoformat()
