"""The same hostile clinic (hostile.py) in Chromium: opening every page that shows a payload
raises no dialog. The Content-Security-Policy is stripped from the answers first, so this tests
the escaping itself; the policy is a second wall (clinic/tests/test_csp*.py), not the first.
A control shows the raw payload does raise dialogs in this browser."""

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, Route

from acuclinic.clinic.tests.personas import make_personas

from .hostile import PAYLOAD, SHORT, build

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::ResourceWarning")]


def watch(page: Page) -> list[str]:
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return dialogs


def without_csp(route: Route) -> None:
    response = route.fetch()
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-security-policy"}
    route.fulfill(response=response, headers=headers)


def test_the_control_raw_payload_raises_dialogs(page: Page) -> None:
    dialogs = watch(page)
    page.set_content(f"<body>{PAYLOAD}{SHORT}</body>")
    page.wait_for_timeout(300)
    assert dialogs  # the detector works: unescaped, these run


def test_no_page_runs_a_stored_payload(demo, live_server, browser, private_dir) -> None:  # type: ignore[no-untyped-def]
    hostile = build(make_personas())
    personas = hostile.personas
    contexts = {}
    dialogs: dict[str, list[str]] = {}
    for url, persona in hostile.pages.items():
        if persona not in contexts:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            if persona != "anonymous":
                client = Client()
                client.force_login(personas.user(persona))
                value = client.cookies[settings.SESSION_COOKIE_NAME].value
                context.add_cookies(
                    [{"name": settings.SESSION_COOKIE_NAME, "value": value, "url": live_server.url}]
                )
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.route("**/*", without_csp)
            contexts[persona] = (context, page, watch(page))
        _, page, seen = contexts[persona]
        response = page.goto(f"{live_server.url}{url}")
        assert response is not None and response.status == 200, url
        page.wait_for_load_state("load")
        page.mouse.move(10, 10)
        page.mouse.move(600, 400)  # hover handlers, should any survive
        page.wait_for_timeout(100)
        if seen:
            dialogs[url] = list(seen)
            seen.clear()
    for context, _, _ in contexts.values():
        context.close()
    assert not dialogs, dialogs
