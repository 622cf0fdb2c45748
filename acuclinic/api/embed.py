"""/api/embed/: the "Book online" snippet to paste into another site, one per service, for staff.

Served by the API's router because /api/ is this app's only mount point; kept out of the
OpenAPI schema and out of CORS (it is a page, not an endpoint).
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.defaults import permission_denied
from ninja import Router

from acuclinic.scheduling.models import Service

router = Router()
URL_NAMES = {"embed_page"}


def script_url() -> str:
    # The unhashed name: a pasted snippet must keep working after the next deploy.
    return f"{settings.SITE_URL}{settings.STATIC_URL}js/embed.js"


@router.get("/embed/", include_in_schema=False, url_name="embed_page")
def embed_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.is_staff:
        # Ninja would turn a raised PermissionDenied into a traceback page under DEBUG.
        return permission_denied(request, PermissionDenied())
    services = Service.objects.bookable_online()
    return render(
        request,
        "api/embed.html",
        {"services": services, "script_url": script_url(), "site_url": settings.SITE_URL},
    )
