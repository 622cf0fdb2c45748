"""E-mail about comments, as background tasks. Each claims its row first, so it sends once."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Comment


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


@task()
def notify_staff_of_comment(comment_id: int) -> None:
    from django.contrib.auth import get_user_model

    claimed = Comment.objects.filter(pk=comment_id, staff_notified_at__isnull=True).update(
        staff_notified_at=timezone.now()
    )
    if not claimed:
        return
    comment = Comment.objects.select_related("article").get(pk=comment_id)
    from wagtail.models import Site

    from acuclinic.clinic.models import ClinicSettings

    clinic = ClinicSettings.for_site(Site.objects.get(is_default_site=True))
    moderators = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
    recipients = sorted({u.email for u in moderators if u.has_perm("website.moderate_comment")})
    if clinic.staff_notification_email:
        recipients.append(clinic.staff_notification_email)
    if not recipients:
        return
    context = {
        "comment": comment,
        "clinic": clinic,
        "queue_url": _absolute("/desk/comments/"),
        "article_url": _absolute(comment.article.url or ""),
    }
    try:
        send_mail(
            subject=_("New comment on “%(title)s”") % {"title": comment.article.title},
            message=render_to_string("website/email/new_comment.txt", context),
            from_email=None,
            recipient_list=sorted(set(recipients)),
        )
    except Exception:
        # Give the claim back so a retry can send it.
        Comment.objects.filter(pk=comment_id).update(staff_notified_at=None)
        raise


@task()
def notify_reply(comment_id: int) -> None:
    """Tell the author of the parent comment about an approved reply, if they asked to be."""
    claimed = Comment.objects.filter(
        pk=comment_id,
        status=Comment.Status.APPROVED,
        reply_notice_sent_at__isnull=True,
        parent__notify_on_reply=True,
        parent__status=Comment.Status.APPROVED,
    ).update(reply_notice_sent_at=timezone.now())
    if not claimed:
        return
    reply = Comment.objects.select_related("parent", "article").get(pk=comment_id)
    parent = reply.parent
    assert parent is not None
    if parent.email.lower() == reply.email.lower():
        return
    context = {
        "reply": reply,
        "parent": parent,
        "comment_url": _absolute(f"{reply.article.url}#comment-{reply.pk}"),
    }
    try:
        send_mail(
            subject=_("A reply to your comment on “%(title)s”") % {"title": reply.article.title},
            message=render_to_string("website/email/reply.txt", context),
            from_email=None,
            recipient_list=[parent.email],
        )
    except Exception:
        Comment.objects.filter(pk=comment_id).update(reply_notice_sent_at=None)
        raise
