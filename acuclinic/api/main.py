"""The JSON API under /api/ (django-ninja; OpenAPI schema at /api/openapi.json, docs at /api/docs).

Every refusal is JSON with a `detail`: 422 for malformed input (a list of field errors, as
ninja gives them), 400 for a time that cannot be booked, 409 for a time just taken (with the
nearest free times), 429 for too many requests, 503 when the database stays busy.
"""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import Throttled, ValidationError

from acuclinic.scheduling import booking

from . import embed, endpoints, present
from .cors import allow_any_origin

DESCRIPTION = """Book appointments at the clinic from another site or a script.

No authentication: anyone may read services and free times and book one; a booking is
cancelled with the token from the patient's own manage link. Nothing here lists appointments
or patients. Times are ISO 8601: `start`/`end` in UTC, `local_start` with the location's
offset. Send `Idempotency-Key` with POST /api/bookings to make a retried request safe.
CORS allows any origin; no cookies are used, so no CSRF token is needed.
"""


class BookingAPI(NinjaAPI):
    """Ninja's API with CORS on its routes (a view wrapper, so preflight OPTIONS is answered
    before ninja would refuse the method)."""

    def _get_urls(self) -> list[URLPattern | URLResolver]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern) and pattern.name not in embed.URL_NAMES:
                pattern.callback = allow_any_origin(pattern.callback)
        return urls


api = BookingAPI(
    title="acuclinic booking API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
)
api.add_router("", endpoints.router)
api.add_router("", embed.router)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """Ninja's 422 with `loc` as ["body", field] (without the Python argument's name) and
    never the rejected value: what a patient typed is not echoed back."""
    errors = []
    for item in error.errors:
        loc = list(item.get("loc", ()))
        if len(loc) >= 2 and loc[0] == "body" and loc[1] == "payload":
            del loc[1]
        errors.append({"loc": loc, "msg": str(item.get("msg", "")), "type": item.get("type", "")})
    return api.create_response(request, {"detail": errors}, status=422)


@api.exception_handler(booking.SlotTaken)
def _taken(request: HttpRequest, error: booking.SlotTaken) -> HttpResponse:
    body = {"detail": error.message, "alternatives": present.slots(error.alternatives)}
    return api.create_response(request, body, status=409)


@api.exception_handler(booking.Busy)
def _busy(request: HttpRequest, error: booking.Busy) -> HttpResponse:
    response = api.create_response(request, {"detail": error.message}, status=503)
    response["Retry-After"] = "2"
    return response


@api.exception_handler(booking.BookingError)
def _not_bookable(request: HttpRequest, error: booking.BookingError) -> HttpResponse:
    return api.create_response(request, {"detail": error.message}, status=400)


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, error: Throttled) -> HttpResponse:
    message = _("Too many requests from your address; please wait a minute and try again.")
    return api.create_response(request, {"detail": message}, status=429)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
    return api.create_response(request, {"detail": _("The request is too large.")}, status=413)
