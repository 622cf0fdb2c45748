"""A database that takes no writes: 503 with a clear message for writes, reads still served,
nothing corrupted.

SQLite: the connection switched to query_only, as a read-only file or a read-only mount behaves
(root ignores chmod, so a file mode would prove nothing here). PostgreSQL: the test's
transaction made READ ONLY, as a hot standby or `default_transaction_read_only` answers
(SQLSTATE 25006); the test's rollback ends it.
"""

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from acuclinic.clinic.signin import SEEN_AT, SEEN_EVERY, SIGNED_IN_AT
from acuclinic.clinic.tests.personas import make_personas

pytestmark = pytest.mark.django_db

MIDDLEWARE = "acuclinic.faults.middleware.StorageUnavailableMiddleware"
EMAIL = "read-only@example.com"
SESSIONS_PAGE = "/accounts/sessions/"  # a signed-in page that only reads


@contextlib.contextmanager
def no_writes() -> Iterator[None]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA query_only = ON")
        else:
            # Foreign keys are checked at the end; those of rows written so far are checked
            # now, while they may still take their locks (FOR KEY SHARE is a write to PG).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute("SET TRANSACTION READ ONLY")
    try:
        yield
    finally:
        if connection.vendor == "sqlite":
            connection.connection.execute("PRAGMA query_only = OFF")
        # PostgreSQL: read-only ends with the test's transaction (rolled back).


@pytest.fixture
def read_only(settings):  # type: ignore[no-untyped-def]
    assert MIDDLEWARE in settings.MIDDLEWARE  # installed in settings.py
    with no_writes():
        yield


def booking(client) -> dict:  # type: ignore[no-untyped-def]
    """A free slot 40 days ahead, asked for as a visitor would (a read)."""
    start = date.today() + timedelta(days=40)
    found = client.get(
        f"/api/availability?service=acupuncture-back-pain&practitioner=any&start={start}&days=7"
    )
    assert found.status_code == 200
    slot = found.json()["slots"][0]
    return {
        "service": "acupuncture-back-pain",
        "practitioner": slot["practitioner"],
        "start": slot["local_start"],
        "name": "Read Only",
        "email": EMAIL,
    }


def test_writes_get_503_reads_work(db, client, read_only) -> None:  # type: ignore[no-untyped-def]
    client.raise_request_exception = False
    # Reads first (see below).
    assert client.get("/api/services").status_code == 200
    body = booking(client)
    answer = client.post("/api/bookings", body, content_type="application/json")
    assert answer.status_code == 503, answer.content[:500]
    assert "try again" in answer.json()["detail"]
    assert answer["Retry-After"] == "120"
    # (Reads after it are not tried here: in a test the failed write spoils the test's own
    # transaction, which a server's requests, a transaction each, do not share. The full-disk
    # test reads after failed writes, from a real server.)
    if connection.vendor == "sqlite":
        # The file is whole (another connection: this one's transaction is spoilt).
        with contextlib.closing(sqlite3.connect(connection.settings_dict["NAME"])) as other:
            assert other.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def signed_in_patient(last_seen_ago: float) -> Client:
    """A patient's session whose last-seen time is `last_seen_ago` seconds old: a minute or
    more, and the next request saves the session (clinic.signin.SessionPolicyMiddleware)."""
    client = make_personas().client("patient_a")
    client.raise_request_exception = False
    session = client.session
    session[SIGNED_IN_AT] = session[SEEN_AT] = time.time() - last_seen_ago
    session.save()
    return client


def test_a_signed_in_read_is_served(db) -> None:  # type: ignore[no-untyped-def]
    # Last seen in a minute's future: this request has no reason to save the session.
    client = signed_in_patient(-SEEN_EVERY)
    with no_writes():
        assert client.get(SESSIONS_PAGE).status_code == 200


def remember(request: HttpRequest) -> HttpResponse:
    """A view that writes nothing itself; the session it starts is saved after it returns."""
    request.session["visited"] = True
    return HttpResponse("ok")


urlpatterns = [path("remember/", remember)]


@pytest.mark.urls(__name__)
def test_a_write_after_the_view_is_a_503_too(db, client) -> None:  # type: ignore[no-untyped-def]
    """The write that fails is the new session's, saved by SessionMiddleware on the way out
    (inside this middleware): a 500 by the time it comes back out, turned into the 503."""
    client.raise_request_exception = False
    with no_writes():
        answer = client.get("/remember/")
    assert answer.status_code == 503, answer.content[:300]
    assert "Temporarily unavailable" in answer.text
    assert "try again" in answer.text
    assert answer["Retry-After"] == "120"


def test_without_the_middleware_it_is_a_500(db, client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE]
    client.raise_request_exception = False
    body = booking(client)
    with no_writes():
        answer = client.post("/api/bookings", body, content_type="application/json")
    assert answer.status_code == 500


@pytest.mark.urls(__name__)
def test_without_the_middleware_the_session_is_a_500(db, client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE]
    client.raise_request_exception = False
    with no_writes():
        assert client.get("/remember/").status_code == 500
