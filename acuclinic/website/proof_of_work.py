"""Self-hosted proof-of-work challenges (ALTCHA), so no third-party service sees our visitors."""

import hashlib
import time

import altcha
from django.conf import settings
from django.core.cache import cache

ALGORITHM = "PBKDF2/SHA-256"
CHALLENGE_SECONDS = 20 * 60


def new_challenge() -> dict:
    challenge = altcha.create_challenge(
        ALGORITHM,
        settings.ALTCHA_COST,
        expires_at=int(time.time()) + CHALLENGE_SECONDS,
        hmac_secret=settings.ALTCHA_HMAC_KEY,
    )
    return challenge.to_dict()


def verify(payload: str) -> bool:
    """True for a fresh, correct solution that has not been used before."""
    if not payload:
        return False
    try:
        result = altcha.verify_solution(payload, settings.ALTCHA_HMAC_KEY)
    except (ValueError, TypeError, KeyError):
        return False
    if not result.verified:
        return False
    # One solution, one comment: remember it until it would have expired anyway.
    digest = hashlib.sha256(payload.encode()).hexdigest()
    return cache.add(f"altcha-used:{digest}", 1, CHALLENGE_SECONDS)
