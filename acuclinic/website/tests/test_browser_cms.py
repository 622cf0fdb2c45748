"""A practitioner writes, previews, schedules and publishes an article at /cms/, in a real browser.

test_cms.py posts Wagtail's admin forms with Django's test client; these tests click through the
same flows in Debian's Chromium, the way a practitioner would: sign in, fill the editor (Draftail
for rich text), open the live preview, set a publishing schedule and publish.
"""

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from acuclinic.website.models import ArticleIndexPage, ArticlePage

pytestmark = [pytest.mark.browser]

LEAD = "What helps, what to expect, and when to see a doctor."


@pytest.fixture(autouse=True)
def _no_autosave(settings):  # type: ignore[no-untyped-def]
    # Wagtail 8 autosaves a new page after half a second, but not reliably in tests (seen on
    # PostgreSQL): the first save is then sometimes the autosave and sometimes our click.
    # Without autosave the flow is the same every time: the first click creates the page.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0


@pytest.fixture
def cms(demo, live_server, browser) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    """The demo practitioner, signed in through the real sign-in form, on a desktop screen."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/accounts/login/?next=/cms/")
    page.get_by_label("Login").fill("demo")
    page.get_by_label("Password").fill("acuclinic-demo")
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(live_server.url + "/cms/")
    yield page
    context.close()


def close_date_picker(page: Page, elsewhere: Locator) -> None:
    # The date widget opens its calendar shortly after the field gets focus, over what lies
    # below it; a click elsewhere closes it, as it does for a person.
    calendar = page.locator(".xdsoft_datetimepicker").filter(visible=True)
    expect(calendar).to_have_count(1)
    elsewhere.click()
    expect(calendar).to_have_count(0)


def write_article(page: Page, title: str, heading: str, paragraph: str) -> None:
    """Fill the "New: Article" form: title, lead, date, and a body of a heading and a paragraph."""
    expect(page.get_by_role("heading", name="New: Article")).to_be_attached()
    page.get_by_role("textbox", name="Title*", exact=True).fill(title)
    page.get_by_role("textbox", name="Lead*", exact=True).fill(LEAD)
    page.get_by_role("textbox", name="Date*", exact=True).fill("2026-11-20")
    close_date_picker(page, page.get_by_role("heading", name="Byline"))

    body = page.get_by_role("region", name=re.compile("^Body"))
    body.get_by_role("button", name="Insert a block").click()
    page.get_by_role("option", name="Heading").click()
    body.get_by_role("textbox").first.fill(heading)
    body.get_by_role("button", name="Insert a block").last.click()
    page.get_by_role("option", name="Paragraph").click()
    draftail = body.get_by_role("textbox").nth(1)
    draftail.click()
    draftail.press_sequentially(paragraph)
    # Draftail copies what is typed into the form's hidden field a moment later (debounced):
    # a person never clicks that fast, a script does, so wait for it as the form would.
    expect(page.locator("input[name='body-1-value']")).to_have_value(re.compile(paragraph))


def expect_message(page: Page, text: str) -> None:
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def add_article_url(live_server) -> str:  # type: ignore[no-untyped-def]
    index = ArticleIndexPage.objects.get()
    return live_server.url + f"/cms/pages/add/website/articlepage/{index.pk}/"


def publish(page: Page, action: str = "Publish") -> None:
    # "Save draft" is the main footer action; the others sit behind the toggle next to it.
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name=action, exact=True).click()


def test_write_and_publish_an_article(cms, live_server, page) -> None:  # type: ignore[no-untyped-def]
    index = ArticleIndexPage.objects.get()
    cms.goto(live_server.url + f"/cms/pages/{index.pk}/")
    cms.get_by_role("link", name="Add child page").first.click()
    write_article(cms, "Sleep and back pain", "Why sleep matters", "Rest helps the body recover.")
    publish(cms)
    expect_message(cms, "Page 'Sleep and back pain' created and published.")

    article = ArticlePage.objects.get(title="Sleep and back pain")
    assert article.slug == "sleep-and-back-pain"
    assert article.live and article.get_parent().pk == index.pk

    # A visitor, not signed in, on a phone (the `page` fixture is a fresh context).
    response = page.goto(live_server.url + "/articles/sleep-and-back-pain/")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Sleep and back pain")
    expect(page.get_by_role("heading", name="Why sleep matters")).to_be_visible()
    expect(page.get_by_text("Rest helps the body recover.")).to_be_visible()
    page.goto(live_server.url + "/articles/")
    page.get_by_role("link", name="Sleep and back pain").click()
    expect(page).to_have_url(live_server.url + "/articles/sleep-and-back-pain/")


def test_preview_a_draft_and_keep_its_revisions(cms, live_server, page) -> None:  # type: ignore[no-untyped-def]
    public_url = live_server.url + "/articles/draft-on-posture/"
    cms.goto(add_article_url(live_server))
    write_article(cms, "Draft on posture", "Sit tall", "Posture shapes pain.")

    cms.get_by_role("button", name="Toggle preview").click()
    # The panel swaps in a fresh iframe on each refresh: the newest one is the last.
    preview = cms.get_by_title("Preview", exact=True).last.content_frame
    expect(preview.get_by_role("heading", level=1)).to_have_text("Draft on posture")
    expect(preview.get_by_role("heading", name="Sit tall")).to_be_visible()
    expect(preview.get_by_text("Posture shapes pain.")).to_be_visible()
    assert page.request.get(public_url).status == 404

    cms.get_by_role("button", name="Save draft").click()
    expect_message(cms, "Page 'Draft on posture' created.")
    article = ArticlePage.objects.get(title="Draft on posture")
    assert article.slug == "draft-on-posture" and not article.live
    index_pk = article.get_parent().pk
    assert page.request.get(public_url).status == 404

    # Later: back to the draft from the explorer, change the heading, save again.
    cms.goto(live_server.url + f"/cms/pages/{index_pk}/")
    cms.get_by_role("link", name="Draft on posture").first.click()
    expect(cms).to_have_url(live_server.url + f"/cms/pages/{article.pk}/edit/")
    heading = cms.get_by_role("region", name=re.compile("^Body")).get_by_role("textbox").first
    expect(heading).to_have_value("Sit tall")
    heading.fill("Sit tall, breathe low")
    cms.get_by_role("button", name="Save draft").click()
    expect_message(cms, "Page 'Draft on posture' has been updated.")
    assert page.request.get(public_url).status == 404

    article.refresh_from_db()
    assert not article.live
    revisions = list(article.revisions.order_by("created_at", "pk"))
    headings = [
        [block.value for block in r.as_object().body if block.block_type == "heading"]
        for r in revisions
    ]
    # Both saves are kept (autosave may add more in between); the newest is the edit.
    assert len(revisions) >= 2
    assert headings[-1] == ["Sit tall, breathe low"]
    assert ["Sit tall"] in headings[:-1]


def test_schedule_an_article_then_it_goes_live(cms, live_server, page) -> None:  # type: ignore[no-untyped-def]
    public_url = live_server.url + "/articles/posture-at-work/"
    cms.goto(add_article_url(live_server))
    write_article(cms, "Posture at work", "Stand up often", "Move every half hour.")
    cms.get_by_role("button", name="Save draft").click()
    expect_message(cms, "Page 'Posture at work' created.")

    go_live = timezone.localtime() + timedelta(days=3)
    cms.get_by_role("button", name="Toggle status").click()
    cms.get_by_role("button", name="Set schedule").click()
    dialog = cms.get_by_role("dialog", name="Set publishing schedule")
    dialog.get_by_label("Go live date/time").fill(go_live.strftime("%Y-%m-%d %H:%M"))
    close_date_picker(cms, dialog.get_by_role("heading", name="Set publishing schedule"))
    dialog.get_by_role("button", name="Save schedule").click()
    expect_message(cms, "Page 'Posture at work' has been updated.")
    publish(cms, "Schedule to publish")  # what "Publish" becomes once a go-live date is set
    expect_message(cms, "Page 'Posture at work' has been scheduled for publishing.")

    article = ArticlePage.objects.get(title="Posture at work")
    assert article.slug == "posture-at-work" and not article.live
    revision = article.scheduled_revision
    assert revision is not None
    assert timezone.localtime(revision.approved_go_live_at).date() == go_live.date()
    assert page.request.get(public_url).status == 404

    # Time passes: the scheduler (run every minute beside the server) publishes it.
    past = timezone.now() - timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    call_command("publish_scheduled")

    response = page.goto(public_url)
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Posture at work")
    expect(page.get_by_text("Move every half hour.")).to_be_visible()
