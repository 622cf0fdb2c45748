"""Fault tests (issue 8 D): SIGKILL the web and task workers in the middle of a booking load.

A real gunicorn (run.py's start_server) and `manage.py db_worker` serve a database that has the
demo clinic in it; e-mail goes to a real SMTP server on 127.0.0.1 (aiosmtpd) that counts every
message it takes by its Message-ID. Client threads book through the JSON API, most of them
distinct slots and some racing for the same slot, each request with an Idempotency-Key; a
request that gets no answer (the worker died, the server is restarting) is sent again with the
same key until it gets one. Meanwhile a killer SIGKILLs gunicorn workers (the master starts new
ones), the whole gunicorn (restarted on a new port) and the task worker (restarted), several
times. Afterwards the outbox's clock is moved on (as if the minute-by-minute sweep had run for
a quarter of an hour), the sweep and the worker run until nothing is left to do, and the
checks run:

- every booking a client saw confirmed (201) exists, once, with the id it was given;
- no two active appointments overlap for a practitioner or a room;
- no message reached the SMTP server twice; every row marked sent reached it exactly once;
- every booking has its confirmation rows, patient's and practitioner's (a task lost with a
  killed process is made good by the sweep: notifications/confirmations.py).

Used by acuclinic/faults/tests/test_kill.py (short) and from the command line (longer):
    .venv/bin/python bench/faults.py --seconds 60 --kills 8
    .venv/bin/python bench/faults.py --postgres postgres://postgres@127.0.0.1:5432/postgres
"""

import argparse
import contextlib
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from email import message_from_bytes
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from booking_http import Request, call
from run import Server, manage, start_server, stop_server, wait_ready

REPO = Path(__file__).resolve().parent.parent
SECRET_KEY = "faults-" + "k" * 60  # the same in every process, so Message-IDs can be computed
SERVICE = "acupuncture-back-pain"


# --- a real SMTP server that counts ----------------------------------------------------------


class Smtp:
    """aiosmtpd on 127.0.0.1; `counts` maps Message-ID to how many times it arrived."""

    def __init__(self, port: int | None = None) -> None:
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()
        if port is None:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
        self.port = port
        self.controller = None

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        message = message_from_bytes(envelope.original_content)
        with self.lock:
            self.counts[message.get("Message-ID", "")] += 1
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def message_id_prefix(dedupe_key: str) -> str:
    """outbox._message_id without its domain: `<digest.acuclinic@`."""
    digest = hashlib.sha256(f"{SECRET_KEY}:{dedupe_key}".encode()).hexdigest()
    return f"<{digest[:32]}.acuclinic@"


# --- the processes ---------------------------------------------------------------------------


def environment(var_dir: Path, database_url: str, smtp_port: int) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("GUNICORN_CMD_ARGS", "MEDIA_ROOT", "DJANGO_SETTINGS_MODULE", "TEST_DB_NAME"):
        env.pop(name, None)
    env.update(
        {
            "ACUCLINIC_VAR_DIR": str(var_dir),
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET_KEY,
            "DEBUG": "0",
            "ACUCLINIC_BENCH": "1",
            "ALLOWED_HOSTS": "127.0.0.1",
            "PYTHONUNBUFFERED": "1",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "API_BOOKING_RATE": "",
        }
    )
    return env


class Worker:
    """`manage.py db_worker`, restartable."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log, self.proc = env, log, None
        self.starts = 0

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--interval", "0.2"],
                cwd=REPO,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1

    def kill(self) -> None:
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def gunicorn_workers(server: Server) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, ValueError):
                stat = Path(f"/proc/{entry}/stat").read_text()
                if int(stat[stat.rindex(")") + 2 :].split()[1]) == server.proc.pid:
                    found.append(int(entry))
    return found


class Web:
    """gunicorn that can be killed whole and started again (on a new port)."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.env, self.workdir = env, workdir
        self.server: Server | None = None
        self.generation = 0
        self.ready = threading.Event()

    def start(self) -> None:
        self.generation += 1
        self.server = start_server(f"web{self.generation}", self.env, self.workdir, 2)
        wait_ready(self.server)
        self.ready.set()

    def port(self) -> int:
        self.ready.wait(60)
        assert self.server is not None
        return self.server.port

    def kill_all(self) -> None:
        self.ready.clear()
        assert self.server is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.server.proc.pid, signal.SIGKILL)
        self.server.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.server is not None:
            stop_server(self.server)


