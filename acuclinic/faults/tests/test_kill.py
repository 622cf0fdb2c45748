"""SIGKILL the web and task workers in the middle of a booking load (bench/faults.py, short).

Real processes on this test's database: gunicorn with 2 workers, `manage.py db_worker`, an SMTP
server on 127.0.0.1 counting what arrives. The checks are in bench/faults.py `check`: every 201
exists once with its id, no overlaps, no e-mail twice, every row marked sent arrived once, and
every booking has its confirmation rows after the sweep (a task lost with a killed process is
composed by the sweep).
"""

import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import connection

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))

import faults

pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def test_killed_workers_lose_and_duplicate_nothing(demo) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory(prefix="acuclinic-kill-") as tmp:
        report = faults.run(
            database_url(),
            Path(tmp),
            seconds=8,
            kills=4,  # a gunicorn worker, the task worker, another worker, all of gunicorn
            clients=6,
            distinct=24,
            same_groups=2,
            same_size=4,
            first_day=date.today() + timedelta(days=45),
            log=lambda line: print(line),
            in_process=True,
        )
    summary = report.summary()
    print(summary)
    assert len(report.kills) >= 3, report.kills
    assert not report.problems, summary
    assert summary["final_statuses"].get("201", 0) >= 24 + 2
    assert summary["final_statuses"].get("409", 0) == 2 * 3  # the losers of the contested slots
    # Every booking has both confirmations (check() fails a missing one): each arrived, but
    # for one whose sender was killed mid-send (marked failed, "send again": at most once).
    booked = summary["final_statuses"]["201"]
    failed = sum(n for kind, n in summary["outbox"].items() if kind == "booked/failed")
    assert summary["smtp_messages"] >= 2 * booked - failed
