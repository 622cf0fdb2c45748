"""The staff calendar: day and week views per practitioner or room, the day's list, time off.

Every page is in one location's local time with the zone's name (decision 1). A page reads a
fixed number of queries whatever the number of appointments on it.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from acuclinic.clinic.models import Location, Practitioner, Room
from acuclinic.scheduling import booking
from acuclinic.scheduling.models import Appointment, Status, TimeOff

from .calendar_access import calendar_staff
from .calendar_forms import STATUS_ACTIONS, UNDO_LABELS, TimeOffForm
from .calendar_queries import (
    MAX_DAY,
    MIN_DAY,
    Column,
    day_bounds,
    fill_columns,
    local_today,
    parse_day,
    week_of,
    with_intake_flag,
)

CALENDAR_ROOT = "/desk/calendar/"

# --- shared by the calendar's modules ------------------------------------------------------


def render_local(
    request: HttpRequest, template: str, context: dict[str, Any], zone: ZoneInfo
) -> HttpResponse:
    """Render with the location's zone active, so every time on the page is its local time."""
    with timezone.override(zone):
        return render(request, template, {"zone": zone, **context})


def pick_location(request: HttpRequest) -> tuple[list[Location], Location]:
    """The location the page is about: `?location=<slug>`, else the first one."""
    locations = list(Location.objects.all())
    slug = request.GET.get("location") or request.POST.get("location")
    if slug:
        for location in locations:
            if location.slug == slug:
                return locations, location
        raise Http404
    if not locations:
        raise Http404(_("Add a location before using the calendar."))
    return locations, locations[0]


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where to go back to after an action: a calendar page on this site, or the fallback."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith(CALENDAR_ROOT)
        and target.isprintable()  # no header-splitting newlines, no NUL
        and "\\" not in target
        and url_has_allowed_host_and_scheme(target, {request.get_host()})
    ):
        return target
    return fallback


def calendar_url(**params: object) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{reverse('desk:calendar')}?{query}" if query else reverse("desk:calendar")


def status_actions(appointment: Appointment) -> list[tuple[str, str]]:
    """The status buttons that make sense now (booking.py decides what is allowed)."""
    current = Status(appointment.status)
    allowed = booking.STATUS_CHANGES.get(current, set())
    return [
        (value, str(UNDO_LABELS.get((current, value), label)))
        for value, label in STATUS_ACTIONS.items()
        if value in allowed
    ]


# --- what the page shows -------------------------------------------------------------------


@dataclass(frozen=True)
class Show:
    """One practitioner, one room, or all practitioners or rooms side by side."""

    value: str
    practitioner: Practitioner | None = None
    room: Room | None = None

    @property
    def label(self) -> str:
        if self.practitioner:
            return self.practitioner.name
        if self.room:
            return self.room.name
        return _("All rooms") if self.value == "rooms" else _("All practitioners")


def _default_show(view: str, practitioners: list[Practitioner], user) -> Show:  # type: ignore[no-untyped-def]
    active = [p for p in practitioners if p.is_active]
    own = next((p for p in active if p.user_id == user.pk), None)
    if view == "week" and (chosen := own or (active[0] if active else None)):
        return Show(f"practitioner:{chosen.slug}", practitioner=chosen)
    return Show("practitioners")


def _show(
    request: HttpRequest, view: str, practitioners: list[Practitioner], rooms: list[Room]
) -> Show:
    value = request.GET.get("show", "")
    kind, _sep, key = value.partition(":")
    if value in ("practitioners", "rooms"):
        return Show(value)
    if kind == "practitioner" and key:
        found = next((p for p in practitioners if p.slug == key), None)
        if found is None:
            raise Http404
        return Show(value, practitioner=found)
    if kind == "room" and key:
        room = next((r for r in rooms if str(r.pk) == key), None)
        if room is None:
            raise Http404
        return Show(value, room=room)
    if value:
        messages.warning(
            request, _("The calendar cannot show “%(value)s”.") % {"value": value[:40]}
        )
    return _default_show(view, practitioners, request.user)


def _columns(view: str, day: date, show: Show, practitioners, rooms) -> list[Column]:  # type: ignore[no-untyped-def]
    if view == "week":
        return [
            Column(d, practitioner=show.practitioner, room=show.room, title=date_format(d, "D j M"))
            for d in (week_of(day) + timedelta(days=n) for n in range(7))
        ]
    if show.practitioner or show.room:
        return [Column(day, practitioner=show.practitioner, room=show.room, title=show.label)]
    if show.value == "rooms":
        return [Column(day, room=r, title=r.name) for r in rooms]
    return [Column(day, practitioner=p, title=p.name) for p in practitioners if p.is_active]