# --- the load --------------------------------------------------------------------------------


@dataclass
class Job:
    key: str
    body: dict
    group: str  # "distinct" or "same:<n>"


@dataclass
class Result:
    job: Job
    status: int | None = None
    attempts: int = 0
    answer: dict = field(default_factory=dict)
    unanswered: int = 0  # attempts with no HTTP answer or a 5xx


def run_job(web: Web, job: Job, give_up: float, at: float) -> Result:
    result = Result(job)
    while (pause := at - time.monotonic()) > 0:
        time.sleep(min(pause, 0.2))
    while time.monotonic() < give_up:
        result.attempts += 1
        req = Request("POST", "/api/bookings", job.body, (("Idempotency-Key", job.key),))
        outcome = call(web.port(), req, timeout=15)
        answer = outcome.json()
        # A worker killed while writing leaves a cut answer: the client cannot read it either.
        if outcome.status is not None and outcome.status < 500 and isinstance(answer, dict):
            result.status = outcome.status
            result.answer = answer
            return result
        result.unanswered += 1
        time.sleep(0.2)
    return result


def jobs_for(slots: list[dict], tag: str, same_groups: int, same_size: int) -> list[Job]:
    """Distinct slots for most, and `same_groups` slots each wanted by `same_size` people."""
    jobs = []
    contested, distinct = slots[:same_groups], slots[same_groups:]
    for n, slot in enumerate(distinct):
        jobs.append(Job(f"{tag}-d{n}", booking_body(slot, f"{tag}-d{n}"), "distinct"))
    for g, slot in enumerate(contested):
        for m in range(same_size):
            name = f"{tag}-s{g}-{m}"
            jobs.append(Job(name, booking_body(slot, name), f"same:{g}"))
    return jobs


def booking_body(slot: dict, who: str) -> dict:
    return {
        "service": SERVICE,
        "practitioner": slot["practitioner"],
        "start": slot["local_start"],
        "name": f"Fault Patient {who}",
        "email": f"{who}@example.com",
        "phone": "303-555-0142",
    }


def gap(end: str) -> str:
    from datetime import datetime

    return (datetime.fromisoformat(end) + timedelta(minutes=30)).isoformat()


def free_slots(web: Web, first: date, days: int, needed: int = 0) -> list[dict]:
    """Free slots from `first`, `days` at a time until there are `needed` (at most 12 times)."""
    # Only slots that overlap no other chosen one: then no two distinct bookings compete for
    # a practitioner or a room, and every answer there but 201 is wrong.
    chosen: list[dict] = []
    start = first
    for _ in range(12):
        path = f"/api/availability?service={SERVICE}&practitioner=any&start={start}&days={days}"
        outcome = call(web.port(), Request("GET", path), timeout=60)
        if outcome.status != 200:
            raise RuntimeError(f"GET {path}: {outcome.status} {outcome.body[:500]!r}")
        for slot in sorted(outcome.json()["slots"], key=lambda s: s["start"]):
            # Half an hour apart: the service's buffers block more than start to end.
            if not chosen or slot["start"] >= gap(chosen[-1]["end"]):
                chosen.append(slot)
        if len(chosen) >= needed:
            break
        start += timedelta(days=days)
    return chosen


def killer(
    web: Web,
    worker: Worker,
    stop: threading.Event,
    kills: int,
    every: float,
    log: list[str],
    rng: random.Random,
) -> None:
    """Round robin: a gunicorn worker, the task worker, the whole gunicorn, ..."""
    for n in range(kills):
        if stop.wait(every * (0.5 + rng.random())):
            return
        what = ["web-worker", "task-worker", "web-worker", "gunicorn"][n % 4]
        if what == "web-worker" and web.server is not None:
            pids = gunicorn_workers(web.server)
            if pids:
                pid = rng.choice(pids)
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                log.append(f"{time.strftime('%H:%M:%S')} SIGKILL gunicorn worker {pid}")
        elif what == "task-worker":
            worker.kill()
            log.append(f"{time.strftime('%H:%M:%S')} SIGKILL db_worker {worker.proc.pid}")
            time.sleep(0.3)
            worker.start()
        else:
            web.kill_all()
            log.append(f"{time.strftime('%H:%M:%S')} SIGKILL gunicorn (master and workers)")
            time.sleep(0.3)
            web.start()
            log.append(f"{time.strftime('%H:%M:%S')} gunicorn restarted on {web.port()}")


