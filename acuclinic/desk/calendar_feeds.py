"""Practitioners' private iCalendar feeds, for Google Calendar or Apple Calendar to subscribe to.

The feed's URL holds the practitioner's secret token and needs no sign-in (calendar apps cannot
sign in); replacing the token is how a leaked address is revoked. The feed carries what the
calendar shows (patient name, service, room), never clinical detail (see scheduling/ical.py).
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from acuclinic.clinic.models import Practitioner, default_clinic, new_calendar_token
from acuclinic.scheduling import ical
from acuclinic.scheduling.models import Appointment

from .calendar_access import calendar_staff, can_manage_feed

FEED_PAST = timedelta(days=30)
FEED_AHEAD = timedelta(days=180)


def feed_url(request: HttpRequest, practitioner: Practitioner) -> str:
    path = reverse("desk:calendar_feed", args=[practitioner.calendar_token])
    return request.build_absolute_uri(path)


def webcal_url(url: str) -> str:
    """The same address for a calendar app to open directly (webcal:// is HTTP(S) underneath)."""
    return "webcal://" + url.split("://", 1)[1]


@calendar_staff
def feeds(request: HttpRequest) -> HttpResponse:
    rows = [
        {"practitioner": p, "url": (url := feed_url(request, p)), "webcal": webcal_url(url)}
        for p in Practitioner.objects.all()
        if can_manage_feed(request.user, p)
    ]
    return render(request, "desk/calendar/feeds.html", {"rows": rows})


@require_POST
@calendar_staff
def replace_secret(request: HttpRequest, slug: str) -> HttpResponse:
    practitioner = get_object_or_404(Practitioner, slug=slug)
    if not can_manage_feed(request.user, practitioner):
        raise PermissionDenied
    practitioner.calendar_token = new_calendar_token()
    practitioner.save(update_fields=["calendar_token"])
    messages.success(
        request,
        _(
            "%(name)s's feed has a new address. The old one no longer works: "
            "subscribe again with the new one."
        )
        % {"name": practitioner.name},
    )
    return redirect(f"{reverse('desk:calendar_feeds')}#feed-{practitioner.slug}")


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """No sign-in: the token is the secret. An unknown (or replaced) token is a plain 404."""
    practitioner = get_object_or_404(Practitioner, calendar_token=token)
    now = timezone.now()
    appointments = (
        Appointment.objects.active()
        .filter(practitioner=practitioner, start__gte=now - FEED_PAST, start__lte=now + FEED_AHEAD)
        .select_related("patient", "service", "practitioner", "location", "room")
        .prefetch_related("events")  # ical.py counts them for each event's SEQUENCE
        .order_by("start", "pk")
    )
    name = f"{practitioner.name} · {default_clinic().name}"
    response = HttpResponse(
        ical.to_ics(appointments, for_staff=True, name=name),
        content_type="text/calendar; charset=utf-8",
    )
    # The feed names patients: no shared cache may keep it, and no search engine index it.
    response["Cache-Control"] = "private"
    response["X-Robots-Tag"] = "noindex"
    response["Content-Disposition"] = f'inline; filename="{practitioner.slug}.ics"'
    return response
