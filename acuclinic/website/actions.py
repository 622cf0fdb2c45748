"""Writes on comments that have side effects (notices, the public page). Views call these."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from acuclinic.clinic.models import ClinicSettings

from .models import ArticlePage, Comment
from .spam import SpamSignals, spam_reasons
from .tasks import notify_reply, notify_staff_of_comment


def _after_commit(task, comment_id: int) -> None:  # type: ignore[no-untyped-def]
    transaction.on_commit(lambda: task.enqueue(comment_id))


@transaction.atomic
def submit_comment(
    *,
    article: ArticlePage,
    parent: Comment | None,
    body: str,
    name: str,
    email: str,
    website: str,
    notify_on_reply: bool,
    signals: SpamSignals,
    clinic: ClinicSettings,
    ip_address: str | None,
    user_agent: str,
) -> Comment:
    reasons = spam_reasons(
        signals,
        min_fill_seconds=settings.COMMENT_MIN_FILL_SECONDS,
        max_links=settings.COMMENT_MAX_LINKS,
    )
    if reasons:
        status = Comment.Status.SPAM
    elif (
        clinic.auto_approve_known_commenters
        and Comment.objects.approved()
        .filter(email__iexact=email, name__iexact=name, staff_author__isnull=True)
        .exists()
    ):
        status = Comment.Status.APPROVED
    else:
        status = Comment.Status.PENDING
    comment = Comment.objects.create(
        article=article,
        parent=parent,
        body=body,
        name=name,
        email=email,
        website=website,
        notify_on_reply=notify_on_reply,
        status=status,
        spam_reasons=",".join(reasons),
        ip_address=ip_address,
        user_agent=user_agent[:300],
        approved_at=timezone.now() if status == Comment.Status.APPROVED else None,
    )
    if status == Comment.Status.PENDING:
        _after_commit(notify_staff_of_comment, comment.pk)
    elif status == Comment.Status.APPROVED and parent:
        _after_commit(notify_reply, comment.pk)
    return comment


@transaction.atomic
def approve_comment(comment: Comment) -> None:
    comment.status = Comment.Status.APPROVED
    comment.approved_at = timezone.now()
    comment.save(update_fields=["status", "approved_at"])
    if comment.parent_id:
        _after_commit(notify_reply, comment.pk)


def mark_spam(comment: Comment) -> None:
    comment.status = Comment.Status.SPAM
    comment.save(update_fields=["status"])


def delete_comment(comment: Comment) -> None:
    comment.delete()


@transaction.atomic
def staff_reply(*, parent: Comment, body: str, user, clinic: ClinicSettings) -> Comment:  # type: ignore[no-untyped-def]
    """A reply from the clinic, published at once; approving the thread it answers too."""
    if parent.status != Comment.Status.APPROVED:
        approve_comment(parent)
    reply = Comment.objects.create(
        article_id=parent.article_id,
        parent=parent,
        body=body,
        name=clinic.name,
        email=clinic.email or user.email or settings.DEFAULT_FROM_EMAIL,
        staff_author=user,
        status=Comment.Status.APPROVED,
        approved_at=timezone.now(),
    )
    _after_commit(notify_reply, reply.pk)
    return reply