# --- after the load: recover, then check -----------------------------------------------------


def query(command: str, *args: str) -> object:
    """The database's side of the checks; needs Django set up (in-process or via `inside`)."""
    from django.db.models import Count, F
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from acuclinic.notifications import reminders
    from acuclinic.notifications.models import MessageStatus, OutgoingMessage
    from acuclinic.scheduling.models import Appointment

    now = timezone.now()
    if command == "advance":
        # The sweep's clock moved on: due times, claims and bookings `args[0]` minutes in the
        # past (so a booking whose confirmation was lost is past the sweep's grace period).
        minutes = int(args[0])
        pending = OutgoingMessage.objects.filter(status=MessageStatus.PENDING).update(
            next_attempt_at=now - timedelta(seconds=1)
        )
        Appointment.objects.update(created_at=F("created_at") - timedelta(minutes=minutes))
        stale = []
        for m in OutgoingMessage.objects.filter(status=MessageStatus.SENDING):
            stale.append(m.pk)
            m.claimed_at = m.claimed_at - timedelta(minutes=minutes)
            m.save(update_fields=["claimed_at"])
        booked = OutgoingMessage.objects.filter(kind="booked")
        before = booked.count()
        queued = reminders.queue_due(now)
        return {
            "pending": pending,
            "stale_claims": stale,
            "queued": queued,
            "confirmations_by_sweep": booked.count() - before,
        }
    if command == "outbox":
        fields = ("pk", "kind", "status", "dedupe_key", "appointment_id", "attempts")
        rows = OutgoingMessage.objects.order_by("pk").values(*fields, "last_error")
        return json.loads(json.dumps(list(rows), default=str))
    if command == "appointments":
        fields = ("pk", "public_id", "status", "start", "end", "idempotency_key")
        rows = Appointment.objects.order_by("pk").values(*fields, "patient__email")
        return json.loads(json.dumps(list(rows), default=str))
    if command == "overlaps":
        rows = Appointment.objects.exclude(status="cancelled").order_by("start", "pk")
        active = list(rows.values("pk", "practitioner_id", "room_id", "start", "end"))
        bad = []
        for i, x in enumerate(active):
            for y in active[i + 1 :]:
                if y["start"] >= x["end"]:
                    break
                if x["practitioner_id"] == y["practitioner_id"] or (
                    x["room_id"] and x["room_id"] == y["room_id"]
                ):
                    bad.append([x["pk"], y["pk"]])
        return bad
    if command == "tasks":
        rows = DBTaskResult.objects.values("status").annotate(n=Count("id")).order_by("status")
        return json.loads(json.dumps(list(rows), default=str))
    raise ValueError(command)


