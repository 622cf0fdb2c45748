"""A practitioner writes, previews, schedules and publishes articles in /cms/ without code."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from acuclinic.website.models import ArticleIndexPage, ArticlePage

pytestmark = pytest.mark.django_db


def article_form(title: str, slug: str, **extra: object) -> dict:
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "lead": "A short lead for the list and for sharing.",
            "date": "2026-11-20",
            "image_alt": "",
            "body": streamfield(
                [
                    ("heading", "Why sleep matters"),
                    ("paragraph", rich_text("<p>Rest helps the body recover.</p>")),
                ]
            ),
            "comments_open": "on",
            "tags": "sleep, recovery",
            **extra,
        }
    )


@pytest.fixture
def editor(owner) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(owner)
    return client


def add_url() -> str:
    index = ArticleIndexPage.objects.get()
    return f"/cms/pages/add/website/articlepage/{index.pk}/"


def test_editor_opens_the_article_form(editor) -> None:
    response = editor.get(add_url())
    assert response.status_code == 200
    assert "Lead" in response.content.decode()


def test_write_and_publish_from_the_browser_forms(editor) -> None:
    data = article_form("Sleep and back pain", "sleep-and-back-pain", **{"action-publish": "1"})
    response = editor.post(add_url(), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = ArticlePage.objects.get(slug="sleep-and-back-pain")
    assert article.live
    html = Client().get("/articles/sleep-and-back-pain/").content.decode()
    assert "Why sleep matters" in html and "Rest helps the body recover." in html
    assert "Sleep and back pain" in Client().get("/articles/").content.decode()


def test_draft_preview_and_revisions(editor) -> None:
    editor.post(add_url(), article_form("Draft on posture", "draft-on-posture"))
    article = ArticlePage.objects.get(slug="draft-on-posture")
    assert not article.live
    assert Client().get("/articles/draft-on-posture/").status_code == 404
    preview_url = f"/cms/pages/{article.pk}/edit/preview/"
    data = article_form("Draft on posture, previewed", "draft-on-posture")
    assert editor.post(preview_url, data).json()["is_valid"]
    preview = editor.get(preview_url)
    assert "Draft on posture, previewed" in preview.content.decode()
    editor.post(f"/cms/pages/{article.pk}/edit/", article_form("Second draft", "draft-on-posture"))
    assert article.revisions.count() == 2


def test_schedule_publication(editor) -> None:
    go_live = timezone.localtime() + timedelta(hours=2)
    data = article_form(
        "Scheduled article",
        "scheduled-article",
        go_live_at=go_live.strftime("%Y-%m-%d %H:%M"),
        **{"action-publish": "1"},
    )
    assert editor.post(add_url(), data).status_code == 302
    article = ArticlePage.objects.get(slug="scheduled-article")
    assert not article.live
    revision = article.scheduled_revision
    assert revision is not None
    assert Client().get("/articles/scheduled-article/").status_code == 404
    # Time passes: the scheduler (run every minute beside the server) publishes it.
    past = timezone.now() - timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    call_command("publish_scheduled")
    assert Client().get("/articles/scheduled-article/").status_code == 200


def test_only_staff_reach_the_editor(stranger) -> None:
    client = Client()
    assert client.get("/cms/").status_code == 302
    client.force_login(stranger)
    assert client.get("/cms/").status_code in (302, 403)
    assert Page.objects.filter(slug="sleep-and-back-pain").count() == 0


def test_preview_a_new_article_before_its_first_save(editor) -> None:
    index = ArticleIndexPage.objects.get()
    url = f"/cms/pages/add/website/articlepage/{index.pk}/preview/"
    assert editor.post(url, article_form("Brand new", "brand-new")).json()["is_valid"]
    response = editor.get(url)
    assert response.status_code == 200
    assert "Brand new" in response.content.decode()
