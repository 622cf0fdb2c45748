"""Spam signals for reader comments, as pure functions: data in, reasons out."""

import re
from dataclasses import dataclass

LINK_RE = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)


def count_links(text: str) -> int:
    return len(LINK_RE.findall(text))


@dataclass(frozen=True)
class SpamSignals:
    honeypot: str
    seconds_to_fill: float | None  # None: the form's start time was missing or forged
    challenge_solved: bool
    link_count: int


def spam_reasons(signals: SpamSignals, *, min_fill_seconds: float, max_links: int) -> list[str]:
    """Why a comment looks automated; an empty list means it does not."""
    reasons = []
    if signals.honeypot.strip():
        reasons.append("honeypot")
    if signals.seconds_to_fill is None:
        reasons.append("no-start-time")
    elif signals.seconds_to_fill < min_fill_seconds:
        reasons.append("too-fast")
    if not signals.challenge_solved:
        reasons.append("no-proof-of-work")
    if signals.link_count > max_links:
        reasons.append("too-many-links")
    return reasons
