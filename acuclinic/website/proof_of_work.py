"""Self-hosted proof-of-work challenges (ALTCHA), so no third-party service sees our visitors."""

import hashlib
import time
from datetime import timedelta

import altcha
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

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
    return _spend(hashlib.sha256(payload.encode()).hexdigest())


def _spend(digest: str) -> bool:
    """One solution, one comment: remember it until it would have expired anyway."""
    from .models import UsedProofOfWork

    now = timezone.now()
    UsedProofOfWork.objects.filter(expires_at__lt=now).delete()
    try:
        with transaction.atomic():
            UsedProofOfWork.objects.create(
                digest=digest, expires_at=now + timedelta(seconds=CHALLENGE_SECONDS)
            )
    except IntegrityError:
        return False
    return True
