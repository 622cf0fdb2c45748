"""The flows people click, in a real browser (Debian's Chromium driven by Playwright)."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from acuclinic.website.models import ArticlePage, Comment

pytestmark = [pytest.mark.browser]

ARTICLE = "/articles/back-pain-relief-with-acupuncture/"
EMAIL = "rosa.browser@example.org"


@pytest.fixture(autouse=True)
def _quick_form(settings):  # type: ignore[no-untyped-def]
    settings.COMMENT_MIN_FILL_SECONDS = 1


def fill_comment(page, body: str = "Thank you for the clear explanation.") -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("textbox", name="Comment (required)").fill(body)
    page.get_by_role("textbox", name="Name (required)").fill("Rosa Browser")
    page.get_by_role("textbox", name="Email (required)").fill(EMAIL)
    page.wait_for_timeout(1100)  # a person takes longer than the minimum fill time


def submit_and_wait(page) -> None:  # type: ignore[no-untyped-def]
    # The proof-of-work widget solves on focus; the form is posted once it is done.
    expect(page.locator("input[name=altcha]")).to_have_count(1)
    # (Not wait_for_function: Playwright evaluates that with eval, which the CSP refuses.)
    expect(page.locator("input[name=altcha]")).to_have_value(re.compile("."))
    page.get_by_role("button", name="Post Comment").click()


def test_reading_an_article_and_tapping_the_call_link(demo, live_server, page) -> None:
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Articles").click()
    page.get_by_role("link", name="How to get back pain relief with acupuncture").click()
    expect(page).to_have_url(live_server.url + ARTICLE)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "How to get back pain relief with acupuncture"
    )
    call = page.locator("aside.cta").get_by_role("link", name="Call (303) 555-0142")
    expect(call).to_be_visible()
    expect(call).to_have_attribute("href", "tel:+13035550142")
    call.click(no_wait_after=True)  # a phone dials; the page stays where it was
    expect(page).to_have_url(live_server.url + ARTICLE)
    book = page.locator("aside.cta").get_by_role("link", name="Book online")
    expect(book).to_have_attribute("href", "/book/?service=acupuncture-back-pain")


def test_posting_a_comment_shows_awaiting_moderation(demo, live_server, page) -> None:
    page.goto(live_server.url + ARTICLE)
    fill_comment(page)
    submit_and_wait(page)
    expect(page.get_by_text("Your comment is awaiting moderation.")).to_be_visible()
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING, comment.spam_reasons
    assert comment.spam_reasons == ""  # the widget's proof of work really verified


def test_bad_input_is_explained_and_kept(demo, live_server, page) -> None:
    page.goto(live_server.url + ARTICLE)
    page.get_by_role("textbox", name="Comment (required)").fill("My text must survive a mistake.")
    page.get_by_role("textbox", name="Name (required)").fill("Rosa Browser")
    page.get_by_role("textbox", name="Email (required)").fill("rosa@")
    page.evaluate("document.querySelector('[data-comment-form]').noValidate = true")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.get_by_text("Enter a valid email address")).to_be_visible()
    expect(page.get_by_role("textbox", name="Comment (required)")).to_have_value(
        "My text must survive a mistake."
    )
    expect(page.get_by_role("textbox", name="Email (required)")).to_have_attribute(
        "aria-invalid", "true"
    )
    assert Comment.objects.count() == 0


def test_staff_approve_and_the_comment_shows_without_the_email(
    demo, live_server, page, browser
) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + ARTICLE)
    fill_comment(page, "Does acupuncture help sciatica too?")
    submit_and_wait(page)
    expect(page.get_by_text("Your comment is awaiting moderation.")).to_be_visible()

    staff = browser.new_context().new_page()
    staff.goto(live_server.url + "/desk/comments/")
    staff.get_by_label("Login").fill("demo")
    staff.get_by_label("Password").fill("acuclinic-demo")
    staff.get_by_role("button", name="Sign In").click()
    expect(staff.get_by_role("heading", name="Reader comments")).to_be_visible()
    row = staff.locator("tr", has_text="Does acupuncture help sciatica too?")
    expect(row).to_contain_text(EMAIL)  # moderators see it...
    row.get_by_role("button", name="Approve").click()
    expect(staff.get_by_text("Comment by Rosa Browser approved.")).to_be_visible()

    reader = browser.new_context().new_page()
    reader.goto(live_server.url + ARTICLE)
    expect(reader.locator("#comments")).to_contain_text("Does acupuncture help sciatica too?")
    source = reader.request.get(live_server.url + ARTICLE).text()
    assert "Does acupuncture help sciatica too?" in source
    assert EMAIL not in source and EMAIL not in reader.content()  # ...the public never does
    for feed in ("/feed/rss/", "/feed/atom/"):
        assert EMAIL not in reader.request.get(live_server.url + feed).text()


def test_a_spam_attempt_never_shows_up(demo, live_server, page, browser) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + ARTICLE)
    # A bot fills every field it finds, the hidden one included, and posts at once.
    with page.expect_navigation():
        page.evaluate(
            """() => {
        const f = document.querySelector('[data-comment-form]');
        f.querySelector('#id_body').value = 'Buy cheap pills https://spam.example';
        f.querySelector('#id_name').value = 'Cheap Pills';
        f.querySelector('#id_email').value = 'bot@example.net';
        f.querySelector('#id_homepage').value = 'https://spam.example';
        HTMLFormElement.prototype.submit.call(f);
    }"""
        )
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.SPAM
    reader = browser.new_context().new_page()
    reader.goto(live_server.url + ARTICLE)
    expect(reader.locator("#comments")).not_to_contain_text("Buy cheap pills")
    assert "Buy cheap pills" not in reader.request.get(live_server.url + ARTICLE).text()


def test_reply_link_answers_a_comment(demo, live_server, page) -> None:
    article = ArticlePage.objects.get(slug="back-pain-relief-with-acupuncture")
    parent = Comment.objects.create(
        article=article, body="First!", name="Sam", email="sam@example.org", status="approved"
    )
    page.goto(live_server.url + ARTICLE)
    page.get_by_role("link", name="Reply to Sam").click()
    expect(page.locator("#reply-to-note")).to_contain_text("Replying to Sam")
    expect(page.get_by_role("textbox", name="Comment (required)")).to_be_focused()
    fill_comment(page, "Replying to Sam here.")
    submit_and_wait(page)
    expect(page.get_by_text("Your comment is awaiting moderation.")).to_be_visible()
    assert Comment.objects.get(body="Replying to Sam here.").parent == parent


def test_skip_link_is_the_first_stop_for_keyboard_users(demo, live_server, page) -> None:
    page.goto(live_server.url + ARTICLE)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


PAGES = [
    "/",
    "/services/",
    "/services/acupuncture-back-pain/",
    "/articles/",
    ARTICLE,
    "/lena-qiao/",
    "/contact/",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_pass_axe_without_serious_or_critical_violations(demo, live_server, page, path):  # type: ignore[no-untyped-def]
    Comment.objects.create(
        article=ArticlePage.objects.get(slug="back-pain-relief-with-acupuncture"),
        body="A published comment, so the thread is checked too.",
        name="Sam",
        email="sam@example.org",
        status="approved",
    )
    page.goto(live_server.url + path)
    page.wait_for_load_state("networkidle")
    results = Axe().run(page)
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], bad
