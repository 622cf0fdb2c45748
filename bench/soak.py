"""Soak test (issue 8 D): mixed traffic for a long while against gunicorn + db_worker.

Not part of CI. Four kinds of traffic, from a few paced client threads on 127.0.0.1:
reading an article, searching availability, booking (JSON API, with an Idempotency-Key), and
charting (a practitioner's visit page, GET, and a note saved with POST). Every minute it prints
requests/s, p50/p95, the RSS of each gunicorn worker and of the task worker (/proc/<pid>/status)
and the machine's load average. At the end it judges:

- memory flat: each worker's mean RSS over the last 5 minutes within 10 % of its mean over
  minutes 5-10 (the first minutes are warm-up: imports, caches, the page cache filling);
  a worker that was replaced (a new pid) is reported as such and fails the criterion;
- p95 within 2x of the first minute's, for every minute (and, since the machine is shared,
  also the number of minutes outside it with their load average).

Usage (from the repo root; see docs/faults.md):
    .venv/bin/python bench/soak.py --minutes 30 [--clients 4] [--rate 10] [--keep]
    .venv/bin/python bench/soak.py --minutes 3            # a quick look
    nohup .venv/bin/python bench/soak.py --minutes 30 > /tmp/soak.txt 2>&1 &
"""

import argparse
import contextlib
import json
import math
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from booking import availability_path, base_env, booking_requests, data
from booking_http import Request
from loadgen import HOST, BadResponse, exchange
from run import (
    ARTICLE_PATH,
    ARTICLE_TITLE,
    BenchError,
    Server,
    manage,
    percentile,
    start_server,
    stop_server,
    wait_ready,
)

REPO = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
CSRF = "soakcsrfsoakcsrfsoakcsrfsoakcsrf"  # 32 characters: an unmasked CSRF secret
# (kind, weight): what a minute of traffic is made of.
MIX = [("article", 40), ("availability", 25), ("booking", 15), ("visit", 10), ("note", 10)]
EXPECT = {"article": {200}, "availability": {200}, "booking": {201}, "visit": {200}, "note": {302}}

PREPARE = """
import json, django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from acuclinic.charting.models import Visit
from acuclinic.clinic.models import Practitioner, default_clinic
from acuclinic.patients.models import Patient

clinic = default_clinic()
clinic.require_staff_two_factor = False  # a soak user has no authenticator app
clinic.save()
user = get_user_model().objects.get(username="demo")
practitioner = Practitioner.objects.get(user=user)
visits = []
for n in range(N):
    patient = Patient.objects.create(
        full_name=f"Soak Patient {n}", email=f"soak-{n}@example.com", phone="303-555-0150"
    )
    visits.append(
        Visit.objects.create(patient=patient, practitioner=practitioner, created_by=user).pk
    )
client = Client()
client.force_login(user)
print(json.dumps({"sessionid": client.cookies["sessionid"].value, "visits": visits}))
"""


@dataclass
class Hit:
    kind: str
    status: int | None
    finished: float  # time.monotonic()
    latency: float
    error: str = ""


def raw(
    port: int,
    method: str,
    path: str,
    cookie: str = "",
    form: dict | None = None,
    json_body: dict | None = None,
    headers: tuple = (),
) -> tuple[int, bytes]:
    payload = b""
    lines = [f"{method} {path} HTTP/1.0", f"Host: {HOST}:{port}"]
    if json_body is not None:
        payload = json.dumps(json_body).encode()
        lines += ["Content-Type: application/json", "Accept: application/json"]
    elif form is not None:
        payload = urlencode(form).encode()
        lines += ["Content-Type: application/x-www-form-urlencoded"]
    if payload:
        lines.append(f"Content-Length: {len(payload)}")
    if cookie:
        lines.append(f"Cookie: {cookie}")
    lines += [f"{k}: {v}" for k, v in headers]
    status, _headers, body = exchange(
        port, ("\r\n".join(lines) + "\r\n\r\n").encode() + payload, 30
    )
    return status, body


