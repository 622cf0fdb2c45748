"""Appointment reminders (the notifications work fills this in)."""

from datetime import datetime


def queue_due(now: datetime | None = None) -> int:
    """Queue every reminder that is due and not yet sent; returns how many were queued."""
    return 0
