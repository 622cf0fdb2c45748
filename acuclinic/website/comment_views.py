"""The article page with its comments: show the threads, take a new comment."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from acuclinic.clinic.models import ClinicSettings

from . import proof_of_work
from .actions import submit_comment
from .comment_tree import build_threads
from .forms import CommentForm
from .models import ArticlePage, Comment
from .page_cache import mark_cacheable
from .spam import SpamSignals, count_links

AUTHOR_COOKIE = "comment_author"
AUTHOR_COOKIE_SALT = "acuclinic.comment-author"
AUTHOR_COOKIE_AGE = 60 * 60 * 24 * 365


def moderation_hash(comment: Comment) -> str:
    """Lets the author of a waiting comment see it, and nobody else."""
    return salted_hmac(
        "acuclinic.unapproved", f"{comment.pk}:{comment.email}", algorithm="sha256"
    ).hexdigest()[:32]


def remembered_author(request: HttpRequest) -> dict:
    try:
        data = signing.loads(request.COOKIES.get(AUTHOR_COOKIE, ""), salt=AUTHOR_COOKIE_SALT)
    except (signing.BadSignature, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: str(data.get(k, ""))[:254] for k in ("name", "email", "website")}


def _id(value: object) -> int | None:
    """A row id from visitor input, or None: never an exception, never out of range."""
    text = str(value)
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        return None
    return int(text)


def _pending_comment(page: ArticlePage, request: HttpRequest) -> Comment | None:
    comment_id = _id(request.GET.get("unapproved", ""))
    if comment_id is None:
        return None
    comment = Comment.objects.filter(pk=comment_id, article=page).first()
    if comment is None or comment.status == Comment.Status.APPROVED:
        return None
    if not constant_time_compare(moderation_hash(comment), request.GET.get("moderation-hash", "")):
        return None
    return comment


def article_context(page: ArticlePage, request: HttpRequest, form: CommentForm | None) -> dict:
    # A page being previewed before its first save has no comments yet.
    comments = list(page.comments.approved()) if page.pk else []
    reply_to = None
    reply_id = _id(request.POST.get("parent") or request.GET.get("replytocom", ""))
    if reply_id is not None:
        reply_to = next((c for c in comments if c.pk == reply_id), None)
    if form is None:
        initial = remembered_author(request)
        initial["remember"] = bool(initial)
        if reply_to:
            initial["parent"] = reply_to.pk
        form = CommentForm(initial=initial)
    return {
        "threads": build_threads(comments),
        "comment_count": len(comments),
        "comment_form": form,
        "reply_to": reply_to,
        "pending_comment": _pending_comment(page, request),
    }


def serve_article_with_comments(
    page: ArticlePage,
    request: HttpRequest,
    base_serve: Callable[..., HttpResponse],
    *args: Any,
    **kwargs: Any,
) -> HttpResponse:
    if request.method == "POST":
        return _post_comment(page, request)
    if not {"unapproved", "replytocom"} & request.GET.keys():
        mark_cacheable(request)
    return base_serve(request, *args, **kwargs)


def _client_ip(request: HttpRequest) -> str | None:
    # Behind a reverse proxy, configure it to set REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR") or None


def _post_comment(page: ArticlePage, request: HttpRequest) -> HttpResponse:
    form = CommentForm(request.POST)
    clinic = ClinicSettings.for_request(request)
    parent = None
    if form.is_valid():
        if not page.comments_open:
            form.add_error(None, _("Comments are closed on this article."))
        parent_id = form.cleaned_data.get("parent")
        if parent_id:
            parent = page.comments.approved().filter(pk=parent_id).first()
            if parent is None:
                form.add_error(None, _("The comment you replied to is no longer available."))
        ip = _client_ip(request)
        since = timezone.now() - timedelta(hours=1)
        if ip and (
            Comment.objects.filter(ip_address=ip, created_at__gte=since).count()
            >= settings.COMMENT_RATE_LIMIT
        ):
            form.add_error(
                None,
                _(
                    "You have posted several comments in the last hour. Please wait a "
                    "little and send it again; your text is kept below."
                ),
            )
    if not form.is_valid():
        context = page.get_context(request, comment_form=form)
        return TemplateResponse(request, page.get_template(request), context, status=400)

    data = form.cleaned_data
    comment = submit_comment(
        article=page,
        parent=parent,
        body=data["body"],
        name=data["name"],
        email=data["email"],
        website=data["website"],
        notify_on_reply=data["notify_on_reply"],
        signals=SpamSignals(
            honeypot=data["homepage"],
            seconds_to_fill=form.seconds_to_fill(),
            challenge_solved=proof_of_work.verify(data["altcha"]),
            link_count=count_links(data["body"]) + count_links(data["name"]),
        ),
        clinic=clinic,
        ip_address=_client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    if comment.status == Comment.Status.APPROVED:
        location = f"{page.url}#comment-{comment.pk}"
    else:
        # Spam gets the same answer as a real comment, so a bot learns nothing.
        location = (
            f"{page.url}?unapproved={comment.pk}&moderation-hash={moderation_hash(comment)}"
            f"#comment-{comment.pk}"
        )
    response = HttpResponseRedirect(location, status=303)
    if data["remember"]:
        value = signing.dumps(
            {"name": data["name"], "email": data["email"], "website": data["website"]},
            salt=AUTHOR_COOKIE_SALT,
        )
        response.set_cookie(
            AUTHOR_COOKIE,
            value,
            max_age=AUTHOR_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    else:
        response.delete_cookie(AUTHOR_COOKIE, samesite="Lax")
    return response


@never_cache
def altcha_challenge(request: HttpRequest) -> JsonResponse:
    return JsonResponse(proof_of_work.new_challenge())
