"""A full disk, for real: the server (and `manage.py backup`) run with RLIMIT_FSIZE, so a write
past the limit fails with EFBIG as a write on a full disk fails with ENOSPC (SIGXFSZ ignored,
as Python does anyway). SQLite only: a PostgreSQL server's disk is not this process's to fill.

- Bookings through the JSON API on a server whose file-size limit is a little above the
  database file, until writes fail: every 201 the client saw is there after a restart without
  the limit, every failure is a 503 that says to try again (never a 500), reads keep working,
  PRAGMA integrity_check is ok.
- Document uploads in the portal, too large for the limit (streamed to a temporary file, or
  held in memory and written to the private folder), and small ones once the database is full:
  503, no row for a missing or cut-off file, no partial file left.
- `manage.py backup` onto a destination that fills: a non-zero exit with a clear message,
  nothing left in the folder (no partial file for restore to find).

The database is a copy of the test database (the demo clinic), in a temporary folder.
"""

import contextlib
import errno
import json
import resource
import signal
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests
from django.db import connection

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

from faults import environment
from run import REPO, VENV_BIN, Server, free_port, stop_server, wait_ready

from acuclinic.patients.documents import MAX_BYTES
from acuclinic.patients.tests.files import pdf_of_size

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="a file-size limit on our own process: PostgreSQL's disk is its server's",
    ),
]

SERVICE = "acupuncture-back-pain"
TRY_AGAIN = "Please try again in a few minutes."
IN_MEMORY = 2_621_440  # Django's FILE_UPLOAD_MAX_MEMORY_SIZE: larger uploads go to a temp file


def limited(max_bytes: int | None) -> Callable[[], None] | None:
    """preexec_fn: no file this process writes may grow past `max_bytes` (EFBIG)."""
    if max_bytes is None:
        return None

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return apply


@dataclass
class Clinic:
    """A copy of the demo clinic in its own var folder, and what a server needs to run on it."""

    root: Path
    env: dict[str, str]
    session: str = ""  # a signed-in patient's session key
    servers: list[Server] = field(default_factory=list)

    @property
    def var(self) -> Path:
        return self.root / "var"

    @property
    def database(self) -> Path:
        return self.var / "clinic.sqlite3"

    @property
    def temp(self) -> Path:
        return self.root / "tmp"

    def manage(self, *args: str, max_bytes: int | None = None) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            preexec_fn=limited(max_bytes),
        )

    def start(self, max_bytes: int | None) -> Server:
        port = free_port()
        log = self.root / f"gunicorn-{len(self.servers)}.log"
        cmd = [str(VENV_BIN / "gunicorn"), "acuclinic.wsgi", "--bind", f"127.0.0.1:{port}"]
        cmd += ["--workers", "1", "--worker-class", "sync", "--log-level", "warning"]
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                cmd,
                cwd=REPO,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=limited(max_bytes),
            )
        server = Server(f"limit {max_bytes}", port, proc, log)
        self.servers.append(server)
        wait_ready(server)
        return server

    def browser(self, server: Server) -> requests.Session:
        """A signed-in patient's browser, its CSRF cookie fetched with the upload page."""
        web = requests.Session()
        web.cookies.set("sessionid", self.session)
        page = web.get(url(server, "/portal/documents/"), timeout=60)
        assert page.status_code == 200, page.text[:500]
        assert "csrftoken" in web.cookies
        return web

    def documents(self) -> tuple[list[tuple[str, int]], list[Path]]:
        """(rows: file name and size, files in the private folder)."""
        with contextlib.closing(sqlite3.connect(self.database)) as db:
            rows = db.execute("SELECT file, size FROM patients_document").fetchall()
        folder = self.var / "private"
        files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
        return rows, files

    def integrity(self) -> str:
        with contextlib.closing(sqlite3.connect(self.database)) as db:
            return str(db.execute("PRAGMA integrity_check").fetchone()[0])


def url(server: Server, path: str) -> str:
    return f"http://127.0.0.1:{server.port}{path}"


@pytest.fixture(scope="module")
def static_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """collectstatic once for this module's servers (DEBUG off: the manifest is needed)."""
    var = tmp_path_factory.mktemp("static-var")
    env = environment(var, f"sqlite:///{var / 'unused.sqlite3'}", free_port())
    done = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return var / "static"


@pytest.fixture
def clinic(tmp_path: Path, static_root: Path) -> Iterator[Clinic]:
    """The test database copied (SQLite's backup API: a consistent copy of what is committed,
    the demo clinic), a patient with a portal account, nothing running yet."""
    (tmp_path / "var").mkdir()
    (tmp_path / "tmp").mkdir()
    (tmp_path / "var" / "static").symlink_to(static_root)
    made = Clinic(tmp_path, {})
    with (
        contextlib.closing(sqlite3.connect(connection.settings_dict["NAME"])) as source,
        contextlib.closing(sqlite3.connect(made.database)) as copy,
    ):
        source.backup(copy)
    made.env = environment(made.var, f"sqlite:///{made.database}", free_port())
    made.env["TMPDIR"] = str(made.temp)  # where uploads too large for memory are spooled
    signed_in = made.manage("shell", "-c", SIGN_IN)
    assert signed_in.returncode == 0, signed_in.stderr[-3000:]
    made.session = signed_in.stdout.strip().splitlines()[-1]
    try:
        yield made
    finally:
        for server in made.servers:
            stop_server(server)