class Client(threading.Thread):
    def __init__(
        self,
        n: int,
        args: argparse.Namespace,
        port: int,
        clinic: dict,
        setup: dict,
        deadline: float,
        hits: list,
        lock: threading.Lock,
    ) -> None:
        super().__init__(daemon=True, name=f"soak-{n}")
        self.n, self.args, self.port, self.clinic, self.setup = n, args, port, clinic, setup
        self.deadline, self.hits, self.lock = deadline, hits, lock
        self.rng = random.Random(n)
        self.bookings = booking_requests(clinic, n, args.clients, f"soak{os.getpid()}")
        self.visit = setup["visits"][n % len(setup["visits"])]
        self.cookie = f"sessionid={setup['sessionid']}; csrftoken={CSRF}"
        self.notes = 0

    def one(self, kind: str) -> tuple[int, bytes]:
        if kind == "article":
            return raw(self.port, "GET", ARTICLE_PATH)
        if kind == "availability":
            first = self.clinic["first_day"]
            day = date.fromisoformat(first) + timedelta(days=self.rng.randrange(40, 300))
            who = self.rng.choice([*self.clinic["bookers"], "any"])
            return raw(self.port, "GET", availability_path("bench-quick", who, day, 7))
        if kind == "booking":
            req: Request | None = next(self.bookings, None)
            if req is None:
                return raw(self.port, "GET", ARTICLE_PATH)  # out of slots: read instead
            return raw(self.port, "POST", req.path, json_body=req.body, headers=req.headers)
        if kind == "visit":
            return raw(self.port, "GET", f"/desk/visits/{self.visit}/", cookie=self.cookie)
        self.notes += 1
        return raw(
            self.port,
            "POST",
            f"/desk/visits/{self.visit}/note/",
            cookie=self.cookie,
            form={
                "csrfmiddlewaretoken": CSRF,
                "chief_complaint": f"Low back ache, soak round {self.notes}",
                "observations": "Guarded movement.",
                "treatment_notes": "Needles retained 20 minutes.",
            },
        )

    def run(self) -> None:
        kinds = [k for k, _ in MIX]
        weights = [w for _, w in MIX]
        interval = 1.0 / self.args.rate
        next_at = time.monotonic() + self.rng.random() * interval
        count = 0
        while count < self.args.max_requests:
            now = time.monotonic()
            if now >= self.deadline:
                break
            if next_at > now:
                time.sleep(next_at - now)
            next_at = max(next_at + interval, time.monotonic() - interval)
            kind = self.rng.choices(kinds, weights)[0]
            t0 = time.monotonic()
            try:
                status, body = self.one(kind)
                error = ""
                if status not in EXPECT[kind]:
                    error = f"HTTP {status}: {body[:200]!r}"
                elif kind == "article" and ARTICLE_TITLE not in body:
                    error = "article without its title"
            except (OSError, BadResponse) as exc:
                status, error = None, f"{type(exc).__name__}: {exc}"
            t1 = time.monotonic()
            with self.lock:
                self.hits.append(Hit(kind, status, t1, t1 - t0, error))
            count += 1


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                stat = Path(f"/proc/{entry}/stat").read_text()
                if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid:
                    found.append(int(entry))
    return sorted(found)


