"""A small, bounded, closed-loop HTTP load generator for 127.0.0.1.

Each client is its own process (no GIL between clients) and does one request at a time: connect,
GET, read the whole body, check it, repeat, until the round's deadline or its request budget runs
out. gunicorn's sync workers close the connection after every response anyway, so every request
opens a new TCP connection (HTTP/1.0); the latency includes the connect.

Every client also reports the CPU time it used itself, so the caller can show how much of the
machine went to the generator rather than to the server under test.
"""

import contextlib
import multiprocessing as mp
import queue
import socket
import time
from dataclasses import dataclass, field

HOST = "127.0.0.1"  # the only host a benchmark may target
REQUEST_TIMEOUT = 10.0  # seconds; bounds a round even if the server hangs
MAX_ERROR_SAMPLES = 5


@dataclass(frozen=True)
class Job:
    port: int
    path: str
    expect: bytes | None  # a byte string the body must contain, or None
    start_at: float  # time.monotonic() value (system-wide on Linux) at which to begin
    deadline: float  # stop issuing requests after this monotonic time
    max_requests: int  # per client


@dataclass
class ClientResult:
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    started: float = 0.0
    finished: float = 0.0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    cache_headers: dict[str, int] = field(default_factory=dict)  # X-Page-Cache value -> count
    cpu_seconds: float = 0.0  # this client's own user+system CPU during the loop


class BadResponse(Exception):
    pass


def fetch(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    """GET over a raw socket: HTTP/1.0, so the server sends a plain body and closes.

    Much cheaper per request than http.client, which keeps the generator's own CPU use small
    next to the server's (the bare view costs well under a millisecond of server CPU).
    """
    request = (f"GET {path} HTTP/1.0\r\nHost: {HOST}:{port}\r\nAccept: text/html\r\n\r\n").encode()
    status, headers, body = exchange(port, request, REQUEST_TIMEOUT)
    length = headers.get("content-length")
    if length is not None and length.isdigit() and int(length) != len(body):
        raise BadResponse(f"body is {len(body)} bytes, Content-Length says {length}")
    return status, headers, body


def exchange(port: int, request: bytes, timeout: float) -> tuple[int, dict[str, str], bytes]:
    """Send one raw HTTP/1.0 request and read the whole answer: status, headers, body."""
    chunks = []
    with socket.create_connection((HOST, port), timeout=timeout) as sock:
        sock.sendall(request)
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, sep, body = b"".join(chunks).partition(b"\r\n\r\n")
    if not sep:
        raise BadResponse(f"incomplete response: {head[:200]!r}")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parts = status_line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise BadResponse(f"bad status line: {status_line[:200]!r}")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(parts[1]), headers, body


def run_job(job: Job) -> ClientResult:
    result = ClientResult()
    while (pause := job.start_at - time.monotonic()) > 0:
        time.sleep(min(pause, 0.05))
    cpu_before = time.process_time()
    result.started = time.monotonic()
    for _ in range(job.max_requests):
        if time.monotonic() >= job.deadline:
            break
        t0 = time.perf_counter()
        problem = None
        try:
            status, headers, body = fetch(job.port, job.path)
        except (OSError, BadResponse) as exc:
            problem = f"{type(exc).__name__}: {exc}"
        else:
            elapsed = time.perf_counter() - t0
            if status != 200:
                problem = f"HTTP {status}: {body[:200]!r}"
            elif job.expect is not None and job.expect not in body:
                problem = f"HTTP 200 but body lacks {job.expect!r}: {body[:200]!r}"
            else:
                result.latencies.append(elapsed)
                cache = headers.get("x-page-cache", "none")
                result.cache_headers[cache] = result.cache_headers.get(cache, 0) + 1
        if problem is not None:
            result.errors += 1
            if len(result.error_samples) < MAX_ERROR_SAMPLES:
                result.error_samples.append(problem)
    result.finished = time.monotonic()
    result.cpu_seconds = time.process_time() - cpu_before
    return result


def _client_main(inbox: mp.Queue, outbox: mp.Queue) -> None:
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: the parent reports and cleans up
        while (job := inbox.get()) is not None:
            outbox.put(run_job(job))


class ClientPool:
    """C long-lived client processes; `run` hands each one the same job and waits for all."""

    def __init__(self, concurrency: int) -> None:
        ctx = mp.get_context("spawn")
        self._outbox: mp.Queue = ctx.Queue()
        self._inboxes: list[mp.Queue] = []
        self._procs = []
        for i in range(concurrency):
            inbox: mp.Queue = ctx.Queue()
            proc = ctx.Process(
                target=_client_main, args=(inbox, self._outbox), name=f"client-{i}", daemon=True
            )
            proc.start()
            self._inboxes.append(inbox)
            self._procs.append(proc)

    def run(
        self,
        port: int,
        path: str,
        expect: bytes | None,
        seconds: float,
        max_requests: int,
        lead: float = 0.3,
    ) -> list[ClientResult]:
        start_at = time.monotonic() + lead  # all clients begin together
        job = Job(port, path, expect, start_at, start_at + seconds, max_requests)
        for inbox in self._inboxes:
            inbox.put(job)
        # Bounded wait: the round's length, plus one request timeout, plus slack.
        limit = lead + seconds + REQUEST_TIMEOUT + 30
        try:
            return [self._outbox.get(timeout=limit) for _ in self._inboxes]
        except queue.Empty:
            raise TimeoutError(f"the clients did not report within {limit:.0f} s") from None

    def close(self) -> None:
        for inbox in self._inboxes:
            with contextlib.suppress(OSError, ValueError):
                inbox.put(None)
        for proc in self._procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=5)