# Run in the copy's `manage.py shell`: a patient with a portal account, signed in; prints the
# session key.
SIGN_IN = """
from django.contrib.auth import get_user_model
from django.test import Client
from acuclinic.patients.models import Patient
user = get_user_model().objects.create_user("full-disk", "full-disk@example.org", None)
Patient.objects.create(full_name="Dora Fulton", email="full-disk@example.org", user=user)
client = Client()
client.force_login(user)
print(client.cookies["sessionid"].value)
"""


def upload(web: requests.Session, server: Server, data: bytes) -> requests.Response:
    return web.post(
        url(server, "/portal/documents/"),
        data={"kind": "imaging", "csrfmiddlewaretoken": web.cookies["csrftoken"]},
        files={"file": ("scan.pdf", data, "application/pdf")},
        allow_redirects=False,
        timeout=120,
    )


def assert_try_again(answer: requests.Response) -> None:
    assert answer.status_code == 503, (answer.status_code, answer.text[:500])
    assert answer.headers["Retry-After"] == "120"
    text = answer.json()["detail"] if "json" in answer.headers["Content-Type"] else answer.text
    assert TRY_AGAIN in text


def free_slots(server: Server, first: date, weeks: int) -> list[dict]:
    found = []
    for week in range(weeks):
        start = first + timedelta(days=7 * week)
        path = f"/api/availability?service={SERVICE}&practitioner=any&start={start}&days=7"
        answer = requests.get(url(server, path), timeout=60)
        assert answer.status_code == 200, answer.text[:500]
        found += answer.json()["slots"]
    return found


@dataclass
class Bookings:
    confirmed: list[str] = field(default_factory=list)  # the ids of the 201s
    refused: list[str] = field(default_factory=list)  # the e-mail addresses of the 503s
    taken: int = 0  # 409: the slot overlapped one booked before (buffers)


def book_until_full(server: Server, slots: list[dict], most: int) -> Bookings:
    """Book one slot after another until five in a row are refused with a 503."""
    seen = Bookings()
    streak = 0
    for n, slot in enumerate(slots[:most]):
        email = f"disk-{n}@example.com"
        body = {
            "service": SERVICE,
            "practitioner": slot["practitioner"],
            "start": slot["local_start"],
            "name": f"Full Disk {n}",
            "email": email,
            "phone": "303-555-0142",
        }
        headers = {"Idempotency-Key": uuid.uuid4().hex}
        answer = requests.post(url(server, "/api/bookings"), json=body, headers=headers, timeout=60)
        if answer.status_code == 201:
            seen.confirmed.append(answer.json()["id"])
            streak = 0
        elif answer.status_code == 409:
            seen.taken += 1
        else:
            assert_try_again(answer)
            seen.refused.append(email)
            streak += 1
            if streak == 5:
                break
    return seen


def test_bookings_and_uploads_on_a_full_disk(clinic: Clinic) -> None:
    size = clinic.database.stat().st_size
    limit = size + 64 * 1024  # the database may grow by 16 pages, the WAL to the same size
    too_large = max(limit, IN_MEMORY) + 200_000  # spooled to a temporary file
    assert too_large < MAX_BYTES, (size, limit)  # else the upload would be refused as too large
    server = clinic.start(limit)
    web = clinic.browser(server)
    print(f"database {size} bytes, file-size limit {limit}")

    # An upload larger than any file may be: spooled to a temporary file, whose write fails.
    assert_try_again(upload(web, server, pdf_of_size(too_large)))
    assert clinic.documents() == ([], [])
    assert list(clinic.temp.iterdir()) == []  # the spooled part is gone too

    # Bookings until the database takes no more.
    slots = free_slots(server, date.today() + timedelta(days=60), 12)
    seen = book_until_full(server, slots, most=3000)
    print(
        f"{len(seen.confirmed)} x 201, {seen.taken} x 409, then {len(seen.refused)} x 503 "
        f"(of {len(slots)} free slots)"
    )
    assert seen.confirmed and len(seen.refused) == 5, "the database never filled"
    # Reads still work.
    assert requests.get(url(server, "/api/services"), timeout=60).status_code == 200
    assert web.get(url(server, "/portal/documents/"), timeout=60).status_code == 200
    # A small upload: the file fits, its row does not. No file stays behind without its row.
    assert_try_again(upload(web, server, pdf_of_size(100_000)))
    stop_server(server)
    assert clinic.documents() == ([], [])

    # Restarted without the limit: everything the clients were told is there, once.
    server = clinic.start(None)
    again = book_until_full(server, free_slots(server, date.today() + timedelta(days=45), 1), 1)
    assert len(again.confirmed) == 1, "no booking after the restart"
    web = clinic.browser(server)
    assert upload(web, server, pdf_of_size(100_000)).status_code == 302
    stop_server(server)
    assert clinic.integrity() == "ok"
    with contextlib.closing(sqlite3.connect(clinic.database)) as db:
        stored = [
            str(uuid.UUID(row[0]))
            for row in db.execute("SELECT public_id FROM scheduling_appointment")
        ]
        emails = {
            row[0]
            for row in db.execute(
                "SELECT p.email FROM scheduling_appointment a"
                " JOIN patients_patient p ON a.patient_id = p.id"
            )
        }
    for public_id in seen.confirmed + again.confirmed:
        assert stored.count(public_id) == 1, public_id
    assert not emails & set(seen.refused)  # a 503 booked nothing
    [(name, stored_size)], [file] = clinic.documents()
    assert file == clinic.var / "private" / name and file.stat().st_size == stored_size == 100_000

    # A booking that committed just before the disk filled may have lost its confirmation's
    # task (queued after the commit, into the full database): the sweep makes it good.
    swept = clinic.manage("shell", "-c", SWEEP % json.dumps(seen.confirmed + again.confirmed))
    assert swept.returncode == 0, swept.stderr[-3000:]
    assert json.loads(swept.stdout.strip().splitlines()[-1]) == []


