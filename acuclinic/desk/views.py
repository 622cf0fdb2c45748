from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from acuclinic.clinic.models import ClinicSettings
from acuclinic.website import actions
from acuclinic.website.forms import StaffReplyForm
from acuclinic.website.models import Comment

from .access import staff_required

MODERATE = "website.moderate_comment"
ACTIONS = {"approve", "spam", "delete", "reply", "unspam"}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied
    pending = Comment.objects.for_moderation().count()
    return render(request, "desk/home.html", {"pending_comments": pending})


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
