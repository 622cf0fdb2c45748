"""Storage that will not take a write (a read-only database, a full disk, an I/O error) answers
503, not 500.

Add after SecurityMiddleware: "acuclinic.faults.middleware.StorageUnavailableMiddleware".
Reads keep working; a request whose write fails for one of these reasons gets a short page (or
JSON for /api/) asking to try again later, with Retry-After, and the error is logged once,
without request data. Recognised:

- SQLite: "attempt to write a readonly database", "database or disk is full", "disk I/O error"
  (a write past the end of the disk or of the file-size limit comes back as one of these);
- PostgreSQL, by SQLSTATE: 25006 read-only transaction (a standby, or
  default_transaction_read_only), 53100 disk full, 58030 I/O error;
- file writes (uploads, anything written under var/): OSError ENOSPC (no space left),
  EFBIG (file too large for the file-size limit), EDQUOT (quota), EROFS (read-only mount).
  An upload cut off in its temporary file is deleted at once (patients/storage.py removes
  one cut off in the private folder).

A failure in the view reaches `process_exception`. One raised later, by a middleware inside
this one (the session saved on the way out), has been turned into a 500 by then: Django's
got_request_exception signal marks the request, and the 500 is replaced here.
"""

import contextlib
import errno
import logging
import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import DatabaseError, OperationalError
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
# PostgreSQL's codes for the same: read-only transaction, disk full, I/O error.
SQLSTATES = {"25006", "53100", "58030"}
# A file write refused: no space, past the file-size limit, over quota, a read-only mount.
ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS}

MARK = "_acuclinic_storage_unavailable"


def storage_unavailable(error: BaseException) -> bool:
    if isinstance(error, OSError):
        return error.errno in ERRNOS
    if not isinstance(error, DatabaseError):
        return False
    if getattr(error.__cause__, "sqlstate", None) in SQLSTATES:
        return True
    text = str(error).lower()
    return isinstance(error, OperationalError) and any(sign in text for sign in SIGNS)


def _mark(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """got_request_exception, sent while the exception is being handled."""
    error = sys.exc_info()[1]
    if request is not None and error is not None and storage_unavailable(error):
        setattr(request, MARK, type(error).__name__)


got_request_exception.connect(_mark, dispatch_uid="acuclinic.faults.storage_unavailable")


def drop_partial_uploads(request: HttpRequest) -> None:
    """An upload cut off by the failed write may sit half-written in a temporary file, kept
    open by the failed parse until the garbage collector comes by: close it (which deletes
    it) now, for the room it takes."""
    for handler in getattr(request, "_upload_handlers", None) or []:
        partial = getattr(handler, "file", None)
        if partial is not None:
            with contextlib.suppress(OSError):
                partial.close()


def unavailable(request: HttpRequest) -> HttpResponse:
    """The 503: a sentence for people, JSON under /api/, and when to try again."""
    drop_partial_uploads(request)
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


class StorageUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, MARK, None):
            # Logged already (by django.request, with the traceback) as the 500 it was.
            return unavailable(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not storage_unavailable(exception):
            return None
        logger.error("storage unavailable: %s", type(exception).__name__)
        return unavailable(request)
