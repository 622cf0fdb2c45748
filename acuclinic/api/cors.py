"""CORS for the API: any site may call it from a browser (the embed snippet does).

No credentials are involved (no cookies, no auth), so `*` is safe: a browser never sends the
visitor's session to the API on another site's behalf.
"""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, HttpResponseBase

ALLOWED_HEADERS = "Content-Type, Idempotency-Key"


def allow_any_origin(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Answer preflight requests and add the CORS headers to every response of `view`.

    `wraps` copies the view's attributes, ninja's `csrf_exempt` among them.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        if request.method == "OPTIONS":
            response: HttpResponseBase = HttpResponse(status=204)
            response["Allow"] = "GET, POST, OPTIONS"
        else:
            response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response["Access-Control-Expose-Headers"] = "Retry-After"
        response["Access-Control-Max-Age"] = "86400"
        return response

    return wrapped
