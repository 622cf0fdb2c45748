"""The Content-Security-Policy in a real browser: the pages people use work under it and the
browser reports no violation (a blocked script or style would be a broken page in production).

Violations are caught two ways: the `securitypolicyviolation` event in every page (reported to
the test through a binding, so none is lost across navigations) and Chromium's console message.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

from acuclinic.website.models import ArticlePage

pytestmark = [pytest.mark.browser]

ARTICLE = "/articles/back-pain-relief-with-acupuncture/"
LISTEN = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation({
    page: location.pathname,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile + ":" + event.lineNumber,
    sample: event.sample,
  });
});
"""


@dataclass
class Violations:
    events: list[dict] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.events or self.console)


@pytest.fixture
def watched(browser) -> Iterator[tuple[BrowserContext, Violations]]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    found = Violations()
    context.expose_binding("reportCspViolation", lambda _source, v: found.events.append(v))
    context.add_init_script(LISTEN)

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            found.console.append(message.text)

    context.on("page", lambda page: page.on("console", on_console))
    yield context, found
    context.close()


def sign_in(page: Page, base: str, next_url: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.get_by_label("Login").fill("demo")
    page.get_by_label("Password").fill("acuclinic-demo")
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(re.escape(next_url)))


def test_public_pages_and_the_booking_flow(demo, live_server, watched, settings) -> None:  # type: ignore[no-untyped-def]
    settings.COMMENT_MIN_FILL_SECONDS = 1
    context, found = watched
    page = context.new_page()
    page.goto(live_server.url + "/")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()

    # An article with its comment form: the proof-of-work widget solves in a worker (blob:).
    page.goto(live_server.url + ARTICLE)
    assert page.locator("style#altcha-css").count() == 0  # the widget used our stylesheet
    page.get_by_role("textbox", name="Comment (required)").fill("Clear, thank you.")
    page.get_by_role("textbox", name="Name (required)").fill("Rosa Browser")
    page.get_by_role("textbox", name="Email (required)").fill("rosa.csp@example.org")
    # (Not wait_for_function: Playwright evaluates that with eval, which the policy refuses.)
    expect(page.locator("input[name=altcha]")).to_have_value(re.compile("."))
    page.wait_for_timeout(1100)
    page.get_by_role("button", name="Post Comment").click()
    expect(page.get_by_text("Your comment is awaiting moderation.")).to_be_visible()

    # Booking, to the choice of a time (its script shows the visitor's own clock).
    page.goto(live_server.url + "/book/")
    page.get_by_role("link", name=re.compile("back pain", re.IGNORECASE)).first.click()
    page.get_by_role("link", name="Any practitioner").click()
    expect(page.get_by_role("heading", name="Choose a day and time")).to_be_visible()
    page.get_by_role("link", name="Later →").first.click()
    page.get_by_role("link", name="Later →").first.click()
    page.locator("a.time").first.click()
    expect(page.get_by_role("heading", name="Your details")).to_be_visible()

    page.goto(live_server.url + "/accounts/login/code/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert not found, found


def test_the_desk_calendar_and_the_cms_editor(demo, live_server, watched, settings) -> None:  # type: ignore[no-untyped-def]
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    context, found = watched
    page = context.new_page()
    sign_in(page, live_server.url, "/desk/calendar/")
    expect(page.locator(".cal-grid.is-placed")).to_be_visible()  # laid out without style=""
    tops = page.locator(".cal-appointment").evaluate_all(
        "es => es.map(e => getComputedStyle(e).getPropertyValue('--top').trim())"
    )
    assert all(t.isdigit() for t in tops), tops
    page.get_by_role("link", name=re.compile(r"^Book on ")).first.click()
    page.get_by_role("searchbox", name="Find a patient").fill("Lindq")  # htmx, as you type
    page.get_by_role("radio", name=re.compile("Avery Lindqvist")).check()
    page.get_by_label("Service").select_option(label="Cupping")
    expect(page.locator("#free-times")).to_contain_text("Lena Qiao")  # htmx again
    desk = list(found.events), list(found.console)

    # The editor (a relaxed policy of its own): edit an article, open the live preview.
    article = ArticlePage.objects.get(url_path__endswith=ARTICLE)
    page.goto(f"{live_server.url}/cms/pages/{article.pk}/edit/")
    expect(page.get_by_role("textbox", name="Title*", exact=True)).to_be_visible()
    page.get_by_role("button", name="Toggle preview").click()
    preview = page.get_by_title("Preview", exact=True).last.content_frame
    expect(preview.get_by_role("heading", level=1)).to_be_visible()
    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    assert desk == ([], []), desk
    assert not found, found
