"""`make bench`: the article page against a bare Django view, served by gunicorn, side by side.

Sets up a throwaway install (fresh var dir, migrate, seed_demo, collectstatic), starts two
gunicorn servers on 127.0.0.1 with DEBUG off (one with the public page cache, one without), and
runs interleaved, bounded rounds of a closed-loop load against the bare view and the article page.
The figure is the article/bare throughput ratio from the same run; see bench/README.md.

Usage (from the repo root): .venv/bin/python bench/run.py [--seconds 5] [--rounds 3]
    [--concurrency 4] [--max-requests 50000] [--keep]
"""

import argparse
import contextlib
import json
import math
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from loadgen import BadResponse, ClientPool, ClientResult, fetch

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"

BARE_PATH = "/bench/bare/"
ARTICLE_PATH = "/articles/back-pain-relief-with-acupuncture/"
ARTICLE_TITLE = b"How to get back pain relief with acupuncture"
GOAL = 0.5
WARMUP_REQUESTS = 5  # per client, per target, discarded
STARTUP_TIMEOUT = 60.0  # seconds for gunicorn to answer
# With this share of the CPU or more going to the generator, the bare figure is suspect.
GENERATOR_SHARE_WARNING = 0.35


@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen
    log_path: Path

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


@dataclass
class Target:
    label: str
    server: Server
    path: str
    expect: bytes | None
    rounds: list[dict] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    cache_headers: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)


class BenchError(Exception):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict[str, str], *args: str) -> None:
    cmd = [sys.executable, str(REPO / "manage.py"), *args]
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(
            f"`manage.py {' '.join(args)}` failed ({done.returncode}):\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )


def start_server(name: str, env: dict[str, str], workdir: Path, workers: int = 2) -> Server:
    port = free_port()
    log_path = workdir / f"gunicorn-{name}.log"
    cmd = [
        str(VENV_BIN / "gunicorn"),
        "acuclinic.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--log-level",
        "warning",
        # No --access-logfile: gunicorn writes no access log unless given one.
    ]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so cleanup reaches the workers
        )
    return Server(name, port, proc, log_path)


def wait_ready(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last = "no answer yet"
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise BenchError(
                f"gunicorn ({server.name}) exited with {server.proc.returncode}:\n"
                f"{server.log_tail()}"
            )
        try:
            status, _, body = fetch(server.port, BARE_PATH)
        except (OSError, BadResponse) as exc:
            last = f"{type(exc).__name__}: {exc}"
        else:
            if status == 200:
                return
            last = f"HTTP {status}: {body[:300]!r}"
        time.sleep(0.2)
    raise BenchError(
        f"gunicorn ({server.name}) did not answer {BARE_PATH} with 200 within "
        f"{STARTUP_TIMEOUT:.0f} s (last: {last}):\n{server.log_tail()}"
    )


def stop_server(server: Server) -> None:
    if server.proc.poll() is None:
        server.proc.terminate()  # gunicorn: graceful shutdown of master and workers
        try:
            server.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.proc.pid, signal.SIGKILL)
            server.proc.wait(timeout=10)
    # A worker that outlived its master would still be in the group.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(server.proc.pid, signal.SIGKILL)


