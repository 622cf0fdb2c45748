"""HTTP for bench/booking.py: one request over a raw socket, and clients as threads.

The booking figures need POSTs with a JSON body and, per client, a different sequence of
requests, which loadgen.py (one GET path for every client) does not do. Requests go to
127.0.0.1 only, over HTTP/1.0 with a new connection each, like loadgen's. The clients here are
threads: at a few hundred requests a second their own work (a JSON body out, a status line
and a small body back) is a few per cent of one core, and a hundred of them must start within
a millisecond of each other for the same-slot race.
"""

import json
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from loadgen import HOST, BadResponse, exchange


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: Any = None  # sent as JSON
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class Outcome:
    request: Request
    status: int | None  # None: no HTTP answer (connection refused, reset, timeout...)
    started: float  # time.monotonic()
    finished: float
    body: bytes = b""
    error: str | None = None

    @property
    def latency(self) -> float:
        return self.finished - self.started

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


def send(port: int, req: Request, timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:
    payload = b"" if req.body is None else json.dumps(req.body).encode()
    lines = [
        f"{req.method} {req.path} HTTP/1.0",
        f"Host: {HOST}:{port}",
        "Accept: application/json",
    ]
    if req.body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    lines += [f"{name}: {value}" for name, value in req.headers]
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode() + payload
    return exchange(port, raw, timeout)


def call(port: int, req: Request, timeout: float = 10.0) -> Outcome:
    started = time.monotonic()
    try:
        status, _headers, body = send(port, req, timeout)
    except (OSError, BadResponse) as exc:
        return Outcome(req, None, started, time.monotonic(), error=f"{type(exc).__name__}: {exc}")
    return Outcome(req, status, started, time.monotonic(), body)


@dataclass
class Run:
    began: float  # when the clients were released (time.monotonic())
    outcomes: list[list[Outcome]]  # per client, in order
    cpu_seconds: float = 0.0  # used by this process (the clients) meanwhile

    @property
    def flat(self) -> list[Outcome]:
        return [o for client in self.outcomes for o in client]

    @property
    def ended(self) -> float:
        return max((o.finished for o in self.flat), default=self.began)


def run_clients(
    port: int,
    jobs: list[Iterable[Request]],
    *,
    seconds: float | None = None,
    timeout: float = 10.0,
) -> Run:
    """One thread per job; all are released together and each sends its requests in order,
    one at a time, until its job is done or `seconds` have passed since the release."""
    outcomes: list[list[Outcome]] = [[] for _ in jobs]
    ready = threading.Barrier(len(jobs) + 1)
    began = [0.0]

    def client(index: int, job: Iterator[Request]) -> None:
        ready.wait()
        deadline = None if seconds is None else began[0] + seconds
        for req in job:
            if deadline is not None and time.monotonic() >= deadline:
                break
            outcomes[index].append(call(port, req, timeout))

    threads = [
        threading.Thread(target=client, args=(n, iter(job)), daemon=True)
        for n, job in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    cpu = time.process_time()
    began[0] = time.monotonic()
    ready.wait()  # every thread is at the barrier: go
    bound = (seconds or 0) + timeout + 60
    for thread in threads:
        thread.join(timeout=max(1.0, began[0] + bound - time.monotonic()))
        if thread.is_alive():
            raise TimeoutError(f"a client did not finish within {bound:.0f} s")
    return Run(began[0], outcomes, time.process_time() - cpu)
