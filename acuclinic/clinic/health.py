"""Is the task worker alive? It is if it runs a heartbeat task when one is waiting.

django-tasks-db keeps no table of workers, but it keeps every task's result row. /healthz
queues a heartbeat task (which does nothing) when none is waiting and none ran in the last half
minute; a worker finishing it proves the whole path: the queue, a worker claiming it, the
database. The worker is down when a heartbeat has waited longer than WORKER_HEARTBEAT_SECONDS,
so a monitor polling /healthz learns of a dead worker within its own interval plus that time,
however seldom it polls. At most one heartbeat waits at a time and finished ones are deleted
after an hour (the newest is kept), so hammering /healthz adds no work and no rows.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus, task, task_backends
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

KEEP = timedelta(hours=1)
EVERY = timedelta(seconds=30)  # the most often a heartbeat is queued (less with less patience)
CACHE_SECONDS = 5  # per process: a burst of requests costs two queries, not two per request
CACHE_KEY = "health:worker"
WAITING = (TaskResultStatus.READY, TaskResultStatus.RUNNING)


@task
def heartbeat() -> None:
    """Nothing to do: the worker finishing it is the news."""


HEARTBEAT_PATH = f"{heartbeat.func.__module__}.{heartbeat.func.__qualname__}"


@dataclass(frozen=True)
class WorkerHealth:
    alive: bool
    last_seen: datetime | None


def uses_worker() -> bool:
    """Tasks run in a separate `db_worker` process (not inline, as with the immediate backend)."""
    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


def worker_health() -> WorkerHealth:
    """The worker's state from the heartbeat rows; queues the next heartbeat when it is due."""
    cached = cache.get(CACHE_KEY)
    if cached is not None:
        return cached
    now = timezone.now()
    rows = DBTaskResult.objects.filter(task_path=HEARTBEAT_PATH)
    last_seen = (
        rows.filter(status=TaskResultStatus.SUCCESSFUL)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    waiting_since = (
        rows.filter(status__in=WAITING)
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )
    patience = timedelta(seconds=settings.WORKER_HEARTBEAT_SECONDS)
    every = min(EVERY, patience / 4)
    if waiting_since is None and (last_seen is None or last_seen < now - every):
        if last_seen is not None:
            rows.filter(finished_at__lt=min(now - KEEP, last_seen)).delete()
        heartbeat.enqueue()
    alive = last_seen is not None and (waiting_since is None or waiting_since > now - patience)
    health = WorkerHealth(alive=alive, last_seen=last_seen)
    cache.set(CACHE_KEY, health, CACHE_SECONDS)
    return health