def process_tree_cpu(root_pid: int) -> float | None:
    """User+system CPU seconds used so far by a process and its direct children (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    found = False
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # Fields after the ")" that closes the command name: state ppid ... utime(14) stime(15).
        fields = stat[stat.rindex(")") + 2 :].split()
        pid, ppid = int(entry), int(fields[1])
        if pid == root_pid or ppid == root_pid:
            total += int(fields[11]) + int(fields[12])
            found = True
    return total / tick if found else None


def check_once(target: Target) -> None:
    """One request before anything else, so a broken page fails with a readable message."""
    status, _, body = fetch(target.server.port, target.path)
    if status != 200 or (target.expect is not None and target.expect not in body):
        raise BenchError(
            f"{target.label}: GET {target.path} gave HTTP {status}"
            + ("" if status != 200 else f" without {target.expect!r} in the body")
            + f"\nbody: {body[:1500].decode(errors='replace')}\n"
            f"server log:\n{target.server.log_tail()}"
        )


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def run_round(pool: ClientPool, target: Target, seconds: float, max_requests: int) -> dict:
    cpu_before = process_tree_cpu(target.server.proc.pid)
    results: list[ClientResult] = pool.run(
        target.server.port, target.path, target.expect, seconds, max_requests
    )
    cpu_after = process_tree_cpu(target.server.proc.pid)
    start = min(r.started for r in results)
    end = max(r.finished for r in results)
    requests = sum(len(r.latencies) for r in results)
    errors = sum(r.errors for r in results)
    wall = end - start
    client_cpu = sum(r.cpu_seconds for r in results)
    server_cpu = (
        cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
    )
    for r in results:
        target.latencies.extend(r.latencies)
        for key, count in r.cache_headers.items():
            target.cache_headers[key] = target.cache_headers.get(key, 0) + count
        target.errors += r.errors
        for sample in r.error_samples:
            if len(target.error_samples) < 10:
                target.error_samples.append(sample)
    lat = sorted(x for r in results for x in r.latencies)
    row = {
        "requests": requests,
        "errors": errors,
        "wall_seconds": wall,
        "throughput": requests / wall if wall > 0 else 0.0,
        "p50_ms": percentile(lat, 50) * 1000,
        "p95_ms": percentile(lat, 95) * 1000,
        "client_cpu_seconds": client_cpu,
        "server_cpu_seconds": server_cpu,
    }
    target.rounds.append(row)
    return row


def summarise(target: Target, bare: Target, ncpu: int) -> dict:
    lat = sorted(target.latencies)
    throughput = statistics.median(r["throughput"] for r in target.rounds)
    bare_throughput = statistics.median(r["throughput"] for r in bare.rounds)
    paired = [
        t["throughput"] / b["throughput"]
        for t, b in zip(target.rounds, bare.rounds, strict=True)
        if b["throughput"] > 0
    ]
    requests = sum(r["requests"] for r in target.rounds)
    wall = sum(r["wall_seconds"] for r in target.rounds)
    client_cpu = sum(r["client_cpu_seconds"] for r in target.rounds)
    server_cpus = [r["server_cpu_seconds"] for r in target.rounds]
    server_cpu = None if None in server_cpus else sum(server_cpus)
    hits = target.cache_headers.get("hit", 0)
    looked_up = hits + target.cache_headers.get("miss", 0)
    return {
        "label": target.label,
        "server": target.server.name,
        "path": target.path,
        "requests": requests,
        "errors": target.errors,
        "error_samples": target.error_samples,
        "throughput_median": throughput,
        "throughput_per_round": [r["throughput"] for r in target.rounds],
        "ratio_vs_bare": throughput / bare_throughput if bare_throughput else None,
        "ratio_vs_bare_per_round": paired,
        "p50_ms": percentile(lat, 50) * 1000,
        "p95_ms": percentile(lat, 95) * 1000,
        "p99_ms": percentile(lat, 99) * 1000,
        "max_ms": lat[-1] * 1000 if lat else None,
        "x_page_cache": target.cache_headers,
        "cache_hit_rate": hits / looked_up if looked_up else None,
        "client_cpu_ms_per_request": 1000 * client_cpu / requests if requests else None,
        "server_cpu_ms_per_request": (
            1000 * server_cpu / requests if requests and server_cpu is not None else None
        ),
        "generator_cpu_share": (client_cpu / (client_cpu + server_cpu) if server_cpu else None),
        "cpu_busy_fraction": (
            (client_cpu + server_cpu) / (wall * ncpu) if server_cpu is not None and wall else None
        ),
        "rounds": target.rounds,
    }


def fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def print_table(rows: list[dict]) -> None:
    header = (
        f"{'target':<26} {'requests':>8} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'vs bare':>7}   {'srv CPU':>7} {'gen CPU':>7}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['label']:<26} {row['requests']:>8} {row['throughput_median']:>8.1f} "
            f"{row['p50_ms']:>7.2f} {row['p95_ms']:>7.2f} {fmt(row['ratio_vs_bare'], '.2f'):>7}"
            f"   {fmt(row['server_cpu_ms_per_request'], '.2f'):>7}"
            f" {fmt(row['client_cpu_ms_per_request'], '.2f'):>7}"
        )
    print(
        "(req/s: median over rounds; p50/p95: over all requests; vs bare: req/s over the bare\n"
        " view's; srv/gen CPU: ms of CPU per request in gunicorn / in the load generator)"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of a round (5)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per target (3)")
    parser.add_argument("--concurrency", type=int, default=4, help="concurrent clients (4)")
    parser.add_argument(
        "--max-requests",
        type=int,
        default=50_000,
        help="per client per round, a bound besides --seconds (50000)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary var dir")
    args = parser.parse_args(argv)
    if not 0 < args.seconds <= 600:
        parser.error("--seconds must be in (0, 600]")
    if not 1 <= args.rounds <= 50:
        parser.error("--rounds must be 1..50")
    if not 1 <= args.concurrency <= 64:
        parser.error("--concurrency must be 1..64")
    if args.max_requests < 1:
        parser.error("--max-requests must be positive")
    return args


def _raise_exit(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _raise_exit)  # so `finally` stops the servers
    ncpu = os.cpu_count() or 1

    workdir = Path(tempfile.mkdtemp(prefix="acuclinic-bench-"))
    var_dir = workdir / "var"
    var_dir.mkdir()
    env = dict(os.environ)
    env.pop("GUNICORN_CMD_ARGS", None)
    env.update(
        {
            "ACUCLINIC_VAR_DIR": str(var_dir),
            "DEBUG": "0",
            "ACUCLINIC_BENCH": "1",
            "ALLOWED_HOSTS": "127.0.0.1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("MEDIA_ROOT", None)  # media in the temp var dir too
    database = "DATABASE_URL (as given)" if env.get("DATABASE_URL") else "SQLite in the temp dir"

    servers: list[Server] = []
    pool: ClientPool | None = None
    try:
        print(f"setting up in {workdir} ({database}) ...", flush=True)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed_demo")
        manage(env, "collectstatic", "--noinput", "-v0")

        cached = start_server("cached", {**env, "PAGE_CACHE_SECONDS": "300"}, workdir)
        servers.append(cached)
        uncached = start_server("uncached", {**env, "PAGE_CACHE_SECONDS": "0"}, workdir)
        servers.append(uncached)
        for server in servers:
            wait_ready(server)

        bare = Target("bare view", cached, BARE_PATH, None)
        targets = [
            bare,
            Target("article (page cache)", cached, ARTICLE_PATH, ARTICLE_TITLE),
            Target("article (no page cache)", uncached, ARTICLE_PATH, ARTICLE_TITLE),
        ]
        for target in targets:
            check_once(target)

        pool = ClientPool(args.concurrency)
        print(
            f"warming up, then {args.rounds} round(s) x {len(targets)} targets x "
            f"{args.seconds:g} s, {args.concurrency} clients, gunicorn 2 sync workers, "
            f"{ncpu} CPUs",
            flush=True,
        )
        for target in targets:
            warm = pool.run(target.server.port, target.path, target.expect, 60, WARMUP_REQUESTS)
            if failed := [s for r in warm for s in r.error_samples]:
                raise BenchError(f"{target.label}: warm-up failed: {failed[:3]}")

        for n in range(args.rounds):
            # Interleaved, and the order rotates, so drift and noise hit every target alike.
            order = targets[n % len(targets) :] + targets[: n % len(targets)]
            for target in order:
                row = run_round(pool, target, args.seconds, args.max_requests)
                print(
                    f"  round {n + 1}: {target.label:<24} {row['throughput']:8.1f} req/s"
                    f"  p95 {row['p95_ms']:6.2f} ms  errors {row['errors']}",
                    flush=True,
                )

        rows = [summarise(t, bare, ncpu) for t in targets]
        print()
        print_table(rows)
        cached_row, uncached_row = rows[1], rows[2]
        hit_rate = cached_row["cache_hit_rate"]
        print(
            f"\npage cache on the cached article: hit rate {fmt(hit_rate, '.1%')} "
            f"(X-Page-Cache counts: {cached_row['x_page_cache']})"
        )
        share = rows[0]["generator_cpu_share"]
        if share is not None:
            print(
                f"load generator's share of the CPU spent in the bare rounds: {share:.0%}"
                f" (generator and servers kept {fmt(rows[0]['cpu_busy_fraction'], '.0%')}"
                " of the CPUs busy)"
            )
            if share >= GENERATOR_SHARE_WARNING:
                print(
                    "  warning: the generator takes a large share of the CPU, so the bare"
                    " view's throughput is understated and the ratio flattered"
                )
        if rows[0]["server_cpu_ms_per_request"] and cached_row["server_cpu_ms_per_request"]:
            cost_ratio = (
                rows[0]["server_cpu_ms_per_request"] / cached_row["server_cpu_ms_per_request"]
            )
            print(f"server CPU per request, bare/article (cached): {cost_ratio:.2f}")
        per_round = " ".join(f"{x:.2f}" for x in cached_row["ratio_vs_bare_per_round"])
        ratio = cached_row["ratio_vs_bare"]
        print(f"per-round article/bare ratios: {per_round}")
        print(f"article/bare throughput ratio: {ratio:.2f} (goal >= {GOAL})")

        total_errors = sum(r["errors"] for r in rows)
        report = {
            "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "command": [Path(sys.argv[0]).name, *(argv if argv is not None else sys.argv[1:])],
            "config": {
                "seconds": args.seconds,
                "rounds": args.rounds,
                "concurrency": args.concurrency,
                "max_requests_per_client_per_round": args.max_requests,
                "warmup_requests_per_client": WARMUP_REQUESTS,
                "gunicorn": "2 sync workers, 127.0.0.1, DEBUG=0, no access log",
                "database": database,
                "page_cache_seconds": {"cached": 300, "uncached": 0},
            },
            "machine": {
                "cpus": ncpu,
                "loadavg": os.getloadavg() if hasattr(os, "getloadavg") else None,
                "python": platform.python_version(),
                "platform": platform.platform(),
            },
            "goal": GOAL,
            "article_bare_throughput_ratio": ratio,
            "article_bare_ratio_per_round": cached_row["ratio_vs_bare_per_round"],
            "cached_article_hit_rate": hit_rate,
            "uncached_article_bare_throughput_ratio": uncached_row["ratio_vs_bare"],
            "errors": total_errors,
            "targets": rows,
        }
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        out = RESULTS_DIR / "latest.json"
        out.write_text(json.dumps(report, indent=2) + "\n")
        print(f"results: {out.relative_to(REPO)}")

        if total_errors:
            for row in rows:
                for sample in row["error_samples"]:
                    print(f"  error ({row['label']}): {sample}", file=sys.stderr)
            print(f"FAILED: {total_errors} request(s) failed", file=sys.stderr)
            return 1
        return 0
    except (BenchError, TimeoutError) as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; stopping the servers", file=sys.stderr)
        return 130
    finally:
        if pool is not None:
            pool.close()
        for server in servers:
            stop_server(server)
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
