"""The embeddable "Book online" snippet: the staff page that hands it out, and the script
itself running in a real browser on another site's page."""

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import expect

from acuclinic.scheduling.models import Service

from .conftest import SERVICE


@pytest.mark.django_db
def test_staff_get_a_snippet_per_service(client, owner) -> None:
    client.force_login(owner)
    response = client.get("/api/embed/")
    assert response.status_code == 200
    html = response.content.decode()
    script = f"{settings.SITE_URL}/static/js/embed.js"
    for service in Service.objects.bookable_online():
        snippet = (
            f'&lt;script src="{script}" data-acuclinic-service="{service.slug}" '
            "async&gt;&lt;/script&gt;"
        )
        assert snippet in html
    assert 'data-acuclinic-slots="3"' in html
    assert f'<script src="{script}" data-acuclinic-service="{SERVICE}" async></script>' in html
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.django_db
def test_the_embed_page_is_for_staff_only(client, stranger) -> None:
    response = client.get("/api/embed/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/api/embed/")
    client.force_login(stranger)
    assert client.get("/api/embed/").status_code == 403


def test_the_script_is_plain_javascript_with_no_dependencies() -> None:
    source = (settings.STATICFILES_DIRS[0] / "js" / "embed.js").read_text()
    assert not re.search(r"^\s*(import|export)\s", source, re.M)
    assert "innerHTML" not in source  # what the API returns is set as text, never as markup
    assert 'credentials: "omit"' in source


# --- in a browser ---------------------------------------------------------------------------


def host_page(script_src: str, nonce: str = "", **attributes: str) -> str:
    extra = " ".join(f'data-acuclinic-{k}="{v}"' for k, v in attributes.items())
    if nonce:
        extra += f' nonce="{nonce}"'
    return f"""<!doctype html><html lang="en"><head><title>Our old site</title></head>
<body><main><h1>Welcome to our old site</h1>
<p>Book with us:</p>
<script src="{script_src}" data-acuclinic-service="{SERVICE}" {extra} async></script>
</main></body></html>"""


@contextmanager
def another_site(html: str, headers: dict[str, str] | None = None) -> Iterator[str]:
    """The clinic's existing site: a separate server on another port, so another origin.
    (A real local server rather than a routed fake: Chromium keeps public pages away from
    loopback addresses, and this live server is on loopback.)"""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            content = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(content)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_the_snippet_renders_a_button_and_the_next_free_times(demo, live_server, page) -> None:
    script = f"{live_server.url}/static/js/embed.js"
    api_calls = []
    page.on("request", lambda r: api_calls.append(r.url) if "/api/" in r.url else None)
    with another_site(host_page(script, slots="3")) as url:
        page.goto(url)
        assert urlsplit(url).netloc != urlsplit(live_server.url).netloc

    button = page.get_by_role("link", name="Book online")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("href", f"{live_server.url}/book/?service={SERVICE}")

    times = page.get_by_role("list", name="Next free times:").get_by_role("link")
    expect(times).to_have_count(3)
    hrefs = [times.nth(n).get_attribute("href") for n in range(3)]
    starts = []
    for href in hrefs:
        assert href.startswith(f"{live_server.url}/book/?")
        query = parse_qs(urlsplit(href).query)
        assert query["service"] == [SERVICE]
        assert query["practitioner"][0] in {"lena-qiao", "tomas-rivera"}
        start = datetime.fromisoformat(query["start"][0])
        assert start.utcoffset().total_seconds() == 0
        starts.append(start)
    assert starts == sorted(set(starts)), "three different times, soonest first"
    # The visible text is the clinic's local time, with the zone's abbreviation.
    assert re.search(r"M[SD]T", times.first.inner_text())
    assert len(api_calls) == 1 and "service=acupuncture-back-pain" in api_calls[0]
    # What the snippet adds keeps the host page accessible (contrast, names, list markup).
    results = Axe().run(page, context=".acuclinic-embed")
    serious = [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


@pytest.mark.browser
def test_without_slots_only_the_button_and_no_request(demo, live_server, page) -> None:
    script = f"{live_server.url}/static/js/embed.js"
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    html = host_page(script, practitioner="tomas-rivera", label="Book with Tomás")
    with another_site(html) as url:
        page.goto(url)
    button = page.get_by_role("link", name="Book with Tomás")
    expect(button).to_have_attribute(
        "href", f"{live_server.url}/book/?service={SERVICE}&practitioner=tomas-rivera"
    )
    assert not [r for r in requests if "/api/" in r]
    expect(page.get_by_role("list")).to_have_count(0)


# Reports each CSP violation in the host page to the test (the binding survives the policy).
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(event.effectiveDirective + " " + event.blockedURI);
});
"""


@pytest.mark.browser
def test_on_a_site_with_a_nonce_based_csp_the_button_is_styled(demo, live_server, page) -> None:
    # A clinic's other site with a strict policy of its own: only scripts and styles carrying
    # the page's nonce. The snippet's <style> takes the nonce of its own <script> tag.
    nonce = "c25pcHBldC10ZXN0"
    policy = (
        f"default-src 'self'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
        f"connect-src {live_server.url}; object-src 'none'; base-uri 'none'"
    )
    violations: list[str] = []
    page.expose_binding("reportCspViolation", lambda _source, v: violations.append(v))
    page.add_init_script(REPORT_VIOLATIONS)
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    script = f"{live_server.url}/static/js/embed.js"
    html = host_page(script, nonce=nonce, slots="2")
    with another_site(html, {"Content-Security-Policy": policy}) as url:
        page.goto(url)
        button = page.get_by_role("link", name="Book online")
        expect(button).to_be_visible()
        expect(page.get_by_role("list", name="Next free times:").get_by_role("link")).to_have_count(
            2
        )
    # The snippet's own look (a refused <style> would leave a plain underlined link).
    expect(button).to_have_css("background-color", "rgb(31, 95, 74)")
    expect(button).to_have_css("color", "rgb(255, 255, 255)")
    expect(button).to_have_css("text-decoration-line", "none")
    expect(page.locator("style#acuclinic-embed-style")).to_have_count(1)
    assert violations == []
