"""A whole-page cache for anonymous visitors that never serves a stale page.

Pages opt in with `mark_cacheable(request)`. Entries are keyed by the content version (one
indexed row, see ContentVersion), so a publish, a settings change or an approved comment shows
at once in every process. Per-visitor values (the CSRF token, the comment form's start time)
are rendered as placeholders and filled in on every response, cached or not.
"""

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac

from .models.comments import ContentVersion

# Cookies that mean the page may differ for this visitor: signed-in users, pending messages,
# and a commenter whose name and e-mail are remembered.
PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, "messages", "comment_author")
FORM_STARTED_SALT = "acuclinic.comment-form-started"
# Paths that are never public pages: skip even the version lookup there.
SKIP_PREFIXES = (
    "/cms/",
    "/desk/",
    "/admin/",
    "/accounts/",
    "/portal/",
    "/book/",
    "/api/",
    "/comments/",
    "/bench/",
    "/static/",
    "/media/",
    "/documents/",
    "/healthz",
)


def _placeholder(name: str) -> str:
    # Derived from SECRET_KEY so a visitor cannot type one into a comment.
    digest = salted_hmac("acuclinic.placeholder", name, algorithm="sha256").hexdigest()
    return f"ph-{name}-{digest[:20]}"


CSRF_PLACEHOLDER = _placeholder("csrf")
FORM_STARTED_PLACEHOLDER = _placeholder("form-started")


def form_started_token() -> str:
    return signing.Signer(salt=FORM_STARTED_SALT).sign(f"{time.time():.3f}")


def _fill_placeholders(content: bytes, request: HttpRequest) -> bytes:
    if CSRF_PLACEHOLDER.encode() in content:
        content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    if FORM_STARTED_PLACEHOLDER.encode() in content:
        content = content.replace(FORM_STARTED_PLACEHOLDER.encode(), form_started_token().encode())
    return content


def mark_cacheable(request: HttpRequest) -> None:
    request.acuclinic_cacheable = True  # type: ignore[attr-defined]


def _cache_key(request: HttpRequest, version: int) -> str:
    # Hashed: a visitor's query string can be long and hold anything; cache keys may not.
    address = f"{request.get_host()}{request.get_full_path()}".encode()
    return f"page:{version}:{hashlib.sha256(address).hexdigest()}"


class PublicPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        eligible = (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and not request.path.startswith(SKIP_PREFIXES)
            and not any(name in request.COOKIES for name in PERSONAL_COOKIES)
        )
        if not eligible:
            return self._filled(self.get_response(request), request)

        key = _cache_key(request, ContentVersion.current())
        cached = cache.get(key)
        if cached is not None:
            content, headers = cached
            response = HttpResponse(_fill_placeholders(content, request))
            for name, value in headers:
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response

        response = self.get_response(request)
        if (
            getattr(request, "acuclinic_cacheable", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
        ):
            # The body's length changes when placeholders are filled: never store it.
            skip = {"set-cookie", "content-length"}
            headers = [(k, v) for k, v in response.items() if k.lower() not in skip]
            cache.set(key, (response.content, headers), settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return self._filled(response, request)

    @staticmethod
    def _filled(response: HttpResponse, request: HttpRequest) -> HttpResponse:
        if not response.streaming and response.get("Content-Type", "").startswith("text/html"):
            response.content = _fill_placeholders(response.content, request)
        return response
