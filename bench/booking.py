"""`make bench`, part 3: the booking API's figures, over HTTP, on SQLite and on PostgreSQL.

1. GET /api/availability, one practitioner, 30 days holding 1,000 appointments: p95 latency,
   and throughput as a ratio to the bare view (/bench/bare/) in interleaved rounds (SQLite).
2. 100 simultaneous POST /api/bookings for one slot: exactly one booking, 99 polite 409s,
   nothing else, within 2 s; counted in the database and the server log (SQLite, PostgreSQL).
3. 32 clients booking different slots for a while: bookings/s and errors (both databases).
4. 50 practitioners x 365 days x 20 appointments: p95 of typical availability queries.

Each database is a throwaway install (fresh var dir, migrate, seed_demo, then the data from
bench/booking_data.py); gunicorn serves it on 127.0.0.1 with DEBUG off. See bench/README.md.

Usage (from the repo root): .venv/bin/python bench/booking.py [--seconds 5] [--rounds 3]
    [--concurrency 2] [--quick] [--only 1,2,3,4] [--no-postgres] [--keep] ...
"""

import argparse
import contextlib
import json
import os
import platform
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from booking_http import Outcome, Request, call, run_clients
from loadgen import ClientPool
from run import (
    BARE_PATH,
    BenchError,
    Server,
    Target,
    manage,
    percentile,
    process_tree_cpu,
    run_round,
    start_server,
    stop_server,
    summarise,
    wait_ready,
)

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
RESULTS_DIR = BENCH_DIR / "results"
DATA_SCRIPT = BENCH_DIR / "booking_data.py"

AVAILABILITY_P95_MS = 50.0  # figure 1
SAME_SLOT_SECONDS = 2.0  # figure 2
BOOKINGS_PER_SECOND = 150.0  # figure 3
BIG_P95_MS = 100.0  # figure 4
WARMUP_REQUESTS = 5  # per client per target, discarded (as run.py)
SERVICE = "bench-quick"  # 15 minutes, 5 after: slots of one practitioner 30 minutes apart
# Lines in a server log that mean something went wrong, whatever the status codes said.
LOG_PROBLEMS = re.compile(
    r"database is locked|Traceback|Internal Server Error|WORKER TIMEOUT|CRITICAL|Error:", re.I
)


@dataclass
class Figure:
    key: str
    label: str
    goal: str
    measured: str
    passed: bool | None  # None: context, no goal
    errors: int = 0  # requests or log lines that went wrong
    details: dict = field(default_factory=dict)


@dataclass
class Install:
    name: str
    env: dict[str, str]
    database: str


# --- setting up ----------------------------------------------------------------------------


