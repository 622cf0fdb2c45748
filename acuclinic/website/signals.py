"""Anything that changes what a public page shows bumps the content version."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished

from acuclinic.clinic.models import ClinicSettings

from .models import ArticleCategory, Comment, ContentVersion


@receiver(page_published)
@receiver(page_unpublished)
@receiver(page_slug_changed)
def _page_changed(sender: Any, **kwargs: Any) -> None:
    ContentVersion.bump()


@receiver(post_save, sender=ClinicSettings)
@receiver(post_save, sender=ArticleCategory)
@receiver(post_delete, sender=ArticleCategory)
@receiver(post_delete, sender=Comment)
def _content_changed(sender: Any, **kwargs: Any) -> None:
    ContentVersion.bump()


@receiver(post_delete)
def _page_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, Page):
        ContentVersion.bump()


@receiver(post_save, sender=Comment)
def _comment_saved(sender: Any, instance: Comment, created: bool, **kwargs: Any) -> None:
    # A new comment that waits for moderation changes no public page.
    if created and instance.status != Comment.Status.APPROVED:
        return
    ContentVersion.bump()


@receiver(post_save, sender=get_image_model())
def _image_changed(sender: Any, **kwargs: Any) -> None:
    ContentVersion.bump()