def inside(env: dict[str, str], *args: str) -> object:
    """`query` in a new process with the servers' settings (their database, their tasks)."""
    done = subprocess.run(
        [sys.executable, __file__, "--inside", *args],
        cwd=REPO,
        env={**env, "DJANGO_SETTINGS_MODULE": "acuclinic.settings"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"{args}: {done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def drain(ask, seconds: float = 60) -> list[dict]:
    """Let the worker run until no message is pending or sending (or `seconds` pass)."""
    deadline = time.monotonic() + seconds
    while True:
        rows = ask("outbox")
        busy = [r for r in rows if r["status"] in ("pending", "sending")]
        if not busy or time.monotonic() > deadline:
            return rows
        time.sleep(1)


@dataclass
class Report:
    results: list[Result]
    kills: list[str]
    appointments: list[dict]
    outbox: list[dict]
    overlaps: list
    smtp: dict[str, int]
    tasks: list
    seconds: float
    swept: dict = field(default_factory=dict)  # what the sweep did after the kills
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        statuses = Counter(str(r.status) for r in self.results)
        return {
            "requests": len(self.results),
            "final_statuses": dict(statuses),
            "retried_requests": sum(1 for r in self.results if r.unanswered),
            "attempts": sum(r.attempts for r in self.results),
            "kills": len(self.kills),
            "appointments": len(self.appointments),
            "outbox": dict(Counter(f"{r['kind']}/{r['status']}" for r in self.outbox)),
            "smtp_messages": sum(self.smtp.values()),
            "tasks": self.tasks,
            "seconds": round(self.seconds, 1),
            "confirmations_by_sweep": self.swept.get("confirmations_by_sweep", 0),
            "problems": self.problems,
            "notes": self.notes,
        }


def check(report: Report) -> None:
    problems, notes = report.problems, report.notes
    by_public = Counter(str(a["public_id"]) for a in report.appointments)
    confirmed = [r for r in report.results if r.status == 201]
    for r in report.results:
        if r.status is None:
            problems.append(f"{r.job.key}: no answer after {r.attempts} attempts")
        elif r.job.group == "distinct" and r.status != 201:
            problems.append(f"{r.job.key}: a free slot nobody else wanted, HTTP {r.status}")
        elif r.status not in (201, 409):
            problems.append(f"{r.job.key}: HTTP {r.status} {r.answer}")
    for r in confirmed:
        public = str(r.answer.get("id"))
        if by_public.get(public) != 1:
            problems.append(f"{r.job.key}: 201 with id {public}, {by_public.get(public)} rows")
    emails = Counter(a["patient__email"] for a in report.appointments)
    for r in report.results:
        n = emails.get(r.job.body["email"], 0)
        if r.status == 201 and n != 1:
            problems.append(f"{r.job.key}: confirmed, {n} appointments for its patient")
        if r.status == 409 and n:
            problems.append(f"{r.job.key}: refused (409), yet {n} appointments for its patient")
    groups = Counter(r.job.group for r in confirmed if r.job.group.startswith("same:"))
    for group, n in groups.items():
        if n > 1:
            problems.append(f"{group}: {n} bookings for one slot")
    if report.overlaps:
        problems.append(f"overlapping appointments: {report.overlaps[:5]}")
    # Mail: never twice; every row marked sent arrived exactly once.
    expected = {message_id_prefix(r["dedupe_key"]): r for r in report.outbox}
    arrived: Counter[str] = Counter()
    for message_id, count in report.smtp.items():
        prefix = message_id[: message_id.index("@") + 1] if "@" in message_id else message_id
        arrived[prefix] += count
        if prefix not in expected:
            problems.append(f"an e-mail not in the outbox: {message_id}")
    for prefix, row in expected.items():
        n = arrived.get(prefix, 0)
        if n > 1:
            problems.append(f"message {row['pk']} ({row['kind']}) arrived {n} times")
        if row["status"] == "sent" and n != 1:
            problems.append(f"message {row['pk']} ({row['kind']}) marked sent, arrived {n}")
        if row["status"] in ("pending", "sending"):
            problems.append(f"message {row['pk']} still {row['status']} after the drain")
        if row["status"] == "failed":
            notes.append(
                f"message {row['pk']} ({row['kind']}) failed, arrived {n}: {row['last_error'][:80]}"
            )
    # Every booking has its confirmation, to the patient and to the practitioner: composed by
    # its task, or by the sweep when a killed process lost the task.
    keys = {r["dedupe_key"] for r in report.outbox if r["kind"] == "booked"}
    for a in report.appointments:
        if not a["idempotency_key"] or a["status"] != "confirmed":
            continue  # the demo clinic's, not this run's
        pk = a["pk"]
        if f"booked:{pk}:patient" not in keys:
            problems.append(f"appointment {pk}: no confirmation to the patient")
        if not any(k.startswith(f"booked:{pk}:staff:") for k in keys):
            problems.append(f"appointment {pk}: no notice to the practitioner")


def run(
    database_url: str,
    workdir: Path,
    *,
    seconds: float,
    kills: int,
    clients: int,
    distinct: int,
    same_groups: int,
    same_size: int,
    first_day: date,
    seed: int = 1,
    log=print,
    in_process: bool = False,
) -> Report:
    """The kill test. `in_process`: read the database through this process's Django (a test
    run, where it is the same database); the sweep always runs with the servers' settings."""
    var_dir = workdir / "var"
    var_dir.mkdir(exist_ok=True)
    smtp = Smtp()
    smtp.start()
    env = environment(var_dir, database_url, smtp.port)
    web = Web(env, workdir)
    worker = Worker(env, workdir / "db_worker.log")
    stop = threading.Event()
    kill_log: list[str] = []
    rng = random.Random(seed)
    began = time.monotonic()

    def ask(*args: str) -> object:
        return query(*args) if in_process else inside(env, *args)

    try:
        web.start()
        worker.start()
        slots = free_slots(web, first_day, 21, distinct + same_groups)
        if len(slots) < distinct + same_groups:
            raise RuntimeError(f"only {len(slots)} free slots from {first_day}")
        # One start per practitioner and time: "any" lists each start once already.
        jobs = jobs_for(slots[: distinct + same_groups], f"k{seed}", same_groups, same_size)
        rng.shuffle(jobs)
        log(f"{len(jobs)} booking requests from {clients} clients, {kills} kills")
        results: list[Result] = []
        lock = threading.Lock()
        start = time.monotonic() + 0.5
        # Spread over `seconds` (each request released at its time), so the kills hit a load.
        queue = [(start + n * seconds / len(jobs), job) for n, job in enumerate(jobs)][::-1]
        give_up = start + seconds + 60

        def client() -> None:
            while True:
                with lock:
                    if not queue:
                        return
                    at, job = queue.pop()
                result = run_job(web, job, give_up, at)
                with lock:
                    results.append(result)

        threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
        killing = threading.Thread(
            target=killer,
            args=(web, worker, stop, kills, seconds / max(kills, 1), kill_log, rng),
            daemon=True,
        )
        for t in threads:
            t.start()
        killing.start()
        for t in threads:
            t.join(timeout=seconds + 120)
        stop.set()
        killing.join(timeout=60)
        for line in kill_log:
            log(f"  {line}")
        # Recovery: the sweep with its clock moved on (stale claims, lost send tasks).
        if worker.proc is None or worker.proc.poll() is not None:
            worker.start()
        drain(ask, 30)
        swept = inside(env, "advance", "16")
        log(f"  sweep, clock +16 min: {swept}")
        outbox = drain(ask, 60)
        report = Report(
            results=results,
            kills=kill_log,
            appointments=ask("appointments"),
            outbox=outbox,
            overlaps=ask("overlaps"),
            smtp=dict(smtp.counts),
            tasks=ask("tasks"),
            seconds=time.monotonic() - began,
            swept=swept,
        )
        check(report)
        return report
    finally:
        stop.set()
        worker.stop()
        web.stop()
        smtp.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="spread the kills over (60)")
    parser.add_argument("--kills", type=int, default=8)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--distinct", type=int, default=120, help="bookings of distinct slots")
    parser.add_argument("--same-groups", type=int, default=4, help="contested slots")
    parser.add_argument("--same-size", type=int, default=5, help="requests per contested slot")
    parser.add_argument("--postgres", help="admin URL: a scratch database is made there")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="acuclinic-faults-"))
    pg_name = f"acuclinic_faults_{os.getpid()}"
    if args.postgres:
        import psycopg

        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{pg_name}"')
        url = args.postgres.rsplit("/", 1)[0] + f"/{pg_name}"
    else:
        url = f"sqlite:///{workdir / 'faults.sqlite3'}"
    try:
        env = environment(workdir / "var", url, 1)
        (workdir / "var").mkdir()
        print(f"setting up {url} ...", flush=True)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed_demo")
        report = run(
            url,
            workdir,
            seconds=args.seconds,
            kills=args.kills,
            clients=args.clients,
            distinct=args.distinct,
            same_groups=args.same_groups,
            same_size=args.same_size,
            first_day=date.today() + timedelta(days=40),
        )
        print(json.dumps(report.summary(), indent=1, default=str))
        return 1 if report.problems else 0
    finally:
        if args.postgres:
            import psycopg

            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--inside"]:
        import django

        sys.path.insert(0, str(REPO))
        django.setup()
        print(json.dumps(query(*sys.argv[2:])))
        sys.exit(0)
    sys.exit(main())