def base_env(var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("GUNICORN_CMD_ARGS", "DATABASE_URL", "MEDIA_ROOT", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env.update(
        {
            "ACUCLINIC_VAR_DIR": str(var_dir),
            "DEBUG": "0",
            "ACUCLINIC_BENCH": "1",
            "ALLOWED_HOSTS": "127.0.0.1",
            "PYTHONUNBUFFERED": "1",
            "EMAIL_URL": "dummy://",
            # No per-address limit on the API's writes: every client here is 127.0.0.1, and
            # the default 30 a minute would refuse nearly all of figures 2 and 3.
            "API_BOOKING_RATE": "",
        }
    )
    return env


def data(env: dict[str, str], *args: str) -> dict:
    """Run booking_data.py against the install in `env`; its last line is JSON."""
    done = subprocess.run(
        [sys.executable, str(DATA_SCRIPT), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(
            f"booking_data.py {' '.join(args)} failed ({done.returncode}):\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def install(env: dict[str, str], static: bool) -> None:
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo")
    if static:
        manage(env, "collectstatic", "--noinput", "-v0")


def sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (WAL included) through SQLite's backup API."""
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


def start_gunicorn(name: str, env: dict[str, str], workdir: Path, workers: int) -> Server:
    """run.py's server (sync workers, no access log, warnings only) with N workers, ready."""
    server = start_server(name, env, workdir, workers)
    wait_ready(server)
    return server


def log_size(server: Server) -> int:
    try:
        return server.log_path.stat().st_size
    except OSError:
        return 0


def log_problems(server: Server, since: int) -> list[str]:
    try:
        with open(server.log_path, "rb") as log:
            log.seek(since)
            text = log.read().decode(errors="replace")
    except OSError:
        return []
    return [line for line in text.splitlines() if LOG_PROBLEMS.search(line)]


def ms(seconds: float) -> float:
    return seconds * 1000


def availability_path(service: str, practitioner: str, start: date, days: int) -> str:
    query = urlencode(
        {"service": service, "practitioner": practitioner, "start": start.isoformat(), "days": days}
    )
    return f"/api/availability?{query}"


def get_json(server: Server, path: str, timeout: float = 30.0) -> dict:
    outcome = call(server.port, Request("GET", path), timeout)
    if outcome.status != 200:
        raise BenchError(
            f"GET {path}: {outcome.error or f'HTTP {outcome.status}'}\n"
            f"{outcome.body[:1500].decode(errors='replace')}\nserver log:\n{server.log_tail()}"
        )
    return json.loads(outcome.body)


def cpu_used(server: Server, before: float | None) -> float | None:
    """CPU seconds gunicorn (master and workers) used since `before` (Linux /proc)."""
    after = process_tree_cpu(server.proc.pid)
    return None if before is None or after is None else after - before


def statuses(outcomes: list[Outcome]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for o in outcomes:
        key = str(o.status) if o.status is not None else "no answer"
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def samples(outcomes: list[Outcome], bad: set[int | None], limit: int = 5) -> list[str]:
    return [
        f"{o.request.method} {o.request.path}: "
        + (o.error or f"HTTP {o.status} {o.body[:300].decode(errors='replace')}")
        for o in outcomes
        if o.status in bad or o.error
    ][:limit]


# --- figure 1: availability against the bare view -------------------------------------------


def figure_1(server: Server, clinic: dict, args: argparse.Namespace, db: str) -> list[Figure]:
    first = date.fromisoformat(clinic["first_day"])
    path = availability_path(SERVICE, clinic["busy"], first, clinic["days"])
    answer = get_json(server, path)
    if not answer.get("slots"):
        raise BenchError(f"GET {path} found no free slots: the test calendar is too full")
    bare = Target("bare view", server, BARE_PATH, None)
    avail = Target("availability (30 d)", server, path, b'"slots"')
    targets = [bare, avail]
    since = log_size(server)
    pool = ClientPool(args.concurrency)
    try:
        for target in targets:
            warm = pool.run(server.port, target.path, target.expect, 60, WARMUP_REQUESTS)
            if failed := [s for r in warm for s in r.error_samples]:
                raise BenchError(f"{target.label}: warm-up failed: {failed[:3]}")
        for n in range(args.rounds):
            for target in targets[n % 2 :] + targets[: n % 2]:
                row = run_round(pool, target, args.seconds, args.max_requests)
                print(
                    f"  round {n + 1}: {target.label:<22} {row['throughput']:8.1f} req/s"
                    f"  p95 {row['p95_ms']:7.2f} ms  errors {row['errors']}",
                    flush=True,
                )
    finally:
        pool.close()
    ncpu = os.cpu_count() or 1
    bare_row, avail_row = summarise(bare, bare, ncpu), summarise(avail, bare, ncpu)
    problems = log_problems(server, since)
    errors = bare_row["errors"] + avail_row["errors"] + len(problems)
    details = {
        "path": path,
        "free_slots_in_answer": len(answer["slots"]),
        "appointments": clinic["busy_appointments"],
        "concurrency": args.concurrency,
        "bare": bare_row,
        "availability": avail_row,
        "log_problems": problems[:10],
        "error_samples": bare_row["error_samples"] + avail_row["error_samples"],
    }
    per_round = " ".join(f"{x:.3f}" for x in avail_row["ratio_vs_bare_per_round"])
    return [
        Figure(
            "1",
            f"availability 30 d / 1,000 appts, p95 ({db})",
            f"<= {AVAILABILITY_P95_MS:g} ms",
            f"{avail_row['p95_ms']:.1f} ms (p50 {avail_row['p50_ms']:.1f}; {avail_row['requests']}"
            f" req, {args.concurrency} clients; server CPU "
            f"{avail_row['server_cpu_ms_per_request'] or float('nan'):.1f} ms each)",
            avail_row["p95_ms"] <= AVAILABILITY_P95_MS and errors == 0,
            errors,
            details,
        ),
        Figure(
            "1r",
            f"availability/bare throughput ratio ({db})",
            "(reported)",
            f"{avail_row['ratio_vs_bare']:.3f} ({avail_row['throughput_median']:.0f} vs "
            f"{bare_row['throughput_median']:.0f} req/s; rounds {per_round})",
            None,
            0,
            {},
        ),
    ]


# --- figure 2: a hundred requests for one slot ----------------------------------------------


def figure_2(server: Server, install_: Install, clinic: dict, count: int) -> Figure:
    day = date.fromisoformat(clinic["first_day"]) + timedelta(days=1)
    free = get_json(server, availability_path(SERVICE, clinic["busy"], day, 1))["slots"]
    if not free:
        raise BenchError(f"no free slot for {clinic['busy']} on {day}")
    slot = free[len(free) // 2]
    since = log_size(server)
    jobs = [
        [
            Request(
                "POST",
                "/api/bookings",
                {
                    "service": SERVICE,
                    "practitioner": clinic["busy"],
                    "start": slot["local_start"],
                    "name": f"Same Slot {n}",
                    "email": f"same-slot-{n}@example.com",
                    "phone": "+1 303 555 0100",
                },
            )
        ]
        for n in range(count)
    ]
    cpu_before = process_tree_cpu(server.proc.pid)
    run = run_clients(server.port, jobs)
    cpu = cpu_used(server, cpu_before)
    outcomes = run.flat
    wall = run.ended - run.began
    counts = statuses(outcomes)
    booked = counts.get("201", 0)
    refused = [o for o in outcomes if o.status == 409]
    polite = sum(1 for o in refused if (o.json() or {}).get("detail"))
    with_alternatives = sum(1 for o in refused if (o.json() or {}).get("alternatives"))
    other = len(outcomes) - booked - len(refused)
    problems = log_problems(server, since)
    rows = data(install_.env, "verify", "--practitioner", clinic["busy"], "--start", slot["start"])
    ok = (
        booked == 1
        and len(refused) == count - 1
        and polite == len(refused)
        and other == 0
        and not problems
        and wall <= SAME_SLOT_SECONDS
        and rows["at_slot"] == 1
        and rows["overlapping_practitioner"] == 0
        and rows["overlapping_room"] == 0
    )
    latencies = sorted(o.latency for o in outcomes)
    return Figure(
        f"2-{install_.name}",
        f"{count} requests for one slot ({install_.database})",
        f"1x201, {count - 1}x409, no 5xx/lock, <= {SAME_SLOT_SECONDS:g} s",
        f"{booked}x201 {len(refused)}x409 {other} other, {wall:.2f} s, "
        f"{rows['at_slot']} row, log {'clean' if not problems else f'{len(problems)} bad'}",
        ok,
        other + len(problems),
        {
            "slot": slot,
            "statuses": counts,
            "wall_seconds": wall,
            "p50_ms": ms(percentile(latencies, 50)),
            "max_ms": ms(latencies[-1]),
            "server_cpu_ms_per_request": ms(cpu / len(outcomes)) if cpu else None,
            "refusals_with_detail": polite,
            "refusals_with_alternatives": with_alternatives,
            "database": rows,
            "log_problems": problems[:10],
            "error_samples": samples(outcomes, {None, 500, 502, 503, 429, 400, 422}),
        },
    )


# --- figure 3: bookings per second -----------------------------------------------------------


def booking_requests(clinic: dict, client: int, clients: int, tag: str) -> Iterator[Request]:
    """Client `client`'s own slots: whole days no other client touches (so no two bookings
    race for a practitioner or a room), every bookable start of every booker, in order. The
    service blocks 20 minutes on a 15-minute grid, so one practitioner's starts are 30 apart."""
    zone = ZoneInfo(clinic["time_zone"])
    opening, closing = (clock.fromisoformat(t) for t in clinic["booker_hours"])
    first = date.fromisoformat(clinic["first_day"]) + timedelta(days=clinic["days"] + 10)
    last = date.fromisoformat(clinic["first_day"]) + timedelta(days=380)
    n = 0
    day = first + timedelta(days=client)
    while day <= last:
        at = datetime.combine(day, opening, tzinfo=zone)
        end = datetime.combine(day, closing, tzinfo=zone)
        while at + timedelta(minutes=15) <= end:
            for who in clinic["bookers"]:
                yield Request(
                    "POST",
                    "/api/bookings",
                    {
                        "service": SERVICE,
                        "practitioner": who,
                        "start": at.isoformat(),
                        "name": f"Client {client} Patient {n}",
                        "email": f"{tag}-c{client}-{n}@example.com",
                        "phone": "+1 303 555 0101",
                    },
                    (("Idempotency-Key", f"{tag}-{client}-{n}"),),
                )
                n += 1
            at += timedelta(minutes=30)
        day += timedelta(days=clients)


def figure_3(server: Server, install_: Install, clinic: dict, args: argparse.Namespace) -> Figure:
    since = log_size(server)
    jobs = [
        booking_requests(clinic, c, args.booking_clients, install_.name)
        for c in range(args.booking_clients)
    ]
    cpu_before = process_tree_cpu(server.proc.pid)
    run = run_clients(server.port, jobs, seconds=args.booking_seconds)
    cpu = cpu_used(server, cpu_before)
    outcomes = run.flat
    wall = run.ended - run.began
    booked = sum(1 for o in outcomes if o.status == 201)
    errors = len(outcomes) - booked
    rate = booked / wall if wall > 0 else 0.0
    problems = log_problems(server, since)
    rows = data(install_.env, "verify", "--prefix", "bench-booker-")
    latencies = sorted(o.latency for o in outcomes if o.status == 201)
    # Each second on its own: "sustained" means no second far below the average.
    per_second: dict[int, int] = {}
    for o in outcomes:
        if o.status == 201:
            second = int(o.finished - run.began)
            per_second[second] = per_second.get(second, 0) + 1
    whole = [per_second.get(s, 0) for s in range(int(wall))]
    ok = (
        rate >= BOOKINGS_PER_SECOND
        and errors == 0
        and rows["with_prefix"] == booked
        and not problems
        and rows["overlapping_practitioner"] == 0
        and rows["overlapping_room"] == 0
    )
    return Figure(
        f"3-{install_.name}",
        f"{args.booking_clients} clients booking ({install_.database})",
        f">= {BOOKINGS_PER_SECOND:g}/s, 0 errors",
        f"{rate:.1f}/s ({booked} in {wall:.1f} s; p95 "
        f"{ms(percentile(latencies, 95)) if latencies else float('nan'):.0f} ms; server CPU "
        f"{ms(cpu / len(outcomes)) if cpu and outcomes else float('nan'):.1f} ms each), "
        f"{errors} errors",
        ok,
        errors + len(problems),
        {
            "bookings": booked,
            "wall_seconds": wall,
            "bookings_per_second": rate,
            "per_whole_second": whole,
            "statuses": statuses(outcomes),
            "p50_ms": ms(percentile(latencies, 50)) if latencies else None,
            "p95_ms": ms(percentile(latencies, 95)) if latencies else None,
            "server_cpu_ms_per_request": ms(cpu / len(outcomes)) if cpu and outcomes else None,
            "client_cpu_ms_per_request": ms(run.cpu_seconds / len(outcomes)) if outcomes else None,
            "database": rows,
            "log_problems": problems[:10],
            "error_samples": samples(outcomes, {None, *range(300, 600)} - {201}),
        },
    )


# --- figure 4: a year of a big clinic ------------------------------------------------------


def big_queries(big: dict, count: int, seed: int = 7) -> list[tuple[str, str, int, str]]:
    """(who, service, days, path): one practitioner or "any" (half each), 7 to 31 days, from
    a random day of the year of data, either service."""
    rng = random.Random(seed)
    first = date.fromisoformat(big["first_day"])
    result = []
    for _ in range(count):
        days = rng.randint(7, 31)
        who = "any" if rng.random() < 0.5 else rng.choice(big["practitioners"])
        service = rng.choice(big["services"])
        start = first + timedelta(days=rng.randrange(big["days"] - days))
        result.append((who, service, days, availability_path(service, who, start, days)))
    return result


def figure_4(server: Server, install_: Install, big: dict, args: argparse.Namespace) -> Figure:
    queries = big_queries(big, args.big_queries)
    for _who, _service, _days, path in queries[:4]:  # warm both workers
        get_json(server, path, timeout=60)
    since = log_size(server)
    clients = 2
    jobs = [[Request("GET", q[3]) for q in queries[n::clients]] for n in range(clients)]
    cpu_before = process_tree_cpu(server.proc.pid)
    run = run_clients(server.port, jobs, seconds=args.big_seconds, timeout=60)
    cpu = cpu_used(server, cpu_before)
    outcomes = run.flat
    by_path = {q[3]: q for q in queries}
    good = [o for o in outcomes if o.status == 200]
    errors = len(outcomes) - len(good)
    problems = log_problems(server, since)

    def p95(kind: str | None = None, short: bool | None = None) -> tuple[float, float, int]:
        lat = sorted(
            o.latency
            for o in good
            if (kind is None or (by_path[o.request.path][0] == "any") == (kind == "any"))
            and (short is None or (by_path[o.request.path][2] <= 14) == short)
        )
        if not lat:
            return float("nan"), float("nan"), 0
        return ms(percentile(lat, 95)), ms(percentile(lat, 50)), len(lat)

    overall, overall_p50, n = p95()
    parts = {
        "one practitioner": p95("one"),
        "any": p95("any"),
        "one, 7-14 d": p95("one", True),
        "one, 15-31 d": p95("one", False),
        "any, 7-14 d": p95("any", True),
        "any, 15-31 d": p95("any", False),
    }
    sizes = [len(o.body) for o in good]
    slots_any = [
        len((o.json() or {}).get("slots", [])) for o in good if by_path[o.request.path][0] == "any"
    ]
    return Figure(
        "4" if install_.name == "big" else f"4-{install_.name.removeprefix('big-')}",
        f"365,000 appts, availability p95 ({install_.database})",
        f"<= {BIG_P95_MS:g} ms",
        f"{overall:.0f} ms (one {parts['one practitioner'][0]:.0f}, any {parts['any'][0]:.0f}; "
        f"{n} queries)",
        overall <= BIG_P95_MS and errors == 0 and not problems,
        errors + len(problems),
        {
            "appointments": big["appointments"],
            "practitioners": len(big["practitioners"]),
            "queries": n,
            "clients": clients,
            "p95_ms": overall,
            "p50_ms": overall_p50,
            "by_kind": {k: {"p95_ms": v[0], "p50_ms": v[1], "n": v[2]} for k, v in parts.items()},
            "server_cpu_ms_per_request": ms(cpu / len(outcomes)) if cpu and outcomes else None,
            "response_bytes_median": statistics.median(sizes) if sizes else None,
            "response_bytes_max": max(sizes, default=None),
            "slots_per_any_answer_median": statistics.median(slots_any) if slots_any else None,
            "statuses": statuses(outcomes),
            "log_problems": problems[:10],
            "error_samples": samples(outcomes, {None, *range(300, 600)} - {200}),
            "data_seconds": big["seconds"],
        },
    )


# --- PostgreSQL ----------------------------------------------------------------------------


def pg_url(admin_url: str, name: str) -> str:
    parts = urlsplit(admin_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def pg_admin(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def pg_create(args: argparse.Namespace, name: str, notes: list[str]) -> bool:
    try:
        pg_admin(args.postgres, f'CREATE DATABASE "{name}"')
    except Exception as exc:  # whatever the reason: say so, run the rest
        notes.append(f"PostgreSQL figures not run: {type(exc).__name__}: {exc}")
        print(notes[-1], file=sys.stderr)
        return False
    return True


# --- the table -----------------------------------------------------------------------------


def print_table(figures: list[Figure]) -> None:
    width = max(len(f"{f.key}. {f.label}") for f in figures) + 2
    goal_width = max(len(f.goal) for f in figures) + 2
    header = f"{'figure':<{width}}{'goal':<{goal_width}}{'result':<7} measured"
    print(header)
    print("-" * max(len(header), 100))
    for f in figures:
        result = "-" if f.passed is None else ("pass" if f.passed else "FAIL")
        print(f"{f'{f.key}. {f.label}':<{width}}{f.goal:<{goal_width}}{result:<7} {f.measured}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    # The options run.py takes too (`make bench BENCH_ARGS=...` passes them to both).
    parser.add_argument("--seconds", type=float, default=5.0, help="figure 1 round length (5)")
    parser.add_argument("--rounds", type=int, default=3, help="figure 1 rounds (3)")
    parser.add_argument(
        "--concurrency", type=int, default=2, help="figure 1 clients (2: one per worker)"
    )
    parser.add_argument("--max-requests", type=int, default=50_000, help="per client per round")
    parser.add_argument("--keep", action="store_true", help="keep the temporary var dir")
    # This script's own.
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    parser.add_argument("--same-slot", type=int, default=100, help="figure 2 requests (100)")
    parser.add_argument("--booking-clients", type=int, default=32, help="figure 3 clients (32)")
    parser.add_argument("--booking-seconds", type=float, default=10.0, help="figure 3 (10)")
    parser.add_argument("--big-queries", type=int, default=200, help="figure 4 at most (200)")
    parser.add_argument("--big-seconds", type=float, default=40.0, help="figure 4 at most (40)")
    parser.add_argument("--big-practitioners", type=int, default=50, help=argparse.SUPPRESS)
    parser.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="an admin URL; a database acuclinic_bench_<pid> is created there and dropped",
    )
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--big-postgres", action="store_true", help="figure 4 on PostgreSQL too")
    parser.add_argument("--only", default="1,2,3,4", help="figures to run, e.g. 2,3")
    parser.add_argument(
        "--quick", action="store_true", help="short rounds (2 x 2 s, 4 s of bookings, 20 s big)"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.rounds = min(args.seconds, 2.0), min(args.rounds, 2)
        args.booking_seconds, args.big_seconds = min(args.booking_seconds, 4.0), 20.0
    args.only = {part.strip() for part in args.only.split(",") if part.strip()}
    if not args.only <= {"1", "2", "3", "4"}:
        parser.error("--only takes figure numbers 1 to 4")
    if not 0 < args.seconds <= 600 or not 0 < args.booking_seconds <= 600:
        parser.error("round lengths must be in (0, 600] seconds")
    if not 1 <= args.rounds <= 50:
        parser.error("--rounds must be 1..50")
    if not 1 <= args.concurrency <= 64 or not 1 <= args.booking_clients <= 256:
        parser.error("--concurrency must be 1..64 and --booking-clients 1..256")
    if not 1 <= args.workers <= 32 or not 2 <= args.same_slot <= 500:
        parser.error("--workers must be 1..32 and --same-slot 2..500")
    return args


def _raise_exit(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def measured(figures: list[Figure], new: Figure | list[Figure], load_before: float) -> None:
    """Keep a figure with the machine's load around it (the machine is shared)."""
    for figure in new if isinstance(new, list) else [new]:
        figure.details["loadavg_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
        figures.append(figure)
        print(f"  {figure.measured}", flush=True)


def run_install(
    inst: Install, workdir: Path, args: argparse.Namespace, figures: list[Figure]
) -> dict:
    """Data, a server, and the figures 1-3 that this install takes part in."""
    t0 = time.perf_counter()
    clinic = data(inst.env, "clinic")
    print(
        f"  {inst.database}: {clinic['busy_appointments']} appointments for {clinic['busy']} "
        f"in {clinic['days']} days from {clinic['first_day']} ({time.perf_counter() - t0:.1f} s)",
        flush=True,
    )
    server = start_gunicorn(inst.name, inst.env, workdir, args.workers)
    try:
        if "1" in args.only and inst.name == "sqlite":
            print(f"figure 1 ({inst.database}): {args.rounds} rounds x {args.seconds:g} s")
            measured(figures, figure_1(server, clinic, args, inst.database), os.getloadavg()[0])
        if "2" in args.only:
            print(f"figure 2 ({inst.database}): {args.same_slot} requests for one slot", flush=True)
            load = os.getloadavg()[0]
            measured(figures, figure_2(server, inst, clinic, args.same_slot), load)
        if "3" in args.only:
            print(
                f"figure 3 ({inst.database}): {args.booking_clients} clients for "
                f"{args.booking_seconds:g} s",
                flush=True,
            )
            load = os.getloadavg()[0]
            measured(figures, figure_3(server, inst, clinic, args), load)
    finally:
        stop_server(server)
    return clinic


def run_big(inst: Install, workdir: Path, args: argparse.Namespace, figures: list[Figure]) -> dict:
    t0 = time.perf_counter()
    big = data(inst.env, "big", "--practitioners", str(args.big_practitioners))
    print(
        f"  {inst.database}: {big['appointments']} appointments, {len(big['practitioners'])} "
        f"practitioners ({time.perf_counter() - t0:.0f} s)",
        flush=True,
    )
    server = start_gunicorn(inst.name, inst.env, workdir, args.workers)
    try:
        print(
            f"figure 4 ({inst.database}): up to {args.big_queries} queries or "
            f"{args.big_seconds:g} s, 2 clients",
            flush=True,
        )
        load = os.getloadavg()[0]
        measured(figures, figure_4(server, inst, big, args), load)
    finally:
        stop_server(server)
    return big


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _raise_exit)
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="acuclinic-booking-bench-"))
    var_dir = workdir / "var"
    var_dir.mkdir()
    env = base_env(var_dir)
    figures: list[Figure] = []
    notes: list[str] = []
    pg_name = f"acuclinic_bench_{os.getpid()}"
    pg_names: list[str] = []
    try:
        print(f"setting up in {workdir} ...", flush=True)
        template = workdir / "template.sqlite3"
        install({**env, "DATABASE_URL": f"sqlite:///{template}"}, static=True)

        if args.only & {"1", "2", "3"}:
            path = workdir / "clinic.sqlite3"
            sqlite_copy(template, path)
            inst = Install("sqlite", {**env, "DATABASE_URL": f"sqlite:///{path}"}, "SQLite")
            run_install(inst, workdir, args, figures)

        if not args.no_postgres and args.only & {"2", "3"} and pg_create(args, pg_name, notes):
            pg_names.append(pg_name)
            pg_env = {**env, "DATABASE_URL": pg_url(args.postgres, pg_name)}
            print("setting up PostgreSQL ...", flush=True)
            install(pg_env, static=False)
            run_install(Install("postgresql", pg_env, "PostgreSQL"), workdir, args, figures)

        if "4" in args.only:
            path = workdir / "big.sqlite3"
            sqlite_copy(template, path)
            print("figure 4: writing 365,000 appointments (SQLite) ...", flush=True)
            inst = Install("big", {**env, "DATABASE_URL": f"sqlite:///{path}"}, "SQLite")
            run_big(inst, workdir, args, figures)
            big_name = f"{pg_name}_big"
            if args.big_postgres and not args.no_postgres and pg_create(args, big_name, notes):
                pg_names.append(big_name)
                pg_env = {**env, "DATABASE_URL": pg_url(args.postgres, big_name)}
                print("figure 4: the same on PostgreSQL ...", flush=True)
                install(pg_env, static=False)
                run_big(Install("big-postgresql", pg_env, "PostgreSQL"), workdir, args, figures)

        print()
        print_table(figures)
        loads = " ".join(
            f"{f.key} {f.details['loadavg_1min'][0]:.1f}-{f.details['loadavg_1min'][1]:.1f}"
            for f in figures
            if "loadavg_1min" in f.details
        )
        print(f"load average (1 min) before-after each figure, {os.cpu_count()} CPUs: {loads}")
        for note in notes:
            print(f"note: {note}")
        total_errors = sum(f.errors for f in figures)
        report = {
            "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "command": [Path(sys.argv[0]).name, *(argv if argv is not None else sys.argv[1:])],
            "seconds_total": round(time.perf_counter() - started, 1),
            "config": {
                key: sorted(value) if isinstance(value, set) else value
                for key, value in vars(args).items()
            },
            "server": f"gunicorn, {args.workers} sync workers, 127.0.0.1, DEBUG=0, no access log",
            "machine": {
                "cpus": os.cpu_count(),
                "loadavg": os.getloadavg() if hasattr(os, "getloadavg") else None,
                "python": platform.python_version(),
                "platform": platform.platform(),
            },
            "figures": [asdict(f) for f in figures],
            "notes": notes,
            "errors": total_errors,
        }
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        out = RESULTS_DIR / "booking-latest.json"
        out.write_text(json.dumps(report, indent=2, default=str) + "\n")
        print(f"results: {out.relative_to(REPO)} ({report['seconds_total']:.0f} s in all)")
        if total_errors:
            for f in figures:
                for sample in f.details.get("error_samples", []) + f.details.get(
                    "log_problems", []
                ):
                    print(f"  error ({f.key}): {sample}", file=sys.stderr)
            print(f"FAILED: {total_errors} request(s) or log line(s) went wrong", file=sys.stderr)
            return 1
        return 0
    except (BenchError, TimeoutError) as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; stopping the servers", file=sys.stderr)
        return 130
    finally:
        for name in pg_names:
            with contextlib.suppress(Exception):
                pg_admin(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
