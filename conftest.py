"""Shared test fixtures: the demo clinic, personas, a real SMTP server, a real browser."""

import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings

from acuclinic.settings import mailer_from_url

IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(scope="session", autouse=True)
def _test_media_and_tasks() -> Iterator[None]:
    media = tempfile.mkdtemp(prefix="acuclinic-media-")
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    storages = {"default": settings.STORAGES["default"], "staticfiles": static}
    # A cheap proof of work: the real one is the same code with more PBKDF2 rounds.
    cheap = {"ALTCHA_COST": 20}
    with override_settings(MEDIA_ROOT=media, TASKS=IMMEDIATE_TASKS, STORAGES=storages, **cheap):
        yield
    shutil.rmtree(media, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # Page-cache keys hold the content version, which restarts when a test database is reset.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Seed the demo clinic once; tests using `db` roll back to it."""
    with django_db_blocker.unblock():
        call_command("seed_demo", "--without-outcome-history", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture
def demo(transactional_db):  # type: ignore[no-untyped-def]
    """For tests that run with transactions (live server, browser): the flush after each such
    test empties every table, so seed again (seed_demo also rebuilds Wagtail's base rows)."""
    call_command("seed_demo", "--without-outcome-history", stdout=open(os.devnull, "w"))  # noqa: SIM115


# --- personas ---------------------------------------------------------------------------


@pytest.fixture
def owner(django_user_model):  # type: ignore[no-untyped-def]
    return django_user_model.objects.get(username="demo")


@pytest.fixture
def moderator(django_user_model):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(
        "frontdesk", "frontdesk@example.com", "front-desk-pass-1", is_staff=True
    )
    user.user_permissions.add(Permission.objects.get(codename="moderate_comment"))
    return user


@pytest.fixture
def staff_without_permission(django_user_model):  # type: ignore[no-untyped-def]
    return django_user_model.objects.create_user(
        "assistant", "assistant@example.com", "assistant-pass-1", is_staff=True
    )


@pytest.fixture
def stranger(django_user_model):  # type: ignore[no-untyped-def]
    return django_user_model.objects.create_user(
        "stranger", "stranger@example.com", "stranger-pass-1"
    )


# --- a real SMTP server on loopback -----------------------------------------------------


@dataclass
class Mailbox:
    messages: list[Message] = field(default_factory=list)

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if address in m.get("To", "")]


class _Handler:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.mailbox.messages.append(message_from_bytes(envelope.original_content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings) -> Iterator[Mailbox]:  # type: ignore[no-untyped-def]
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    with socket.socket() as probe:  # aiosmtpd checks readiness by connecting: name a real port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(_Handler(mailbox), hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {"default": mailer_from_url(f"smtp://127.0.0.1:{port}")}
    try:
        yield mailbox
    finally:
        controller.stop()


# --- a real browser ---------------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    # Playwright's sync API runs an event loop; Django's ORM refuses that unless told it is fine.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
