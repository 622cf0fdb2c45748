"""Reader comments under articles, and the content version that keeps cached pages honest."""

from django.conf import settings
from django.db import connection, models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CommentQuerySet(models.QuerySet):
    def approved(self) -> "CommentQuerySet":
        return self.filter(status=Comment.Status.APPROVED)

    def for_moderation(self) -> "CommentQuerySet":
        return self.filter(status=Comment.Status.PENDING)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Spam")

    article = models.ForeignKey(
        "website.ArticlePage", on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(_("comment"))
    name = models.CharField(_("name"), max_length=80)
    email = models.EmailField(_("e-mail"), max_length=254)
    website = models.URLField(_("website"), max_length=200, blank=True)
    notify_on_reply = models.BooleanField(_("e-mail me replies"), default=False)
    # Set on replies written by the clinic's staff from /desk/comments.
    staff_author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    spam_reasons = models.CharField(_("why it looks like spam"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    # Claimed with a conditional update, so a notice goes out once however often a task runs.
    staff_notified_at = models.DateTimeField(null=True, blank=True)
    reply_notice_sent_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["article", "status", "created_at"]),
            models.Index(fields=["ip_address", "created_at"]),
            models.Index(fields=["status", "created_at"]),
        ]
        permissions = [("moderate_comment", _("Can moderate reader comments"))]

    def __str__(self) -> str:
        return f"{self.name}: {self.body[:40]}"

    @property
    def website_link(self) -> str:
        """The commenter's website, only if it is an http(s) address. The form takes nothing
        else, but a value stored another way (admin, import, restore) must not become a
        `javascript:` link on a public page."""
        scheme = self.website.split(":", 1)[0].strip().lower() if ":" in self.website else ""
        return self.website if scheme in ("http", "https") else ""

    @property
    def is_staff_reply(self) -> bool:
        return self.staff_author_id is not None


class ContentVersion(models.Model):
    """One row whose number goes up whenever anything public changes.

    Web processes keep rendered pages in their own cache keyed by this number, so every
    process serves a published change at once without a shared cache (decision 9).
    """

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"content version {self.value}"

    @classmethod
    def current(cls) -> int:
        # Read on every cached page view: plain SQL skips the ORM's query building.
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT value FROM {table} WHERE id = 1")  # noqa: S608
            row = cursor.fetchone()
        return row[0] if row else 0

    @classmethod
    def bump(cls) -> None:
        if not cls.objects.filter(pk=1).update(value=F("value") + 1):
            cls.objects.get_or_create(pk=1, defaults={"value": 1})


class UsedProofOfWork(models.Model):
    """Solutions already spent on a comment. In the database, so every web process sees them."""

    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.digest
