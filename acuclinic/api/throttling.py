"""A per-address limit on the API's writes, read from settings at each request.

`API_BOOKING_RATE` is ninja's rate syntax ("30/min", "500/hour"); empty or None turns it off.
The counts live in Django's cache, so every web process shares them when the cache is shared
(Redis); with the per-process memory cache each process counts on its own.
"""

import threading

from django.conf import settings
from django.http import HttpRequest
from ninja.conf import settings as ninja_settings
from ninja.throttling import AnonRateThrottle, BaseThrottle

DEFAULT_RATE = "30/min"


class _PerAddress(AnonRateThrottle):
    scope = "acuclinic-api-write"

    def get_ident(self, request: HttpRequest) -> str | None:
        # Ninja trusts X-Forwarded-For unless NINJA_NUM_PROXIES is set, so anyone could dodge
        # the limit with a made-up header. Only a configured proxy count makes it count.
        if ninja_settings.NUM_PROXIES is None:
            return request.META.get("REMOTE_ADDR")
        return super().get_ident(request)


class WriteThrottle(BaseThrottle):
    """Ninja shares one throttle object between threads and keeps per-request state on it; a
    fresh counter per request (kept in a thread-local for `wait`) avoids mixing requests."""

    def __init__(self) -> None:
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        rate = getattr(settings, "API_BOOKING_RATE", DEFAULT_RATE)
        if not rate:
            self._local.counter = None
            return True
        self._local.counter = _PerAddress(rate)
        return self._local.counter.allow_request(request)

    def wait(self) -> float | None:
        counter = getattr(self._local, "counter", None)
        return counter.wait() if counter is not None else None
