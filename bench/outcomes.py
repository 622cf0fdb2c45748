"""The clinic outcome report at scale (issue 7 E): 10,000 back-pain patients, 100,000 attended
visits with a pain score before and after each (some left blank), intake scores and RMDQ
questionnaires; the report page for a year of them, rendered in-process through the Django
test client (middleware, view, two data queries, template, audit entry). Goal: under 500 ms,
in a fixed number of queries. SQLite, and PostgreSQL when a server answers.

Two paths, side by side in one run: the page as served (one row per course from the stored
course summaries, outcomes/summary.py) and the full computation it replaced (every score and
visit of the period's patients, data.episodes + report.build), whose report must be equal.

Each database is a throwaway: a temporary var dir with a SQLite file, or a database
`acuclinic_outcomes_<pid>` created on the --postgres server and always dropped. The data is
written in bulk by a child process (this script with --worker). Writing it takes minutes, so
it is cached (unless --no-cache): the SQLite file as var/bench/outcomes-<patients>-<visits>-
s<seed>.sqlite3, and on PostgreSQL a template database acuclinic_outcomes_cache_<patients>_
<visits>_s<seed> that each run's database is copied from. A cached copy is migrated (new
migrations apply) and its summaries rebuilt (`rebuild_outcome_summaries`, timed) every run.

Run: .venv/bin/python bench/outcomes.py [--patients 10000] [--visits 100000] [--runs 7]
         [--postgres postgres://postgres@127.0.0.1:5432/postgres] [--no-postgres] [--keep]
         [--no-cache] [--full-runs 3]
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOAL_MS = 500
YEAR_START = date(2027, 1, 1)
SEED = 7


def env_for(var_dir: Path, database_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("DATABASE_URL", "MEDIA_ROOT", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env.update(
        {
            "ACUCLINIC_VAR_DIR": str(var_dir),
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "PYTHONUNBUFFERED": "1",
            "EMAIL_URL": "dummy://",
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


# --- the worker: runs inside Django ----------------------------------------------------------


def load(patients: int, visits: int) -> dict[str, int]:
    """Write the data set; returns the row counts."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.db import transaction

    from acuclinic.charting.models import Protocol
    from acuclinic.clinic import roles
    from acuclinic.clinic.models import Location, Practitioner
    from acuclinic.outcomes.models import Score, Source
    from acuclinic.patients.models import IntakeResponse, IntakeStatus, Patient
    from acuclinic.scheduling.models import Appointment, Service

    rng = random.Random(SEED)
    location = Location.objects.create(
        name="Bench outcomes", slug="bench-outcomes", time_zone="America/Denver"
    )
    service = Service.objects.create(
        name="Bench follow-up", slug="bench-outcomes", duration_minutes=45, needs_room=False
    )
    practitioners = [
        Practitioner.objects.create(name=f"Bench Practitioner {i}", slug=f"bench-outcomes-{i}")
        for i in range(40)
    ]
    owner = get_user_model().objects.create_user("bench-owner", "owner@example.org", None)
    roles.grant(owner, roles.Role.OWNER)
    protocols = [
        Protocol.objects.create(name=f"Bench protocol {n}", created_by=owner) for n in range(3)
    ]
    chart_rng = random.Random(SEED + 1)  # its own stream: the scores stay those of before
    per_patient = visits // patients
    taken: dict[tuple[int, date], int] = {}  # (practitioner, day) -> next free hour slot
    counts = {"patients": 0, "appointments": 0, "scores": 0}
    batch = 1000
    for first in range(0, patients, batch):
        with transaction.atomic():
            made = Patient.objects.bulk_create(
                Patient(
                    full_name=f"Bench Patient {n}",
                    email=f"bench-{n}@example.org",
                    phone="(303) 555-0100",
                )
                for n in range(first, min(first + batch, patients))
            )
            appointments: list[Appointment] = []
            planned: list[tuple[Patient, int, datetime]] = []
            intakes: list[IntakeResponse] = []
            scores: list[Score] = []
            for patient in made:
                practitioner = rng.choice(practitioners)
                day = YEAR_START + timedelta(days=rng.randrange(300))
                baseline = rng.randint(4, 9)
                submitted = datetime.combine(day, datetime.min.time(), tzinfo=UTC) - timedelta(
                    days=2
                )
                intakes.append(
                    IntakeResponse(
                        patient=patient,
                        questionnaire="intake-back-pain",
                        version=1,
                        status=IntakeStatus.SUBMITTED,
                        submitted_at=submitted,
                    )
                )
                scores.append(
                    Score(
                        patient=patient, measure="nprs", item="now", value=baseline,
                        observed_at=submitted, source=Source.INTAKE,
                    )
                )  # fmt: skip
                rmdq = rng.randint(6, 20)
                scores.append(
                    Score(
                        patient=patient, measure="rmdq", value=rmdq, observed_at=submitted,
                        source=Source.QUESTIONNAIRE,
                    )
                )  # fmt: skip
                for number in range(per_patient):
                    visit_day = day + timedelta(weeks=number)
                    while True:
                        slot = taken.get((practitioner.pk, visit_day), 0)
                        if slot < 12:
                            taken[(practitioner.pk, visit_day)] = slot + 1
                            break
                        visit_day += timedelta(days=1)
                    start = datetime.combine(visit_day, datetime.min.time(), tzinfo=UTC)
                    start += timedelta(hours=14 + slot)  # 07:00-19:00 in Denver
                    planned.append((patient, baseline, start))
                    appointments.append(
                        Appointment(
                            patient=patient, practitioner=practitioner, service=service,
                            location=location, start=start, end=start + timedelta(minutes=45),
                            blocked_start=start, blocked_end=start + timedelta(minutes=45),
                            status="completed", source="staff",
                        )
                    )  # fmt: skip
                if rng.random() < 0.7:  # an RMDQ at the end of the course for most
                    scores.append(
                        Score(
                            patient=patient, measure="rmdq",
                            value=max(0, rmdq - rng.randint(-2, 9)),
                            observed_at=submitted + timedelta(weeks=7), source=Source.QUESTIONNAIRE,
                        )
                    )  # fmt: skip
            IntakeResponse.objects.bulk_create(intakes)
            Appointment.objects.bulk_create(appointments)
            chart(appointments, protocols, owner, chart_rng)
            level: dict[int, float] = {}
            for (patient, baseline, start), appointment in zip(planned, appointments, strict=True):
                now = level.get(patient.pk, float(baseline))
                if rng.random() < 0.9:  # a score left blank now and then: no row
                    scores.append(
                        Score(
                            patient=patient, measure="nprs", item="now",
                            value=Decimal(round(min(10, max(0, now)))), observed_at=start,
                            source=Source.CHECK_IN, appointment=appointment,
                        )
                    )  # fmt: skip
                after = now - rng.uniform(0, 2)
                if rng.random() < 0.9:
                    scores.append(
                        Score(
                            patient=patient, measure="nprs", item="now",
                            value=Decimal(round(min(10, max(0, after)))),
                            observed_at=start + timedelta(minutes=40),
                            source=Source.CHECK_OUT, appointment=appointment,
                        )
                    )  # fmt: skip
                level[patient.pk] = now - rng.uniform(-0.5, 1.2)
            Score.objects.bulk_create(scores, batch_size=2000)
            counts["patients"] += len(made)
            counts["appointments"] += len(appointments)
            counts["scores"] += len(scores)
    return counts


