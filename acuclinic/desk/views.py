from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from acuclinic.clinic.models import ClinicSettings, Location, Practitioner
from acuclinic.clinic.roles import Role, role_of
from acuclinic.scheduling.models import Appointment
from acuclinic.website import actions
from acuclinic.website.forms import StaffReplyForm
from acuclinic.website.models import Comment

from .access import staff_required, staff_role_required
from .calendar_queries import day_bounds, local_today, with_intake_flag
from .calendar_views import render_local

MODERATE = "website.moderate_comment"
ACTIONS = {"approve", "spam", "delete", "reply", "unspam"}


FLAG_HORIZON = timedelta(days=14)  # how far ahead the home page looks for open red flags
HOME_LIMIT = 50


@staff_role_required
def home(request: HttpRequest) -> HttpResponse:
    """Today's appointments (a practitioner's own, everyone's for the others) and the coming
    visits whose intake raised a red flag nobody has reviewed yet."""
    context: dict[str, Any] = {"can_moderate": request.user.has_perm(MODERATE)}
    if context["can_moderate"]:
        context["pending_comments"] = Comment.objects.for_moderation().count()
    location = Location.objects.order_by("pk").first()
    if location is None:
        return render(request, "desk/home.html", context)
    zone = location.zone
    today = local_today(zone)
    start, end = day_bounds(today, zone)
    booked = with_intake_flag(
        Appointment.objects.active().select_related("patient", "service", "practitioner", "room")
    )
    own = Practitioner.objects.filter(user_id=request.user.pk).first()
    if role_of(request.user) == Role.PRACTITIONER and own is not None:
        booked = booked.filter(practitioner=own)
    now = timezone.now()
    context |= {
        "location": location,
        "today": today,
        "own": own if role_of(request.user) == Role.PRACTITIONER else None,
        "appointments": list(
            booked.filter(location=location, start__gte=start, start__lt=end).order_by(
                "start", "practitioner__name", "pk"
            )[:HOME_LIMIT]
        ),
        "flagged": list(
            booked.filter(start__gte=now, start__lt=now + FLAG_HORIZON)
            .exclude(open_flag="")
            .order_by("start", "pk")[:HOME_LIMIT]
        ),
        "horizon_days": FLAG_HORIZON.days,
    }
    return render_local(request, "desk/home.html", context, zone)


@staff_required(MODERATE)
def comment_queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", Comment.Status.PENDING)
    if status not in Comment.Status.values:
        status = Comment.Status.PENDING
    comments = (
        Comment.objects.filter(status=status)
        .select_related("article", "parent", "staff_author")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(comments, 25).get_page(request.GET.get("page"))
    counts = Comment.objects.aggregate(
        **{s: Count("pk", filter=Q(status=s)) for s in Comment.Status.values}
    )
    tabs = [(value, label, counts[value]) for value, label in Comment.Status.choices]
    return render(
        request,
        "desk/comments.html",
        {"page": page, "status": status, "tabs": tabs, "reply_form": StaffReplyForm()},
    )


@require_POST
@staff_required(MODERATE)
def moderate(request: HttpRequest, comment_id: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=comment_id)
    back = request.POST.get("status", comment.status)
    if action in ("approve", "unspam"):
        actions.approve_comment(comment)
        done = _("Comment by %(name)s approved.") % {"name": comment.name}
    elif action == "spam":
        actions.mark_spam(comment)
        done = _("Comment by %(name)s moved to spam.") % {"name": comment.name}
    elif action == "delete":
        actions.delete_comment(comment)
        done = _("Comment by %(name)s deleted.") % {"name": comment.name}
    else:
        form = StaffReplyForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["body"]))
            return redirect(f"{_queue_url(back)}#comment-{comment.pk}")
        actions.staff_reply(
            parent=comment,
            body=form.cleaned_data["body"],
            user=request.user,
            clinic=ClinicSettings.for_request(request),
        )
        done = _("Your reply to %(name)s is published.") % {"name": comment.name}
    if request.htmx:
        # Replace the row in place with what happened; the queue keeps its scroll position.
        return render(request, "desk/includes/moderated_row.html", {"done": done})
    messages.success(request, done)
    return redirect(_queue_url(back))


def _queue_url(status: str) -> str:
    status = status if status in Comment.Status.values else Comment.Status.PENDING
    return f"/desk/comments/?status={status}"