# The sweep a few minutes on (past its grace period); prints the bookings still without the
# patient's confirmation.
SWEEP = """
import json
from datetime import timedelta
from django.utils import timezone
from acuclinic.notifications import reminders
from acuclinic.notifications.models import OutgoingMessage
from acuclinic.scheduling.models import Appointment
reminders.queue_due(timezone.now() + timedelta(minutes=3))
told = set(OutgoingMessage.objects.filter(kind="booked", audience="patient")
           .values_list("appointment__public_id", flat=True))
print(json.dumps([i for i in json.loads('%s') if Appointment.objects.get(public_id=i).public_id
                  not in told]))
"""


def test_an_upload_held_in_memory_leaves_no_partial_file(clinic: Clinic) -> None:
    """Under Django's in-memory size, the upload is written straight to the private folder by
    the storage: the write past the limit fails part way, and the part written is removed."""
    limit = 1024 * 1024
    server = clinic.start(limit)
    web = clinic.browser(server)
    assert_try_again(upload(web, server, pdf_of_size(limit + 500_000)))  # < IN_MEMORY
    assert clinic.documents() == ([], [])
    assert upload(web, server, pdf_of_size(200_000)).status_code == 302  # one that fits
    stop_server(server)
    [(name, stored_size)], [file] = clinic.documents()
    assert file == clinic.var / "private" / name and file.stat().st_size == stored_size == 200_000
    assert clinic.integrity() == "ok"


def test_a_backup_onto_a_full_disk_leaves_nothing(clinic: Clinic) -> None:
    key = clinic.root / "backup.key"
    made = clinic.manage("backup", "--make-key", "--key-file", str(key))
    assert made.returncode == 0, made.stderr
    # A private document larger than the room left once the database is copied.
    scan = clinic.var / "private" / "documents" / "scan.pdf"
    scan.parent.mkdir(parents=True)
    scan.write_bytes(pdf_of_size(2 * 1024 * 1024))
    size = clinic.database.stat().st_size
    dest = clinic.root / "backups"
    dest.mkdir()
    output = dest / "clinic.acubak"
    backup = ("backup", "--key-file", str(key), "--output", str(output))

    # No room for the database's copy; room for it, not for the document after it.
    for limit in (size // 2, size + 512 * 1024):
        failed = clinic.manage(*backup, max_bytes=limit)
        print(f"limit {limit}: exit {failed.returncode}: {failed.stderr.strip()[-400:]}")
        assert failed.returncode != 0
        assert "Traceback" not in failed.stderr
        assert str(dest) in failed.stderr and "room" in failed.stderr
        assert list(dest.iterdir()) == []  # no partial file, no work folder

    done = clinic.manage(*backup)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in dest.iterdir()] == ["clinic.acubak"]
    checked = clinic.manage("backup", "--verify", str(output), "--key-file", str(key))
    assert checked.returncode == 0, checked.stderr
    assert "private: 1 files" in checked.stdout


def test_the_limit_is_a_full_disk_to_the_writer(tmp_path: Path) -> None:
    """What the tests above rely on: past the limit a write fails with EFBIG (an OSError, as
    ENOSPC is), and the process lives on."""
    code = (
        "import errno, sys\n"
        "try:\n"
        f"    open({str(tmp_path / 'big')!r}, 'wb').write(b'x' * 200_000)\n"
        "except OSError as e:\n"
        "    sys.exit(0 if e.errno == errno.EFBIG else 2)\n"
        "sys.exit(1)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        preexec_fn=limited(100_000),
        check=False,
        timeout=60,
    )
    assert done.returncode == 0
    assert (tmp_path / "big").stat().st_size == 100_000
    assert errno.EFBIG != errno.ENOSPC
