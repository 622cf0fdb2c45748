"""/healthz: the database and the task worker's heartbeat, checked against a real `db_worker`
process on the test database (clinic/health.py explains the heartbeat)."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from acuclinic.clinic.health import HEARTBEAT_PATH

REPO = Path(settings.BASE_DIR)
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
PATIENCE = 3  # seconds a heartbeat may wait for the worker in these tests


def health(client) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    cache.clear()  # the answer is kept for a few seconds per process; these tests ask afresh
    response = client.get("/healthz")
    assert response["Cache-Control"] == "no-store"
    return response.status_code, response.json()


def wait_for(client, status: int, seconds: float = 60) -> dict:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while True:
        code, body = health(client)
        if code == status:
            return body
        assert time.monotonic() < deadline, (code, body)
        time.sleep(0.5)


def database_url() -> str:
    """The test database, for another process."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker_env() -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=database_url(), DEBUG="0")
    env.pop("TEST_DB_NAME", None)
    return env


@pytest.fixture
def db_tasks(settings):  # type: ignore[no-untyped-def]
    settings.TASKS = DB_TASKS
    settings.WORKER_HEARTBEAT_SECONDS = PATIENCE


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture
def worker(worker_env) -> Iterator[subprocess.Popen[bytes]]:  # type: ignore[no-untyped-def]
    process = start_worker(worker_env)
    yield process
    process.kill()
    process.wait(timeout=30)


@pytest.mark.django_db
def test_tasks_run_inline_so_only_the_database_is_checked(client) -> None:
    # The test settings run tasks in the web process (no worker to watch).
    code, body = health(client)
    assert (code, body) == (200, {"database": "ok", "worker": "ok"})


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_is_seen_and_its_death_is_noticed(client, db_tasks, worker) -> None:  # type: ignore[no-untyped-def]
    body = wait_for(client, 200)
    assert set(body) == {"database", "worker", "worker_last_seen"}  # nothing else told
    assert body["database"] == body["worker"] == "ok"
    seen = datetime.fromisoformat(body["worker_last_seen"])
    heartbeats = DBTaskResult.objects.filter(task_path=HEARTBEAT_PATH)
    assert heartbeats.filter(status="SUCCESSFUL").latest("finished_at").finished_at == seen

    worker.kill()
    worker.wait(timeout=30)
    # The next heartbeat is queued a little later and waits in vain: down within PATIENCE.
    body = wait_for(client, 503, seconds=PATIENCE + 15)
    assert body["database"] == "ok" and body["worker"] == "down"
    assert datetime.fromisoformat(body["worker_last_seen"]) >= seen
    assert heartbeats.filter(status="READY").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_new_install_is_down_until_its_worker_runs_a_heartbeat(
    client, db_tasks, worker_env
) -> None:  # type: ignore[no-untyped-def]
    code, body = health(client)
    assert code == 503
    assert body == {"database": "ok", "worker": "down", "worker_last_seen": None}
    worker = start_worker(worker_env)
    try:
        assert wait_for(client, 200)["worker"] == "ok"
    finally:
        worker.kill()
        worker.wait(timeout=30)


@pytest.mark.django_db(transaction=True)
def test_hammering_queues_one_heartbeat_at_a_time(client, db_tasks) -> None:  # type: ignore[no-untyped-def]
    for _ in range(30):
        health(client)  # even with the per-process answer cleared every time
    assert DBTaskResult.objects.filter(task_path=HEARTBEAT_PATH).count() == 1
    # A burst within a few seconds costs one SELECT 1 a request, nothing for the worker part.
    cache.clear()
    client.get("/healthz")
    with CaptureQueriesContext(connection) as queries:
        for _ in range(20):
            client.get("/healthz")
    assert [q["sql"] for q in queries.captured_queries] == ["SELECT 1"] * 20


def test_a_database_that_does_not_answer_is_reported(tmp_path: Path) -> None:
    # A separate process whose database cannot be opened: a directory that does not exist.
    probe = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "r = Client(HTTP_HOST='localhost').get('/healthz')\n"
        "print(r.status_code, r.content.decode())\n"
    )
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="acuclinic.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'missing' / 'db.sqlite3'}",
        ACUCLINIC_VAR_DIR=str(tmp_path / "var"),
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == '503 {"database": "down", "worker": "unknown"}'
