"""A database that cannot be written (read-only file, full disk, I/O error) answers 503, not 500.

Add after SecurityMiddleware: "acuclinic.faults.middleware.StorageUnavailableMiddleware".
Reads keep working; a write that fails for one of these reasons gets a short page (or JSON for
/api/) asking to try again later, and the error is logged once, without request data.
"""

import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# SQLite's and PostgreSQL's words for "the storage will not take this write".
SIGNS = (
    "readonly database",
    "read-only",
    "database or disk is full",
    "disk i/o error",
    "no space left on device",
    "could not extend file",
)


def storage_unavailable(error: BaseException) -> bool:
    text = str(error).lower()
    return isinstance(error, OperationalError) and any(sign in text for sign in SIGNS)


class StorageUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not storage_unavailable(exception):
            return None
        logger.error("storage unavailable: %s", type(exception).__name__)
        message = _("We cannot save changes just now. Please try again in a few minutes.")
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": message}, status=503)
        else:
            title = escape(_("Temporarily unavailable"))
            response = HttpResponse(
                f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
                f"<body><h1>{title}</h1><p>{escape(message)}</p></body></html>",
                status=503,
            )
        response["Retry-After"] = "120"
        return response