@calendar_staff
def calendar(request: HttpRequest) -> HttpResponse:
    locations, location = pick_location(request)
    zone = location.zone
    today = local_today(zone)
    day, problem = parse_day(request.GET.get("date"), today)
    if problem:
        messages.warning(request, problem)
    view = request.GET.get("view") or "week"
    if view not in ("day", "week"):
        messages.warning(
            request, _("There is no “%(view)s” view; here is the week.") % {"view": view[:20]}
        )
        view = "week"
    practitioners = list(Practitioner.objects.all())
    rooms = list(Room.objects.filter(location=location, is_active=True))
    show = _show(request, view, practitioners, rooms)
    columns = _columns(view, day, show, practitioners, rooms)
    start, end = day_bounds(columns[0].day, zone)[0], day_bounds(columns[-1].day, zone)[1]
    appointments = with_intake_flag(
        Appointment.objects.active()
        .filter(location=location, start__lt=end, end__gt=start)
        .select_related("patient", "service", "practitioner", "room")
    )
    time_off = TimeOff.objects.filter(start__lt=end, end__gt=start).select_related("practitioner")
    if show.practitioner:
        appointments = appointments.filter(practitioner=show.practitioner)
        time_off = time_off.filter(practitioner=show.practitioner)
    elif show.room:
        appointments = appointments.filter(room=show.room)
        time_off = time_off.none()
    elif show.value == "rooms":
        time_off = time_off.none()
    grid = fill_columns(columns, appointments, time_off, zone)
    step = timedelta(days=7 if view == "week" else 1)
    shown = {"view": view, "show": show.value}
    if len(locations) > 1:
        shown["location"] = location.slug
    context = {
        "view": view,
        "day": day,
        "today": today,
        "grid": grid,
        "show": show,
        "practitioners": practitioners,
        "rooms": rooms,
        "location": location,
        "locations": locations,
        "first_day": columns[0].day,
        "last_day": columns[-1].day,
        "previous_url": calendar_url(**shown, date=day - step) if day - step >= MIN_DAY else None,
        "next_url": calendar_url(**shown, date=day + step) if day + step <= MAX_DAY else None,
        "today_url": calendar_url(**shown, date=today),
        "other_view_url": calendar_url(
            **{**shown, "view": "day" if view == "week" else "week"}, date=day
        ),
        "here": request.get_full_path(),
    }
    return render_local(request, "desk/calendar/calendar.html", context, zone)


@calendar_staff
def today(request: HttpRequest) -> HttpResponse:
    """The day's list for the front desk: everyone's appointments in order, with arrivals."""
    locations, location = pick_location(request)
    zone = location.zone
    day, problem = parse_day(request.GET.get("date"), local_today(zone))
    if problem:
        messages.warning(request, problem)
    start, end = day_bounds(day, zone)
    appointments = with_intake_flag(
        Appointment.objects.filter(location=location, start__gte=start, start__lt=end)
        .select_related("patient", "service", "practitioner", "room")
        .order_by("start", "practitioner__name", "pk")
    )
    rows = [(a, status_actions(a)) for a in appointments]
    context = {
        "day": day,
        "is_today": day == local_today(zone),
        "rows": rows,
        "active_count": sum(1 for a, _actions in rows if a.is_active),
        "location": location,
        "locations": locations,
        "previous_day": day - timedelta(days=1) if day > MIN_DAY else None,
        "next_day": day + timedelta(days=1) if day < MAX_DAY else None,
        "here": request.get_full_path(),
    }
    return render_local(request, "desk/calendar/today.html", context, zone)


# --- time off ------------------------------------------------------------------------------


@calendar_staff
def time_off_new(request: HttpRequest) -> HttpResponse:
    locations, location = pick_location(request)
    zone = location.zone
    clashes: list[Appointment] = []
    if request.method == "POST":
        form = TimeOffForm(request.POST, zone=zone)
        if form.is_valid():
            block = form.build()
            clashes = list(
                Appointment.objects.active()
                .filter(practitioner=block.practitioner, start__lt=block.end, end__gt=block.start)
                .select_related("patient", "service", "location")
                .order_by("start")
            )
            # Allowed over appointments, but only once staff have seen which ones.
            if not clashes or form.cleaned_data["confirm"]:
                block.save()
                messages.success(
                    request,
                    _("Time off added for %(name)s.") % {"name": block.practitioner.name},
                )
                if clashes:
                    messages.warning(
                        request,
                        ngettext(
                            "%(count)d appointment is still booked then: move or cancel it.",
                            "%(count)d appointments are still booked then: move or cancel them.",
                            len(clashes),
                        )
                        % {"count": len(clashes)},
                    )
                local_day = block.start.astimezone(zone).date()
                return redirect(
                    calendar_url(
                        view="week",
                        date=local_day,
                        show=f"practitioner:{block.practitioner.slug}",
                        location=location.slug if len(locations) > 1 else None,
                    )
                )
    else:
        initial = {
            key: request.GET[key]
            for key in ("practitioner", "start_date", "end_date")
            if key in request.GET
        }
        form = TimeOffForm(initial=initial, zone=zone)
    context = {"form": form, "clashes": clashes, "location": location, "locations": locations}
    return render_local(request, "desk/calendar/time_off_form.html", context, zone)


@require_POST
@calendar_staff
def time_off_delete(request: HttpRequest, time_off_id: int) -> HttpResponse:
    block = get_object_or_404(TimeOff.objects.select_related("practitioner"), pk=time_off_id)
    block.delete()
    messages.success(
        request, _("Time off removed for %(name)s.") % {"name": block.practitioner.name}
    )
    return redirect(safe_next(request, reverse("desk:calendar")))