def rss_kib(pid: int) -> int | None:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def sweeper(env: dict, stop: threading.Event, log) -> None:
    """`manage.py sweep` every minute, as the systemd timer does."""
    while not stop.wait(60):
        subprocess.run(
            [sys.executable, "manage.py", "sweep"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )


def summarise(minutes: list[dict]) -> dict:
    result: dict = {"minutes": len(minutes)}
    if not minutes:
        return result
    first_p95 = minutes[0]["p95_ms"]
    over = [m for m in minutes if m["p95_ms"] > 2 * first_p95]
    result["p95_first_minute_ms"] = first_p95
    result["p95_max_ms"] = max(m["p95_ms"] for m in minutes)
    result["p95_last_minute_ms"] = minutes[-1]["p95_ms"]
    result["p95_minutes_over_2x"] = [(m["minute"], m["p95_ms"], m["load1"]) for m in over]
    result["p95_ok"] = not over
    pids = sorted({pid for m in minutes for pid in m["rss_kib"]})
    result["worker_pids"] = pids
    memory = {}
    ok = len(minutes) >= 15
    for pid in pids:
        series = [m["rss_kib"].get(pid) for m in minutes]
        early = [x for x in series[4:10] if x]
        late = [x for x in series[-5:] if x]
        if not early or not late or None in series:
            memory[pid] = {
                "series_mib": [round(x / 1024, 1) if x else None for x in series],
                "verdict": "not present throughout (replaced?)",
            }
            ok = False
            continue
        early_mean, late_mean = sum(early) / len(early), sum(late) / len(late)
        change = late_mean / early_mean - 1
        memory[pid] = {
            "first_mib": round(series[0] / 1024, 1),
            "minutes_5_10_mib": round(early_mean / 1024, 1),
            "last_5_mib": round(late_mean / 1024, 1),
            "change": round(change, 4),
        }
        ok = ok and abs(change) <= 0.10
    result["rss"] = memory
    result["rss_ok"] = ok
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--clients", type=int, default=3, help="client threads (3)")
    parser.add_argument("--rate", type=float, default=4, help="requests/s per client, at most (4)")
    parser.add_argument("--max-requests", type=int, default=100_000, help="per client")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    if not 0 < args.minutes <= 240 or not 1 <= args.clients <= 32 or not 0 < args.rate <= 100:
        parser.error("--minutes 0-240, --clients 1-32, --rate 0-100")
    signal.signal(signal.SIGTERM, lambda s, f: (_ for _ in ()).throw(SystemExit(128 + s)))

    workdir = Path(tempfile.mkdtemp(prefix="acuclinic-soak-"))
    var_dir = workdir / "var"
    var_dir.mkdir()
    env = base_env(var_dir)
    env["DATABASE_URL"] = f"sqlite:///{workdir / 'soak.sqlite3'}"
    server: Server | None = None
    worker: subprocess.Popen | None = None
    stop = threading.Event()
    try:
        print(f"setting up in {workdir} ...", flush=True)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed_demo")
        manage(env, "collectstatic", "--noinput", "-v0")
        clinic = data(env, "clinic")
        done = subprocess.run(
            [sys.executable, "-c", PREPARE.replace("range(N)", f"range({args.clients})")],
            cwd=REPO,
            env={**env, "DJANGO_SETTINGS_MODULE": "acuclinic.settings"},
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise BenchError(f"preparing the soak data failed:\n{done.stderr[-3000:]}")
        setup = json.loads(done.stdout.strip().splitlines()[-1])

        server = start_server("soak", env, workdir, args.workers)
        wait_ready(server)
        wlog = open(workdir / "db_worker.log", "wb")  # noqa: SIM115
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "1"],
            cwd=REPO,
            env=env,
            stdout=wlog,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        threading.Thread(target=sweeper, args=(env, stop, wlog), daemon=True).start()
        # Every kind once before the clock starts: a broken page stops here, readably.
        probe = Client(
            0, args, server.port, clinic, setup, time.monotonic() + 60, [], threading.Lock()
        )
        for kind, _ in MIX:
            status, body = probe.one(kind)
            if status not in EXPECT[kind]:
                raise BenchError(f"{kind}: HTTP {status}: {body[:1500]!r}\n{server.log_tail()}")

        hits: list[Hit] = []
        lock = threading.Lock()
        began = time.monotonic()
        deadline = began + args.minutes * 60
        clients = [
            Client(n, args, server.port, clinic, setup, deadline, hits, lock)
            for n in range(args.clients)
        ]
        print(
            f"soak: {args.minutes:g} min, {args.clients} clients x <= {args.rate:g} req/s, "
            f"gunicorn {args.workers} sync workers + db_worker, SQLite; mix "
            + ", ".join(f"{k} {w}%" for k, w in MIX),
            flush=True,
        )
        print(
            f"{'min':>3} {'req/s':>6} {'p50ms':>6} {'p95ms':>6} {'errs':>4} {'load1':>5}  "
            "RSS MiB per gunicorn worker | db_worker",
            flush=True,
        )
        for c in clients:
            c.start()
        minutes: list[dict] = []
        seen = 0
        total_minutes = math.ceil(args.minutes)
        for minute in range(1, total_minutes + 1):
            end = began + minute * 60
            while time.monotonic() < end and any(c.is_alive() for c in clients):
                time.sleep(0.5)
            if minute == total_minutes:  # the requests still under way count in the last minute
                for c in clients:
                    c.join(timeout=60)
            with lock:
                window = hits[seen:]
                seen = len(hits)
            if not window:
                break
            lat = sorted(h.latency for h in window if not h.error)
            errors = [h for h in window if h.error]
            pids = children(server.proc.pid)
            rss = {pid: rss_kib(pid) for pid in pids}
            wrss = rss_kib(worker.pid) if worker.poll() is None else None
            span = min(60.0, time.monotonic() - (began + (minute - 1) * 60))
            row = {
                "minute": minute,
                "requests": len(window),
                "req_s": round(len(window) / span, 2),
                "p50_ms": round(percentile(lat, 50) * 1000, 1),
                "p95_ms": round(percentile(lat, 95) * 1000, 1),
                "errors": len(errors),
                "error_samples": [f"{h.kind}: {h.error}" for h in errors[:3]],
                "by_kind_p95_ms": {
                    k: round(
                        percentile(
                            sorted(h.latency for h in window if h.kind == k and not h.error), 95
                        )
                        * 1000,
                        1,
                    )
                    for k, _ in MIX
                },
                "rss_kib": rss,
                "db_worker_rss_kib": wrss,
                "load1": round(os.getloadavg()[0], 2),
            }
            minutes.append(row)
            print(
                f"{minute:>3} {row['req_s']:>6.1f} {row['p50_ms']:>6.1f} {row['p95_ms']:>6.1f} "
                f"{row['errors']:>4} {row['load1']:>5.2f}  "
                + " ".join(f"{pid}:{(v or 0) / 1024:.1f}" for pid, v in rss.items())
                + f" | {(wrss or 0) / 1024:.1f}",
                flush=True,
            )
            for sample in row["error_samples"]:
                print(f"      error: {sample}", flush=True)
        summary = summarise(minutes)
        total = sum(m["requests"] for m in minutes)
        errors = sum(m["errors"] for m in minutes)
        summary.update(
            {
                "requests": total,
                "errors": errors,
                "by_kind": {k: sum(1 for h in hits if h.kind == k) for k, _ in MIX},
            }
        )
        print("\nsummary:", json.dumps(summary, indent=1, default=str), flush=True)
        verdict = summary.get("rss_ok") and summary.get("p95_ok") and not errors
        print(
            f"memory flat (last 5 min within 10% of min 5-10, same pids): "
            f"{'yes' if summary.get('rss_ok') else 'NO'}; p95 within 2x of minute 1 in every "
            f"minute: {'yes' if summary.get('p95_ok') else 'NO'}; errors: {errors}",
            flush=True,
        )
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        (RESULTS_DIR / "soak-latest.json").write_text(
            json.dumps(
                {"args": vars(args), "minutes": minutes, "summary": summary}, indent=1, default=str
            )
            + "\n"
        )
        return 0 if verdict else 1
    except BenchError as exc:
        print(f"soak failed: {exc}", file=sys.stderr)
        return 2
    finally:
        stop.set()
        if worker is not None and worker.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.wait(timeout=10)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker.pid, signal.SIGKILL)
        if server is not None:
            stop_server(server)
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