POINTS = ("BL23", "BL25", "BL40", "GB30", "GB34", "KI3", "GV4", "SI3")
FILTERED = "&point=BL23&herbs=no"  # the page with two treatment filters (EXISTS per course)


def chart(appointments: list, protocols: list, author: object, rng: random.Random) -> None:  # type: ignore[type-arg]
    """Every visit charted: a protocol for most patients (the same through their course),
    three points from a small pool, and an issued prescription at the third visit of about
    one patient in six."""
    from acuclinic.charting.models import NeedlePoint, Side, Visit
    from acuclinic.herbs.models import Prescription, Status

    charted = []
    per_patient: dict[int, object] = {}
    seen: dict[int, int] = {}
    for appointment in appointments:
        pid = appointment.patient_id
        if pid not in per_patient:
            per_patient[pid] = rng.choice([*protocols, None, None])
        charted.append(
            Visit(
                patient_id=pid, practitioner_id=appointment.practitioner_id,
                appointment=appointment, protocol=per_patient[pid], started_at=appointment.start,
                created_by=author, status="signed", signed_by=author,
                signed_at=appointment.start + timedelta(hours=1),
            )
        )  # fmt: skip
    Visit.objects.bulk_create(charted, batch_size=2000)
    needles = []
    prescriptions = []
    herbal = {pid for pid in per_patient if rng.random() < 1 / 6}
    for visit in charted:
        for order, code in enumerate(rng.sample(POINTS, 3)):
            needles.append(NeedlePoint(visit=visit, order=order, code=code, side=Side.BILATERAL))
        seen[visit.patient_id] = seen.get(visit.patient_id, 0) + 1
        if visit.patient_id in herbal and seen[visit.patient_id] == 3:
            prescriptions.append(
                Prescription(
                    visit=visit, patient_id=visit.patient_id, created_by=author,
                    status=Status.ISSUED, issued_at=visit.started_at, issued_by=author,
                )
            )  # fmt: skip
    NeedlePoint.objects.bulk_create(needles, batch_size=2000)
    Prescription.objects.bulk_create(prescriptions, batch_size=2000)


