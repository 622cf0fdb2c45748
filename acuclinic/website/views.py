from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /cms/",
        "Disallow: /desk/",
        "Disallow: /portal/",
        "Disallow: /accounts/",
        "Disallow: /admin/",
        "Disallow: /comments/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For monitors, without signing in: the database answers, the task worker is alive.

    200 when both are, else 503 naming the part that is not. Nothing else: no versions, no
    host names, no counts. Cheap however often it is called (see clinic/health.py).
    """
    from django.db import DatabaseError

    from acuclinic.clinic import health

    report: dict[str, str | None] = {"database": "ok", "worker": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if health.uses_worker():
            worker = health.worker_health()
            report["worker"] = "ok" if worker.alive else "down"
            report["worker_last_seen"] = worker.last_seen.isoformat() if worker.last_seen else None
    except DatabaseError:
        report = {"database": "down", "worker": "unknown"}
    healthy = all(report[part] == "ok" for part in ("database", "worker"))
    response = JsonResponse(report, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response


def bare(request: HttpRequest) -> HttpResponse:
    """The yardstick for `make bench`: the same middleware, no work."""
    return HttpResponse(b"ok", content_type="text/plain")