def measure_full(runs: int) -> dict[str, object]:
    """The computation the page did before course summaries: candidates' scores and visits,
    per-course lists, report.build. Returns its timings and checks it equals the page's."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from acuclinic.outcomes import views
    from acuclinic.outcomes.report import Filters

    filters = Filters(
        start=datetime(2027, 1, 1, 7, tzinfo=UTC), end=datetime(2028, 1, 1, 7, tzinfo=UTC)
    )
    now = timezone.now()
    times = []
    queries = 0
    full = fast = None
    for _ in range(max(runs, 1)):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            full = views.build_full_report(filters, "back-pain", now)
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
    fast = views.build_report(filters, "back-pain", now)
    from dataclasses import replace

    same = replace(full, episodes=()) == replace(fast, fictional=0)  # bench patients: fictional
    if not same:
        raise SystemExit(f"the two paths disagree:\nfull    {full}\nsummary {fast}")
    narrowed = replace(filters, point="BL23", herbs=False)
    full_f = views.build_full_report(narrowed, "back-pain", now)
    fast_f = views.build_report(narrowed, "back-pain", now)
    if replace(full_f, episodes=()) != replace(fast_f, fictional=0):
        raise SystemExit(f"the two paths disagree (filtered):\nfull    {full_f}\nsummary {fast_f}")
    return {
        "full_median_ms": statistics.median(times),
        "full_queries": queries,
        "full_started": full.started,
        "same_report": same,
    }


def measure(runs: int) -> dict[str, object]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="bench-owner"))
    url = f"/desk/outcomes/?start={YEAR_START.isoformat()}&end=2027-12-31"
    first = client.get(url)  # warm-up: templates, role cache, the database's own caches
    if first.status_code != 200:
        raise SystemExit(f"report answered {first.status_code}")
    page = first.content.decode()
    times = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        queries = len(captured)
    # The same view with one patient's worth of data would read the same number of queries:
    # checked by the tests (test_outcome_pages.py, test_data.py); here, the numbers.
    import re

    started_count = re.search(r"Started a course in the period</dt><dd>(\d+)</dd>", page)
    filtered = []
    assert client.get(url + FILTERED).status_code == 200  # warm-up
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url + FILTERED)
        filtered.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return {
        "filtered_median_ms": statistics.median(filtered),
        "median_ms": statistics.median(times),
        "max_ms": max(times),
        "min_ms": min(times),
        "queries": queries,
        "started": int(started_count.group(1)) if started_count else None,
    }


def worker(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "acuclinic.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    from acuclinic.outcomes import summary
    from acuclinic.outcomes.models import Score
    from acuclinic.patients.models import Patient
    from acuclinic.scheduling.models import Appointment

    started = time.perf_counter()
    if args.cached:
        counts = {
            "patients": Patient.objects.count(),
            "appointments": Appointment.objects.count(),
            "scores": Score.objects.count(),
        }
        loaded = "cached"
    else:
        counts = load(args.patients, args.visits)
        loaded = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    summary.rebuild()  # bulk_create sends no signals: as after an upgrade
    rebuilt = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    result = {
        "vendor": connection.vendor,
        "load_s": loaded,
        "rebuild_s": round(rebuilt, 1),
        **counts,
    }
    # As acuclinic/wsgi.py does once the app has loaded: what exists now is never collected,
    # so a request that makes many objects does not pay for full passes over all of Django.
    import gc

    gc.collect()
    gc.freeze()
    result.update(measure(args.runs))
    result.update(measure_full(args.full_runs))
    print(json.dumps(result))


# --- the parent: one child per database, then the table ------------------------------------


def run_child(args: argparse.Namespace, env: dict[str, str], cached: bool) -> dict[str, object]:
    command = [
        sys.executable, __file__, "--worker", "--patients", str(args.patients),
        "--visits", str(args.visits), "--runs", str(args.runs),
        "--full-runs", str(args.full_runs), *(["--cached"] if cached else []),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(
            f"worker failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def pg_admin(url: str, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        cursor = conn.execute(sql, params or None)
        return cursor.fetchall() if cursor.description else []


def cache_name(args: argparse.Namespace) -> str:
    return f"outcomes-{args.patients}-{args.visits}-s{SEED}-charted"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--visits", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--no-cache", action="store_true", help="write the data set afresh")
    parser.add_argument("--full-runs", type=int, default=3, help="runs of the full path")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--cached", action="store_true", help=argparse.SUPPRESS)
    # `make bench BENCH_ARGS=...` passes the other benches' options too: ignored here.
    args, _others = parser.parse_known_args()
    if args.worker:
        worker(args)
        return 0

    workdir = Path(tempfile.mkdtemp(prefix="acuclinic-bench-outcomes-"))
    results = []
    notes = []
    try:
        var_dir = workdir / "var"
        var_dir.mkdir()
        db_file = workdir / "outcomes.sqlite3"
        cached_file = REPO / "var" / "bench" / f"{cache_name(args)}.sqlite3"
        use_cache = not args.no_cache and cached_file.exists()
        if use_cache:
            shutil.copyfile(cached_file, db_file)
        print(
            f"outcomes report: {args.patients:,} patients, {args.visits:,} visits "
            f"({'cached data set' if use_cache else 'writing the data set: minutes'}) ...",
            flush=True,
        )
        results.append(run_child(args, env_for(var_dir, f"sqlite:///{db_file}"), use_cache))
        if not args.no_cache and not use_cache:
            cached_file.parent.mkdir(parents=True, exist_ok=True)
            import sqlite3  # the backup API: the file and its write-ahead log, consistent

            with sqlite3.connect(db_file) as source, sqlite3.connect(cached_file) as target:
                source.backup(target)
        if not args.no_postgres:
            name = f"acuclinic_outcomes_{os.getpid()}"
            template = "acuclinic_" + cache_name(args).replace("-", "_")
            base = args.postgres.rsplit("/", 1)[0]
            try:
                have = pg_admin(
                    args.postgres, "SELECT 1 FROM pg_database WHERE datname = %s", (template,)
                )
                pg_cached = bool(have) and not args.no_cache
                copy = f' TEMPLATE "{template}"' if pg_cached else ""
                pg_admin(args.postgres, f'CREATE DATABASE "{name}"{copy}')
            except Exception as exc:  # whatever the reason: say so, keep the SQLite figure
                notes.append(f"PostgreSQL not run: {type(exc).__name__}: {exc}")
            else:
                try:
                    pg_var = workdir / "var-pg"
                    pg_var.mkdir()
                    url = f"{base}/{name}"
                    results.append(run_child(args, env_for(pg_var, url), pg_cached))
                    if not args.no_cache and not pg_cached:
                        pg_admin(args.postgres, f'DROP DATABASE IF EXISTS "{template}"')
                        pg_admin(args.postgres, f'CREATE DATABASE "{template}" TEMPLATE "{name}"')
                finally:
                    pg_admin(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    header = (
        f"{'database':<10} {'patients':>8} {'visits':>8} {'scores':>8} {'started':>8} "
        f"{'median ms':>9} {'min ms':>7} {'max ms':>7} {'queries':>7} "
        f"{'filtered':>8} {'full ms':>8} {'full q':>6} {'load s':>6} {'rebuild s':>9}  goal"
    )
    print(header)
    print("-" * len(header))
    failed = False
    for r in results:
        ok = max(r["median_ms"], r["filtered_median_ms"]) <= GOAL_MS
        failed |= not ok
        print(
            f"{r['vendor']:<10} {r['patients']:>8,} {r['appointments']:>8,} {r['scores']:>8,} "
            f"{r['started'] or 0:>8,} {r['median_ms']:>9.1f} {r['min_ms']:>7.1f} "
            f"{r['max_ms']:>7.1f} {r['queries']:>7} {r['filtered_median_ms']:>8.1f} "
            f"{r['full_median_ms']:>8.1f} "
            f"{r['full_queries']:>6} {r['load_s']:>6} {r['rebuild_s']:>9}  "
            f"{'ok' if ok else 'FAIL'} (<= {GOAL_MS} ms)"
        )
    print("median/min/max ms, queries: the page as served (course summaries); full ms, full q:")
    print("the full computation it replaced (data.episodes + report.build), same report;")
    print(f"filtered: median ms of the page with {FILTERED[1:]} (a course's visits, EXISTS).")
    print(f"load average: {' '.join(os.getloadavg().__str__().strip('()').split(', '))}")
    for note in notes:
        print(note)
    (REPO / "bench" / "results").mkdir(exist_ok=True)
    (REPO / "bench" / "results" / "outcomes-latest.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
