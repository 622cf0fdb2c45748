"""/outcomes/how-we-measure/: the public page an article's live figure links to.

It says what is measured, when, how a responder is defined and how the interval is worked
out, and shows the clinic's current back-pain figures: aggregates only, and only those that
at least MIN_PATIENTS patients stand behind (a smaller number is shown as "not enough yet").
Cached like any public page (page_cache), the figures for at most FIGURE_SECONDS more.
"""

from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from acuclinic.outcomes import report, schedule, scoring, stats
from acuclinic.website.outcome_blocks import FIGURE_SECONDS, MIN_PATIENTS
from acuclinic.website.page_cache import mark_cacheable

MONTHS = 24


def clinic_figures(condition: str = "back-pain") -> list[dict[str, Any]]:
    """Each report figure over the last MONTHS months: its percent, n/N and interval, or
    only its label when fewer than MIN_PATIENTS patients have the scores it needs."""
    now = timezone.now()
    key = f"outcome-public:{condition}:{MONTHS}:{timezone.localdate(now)}"
    found = cache.get(key)
    if isinstance(found, list):
        return found
    from acuclinic.outcomes.views import build_full_report

    filters = report.Filters(start=now - timedelta(days=round(MONTHS * 365.25 / 12)), end=now)
    result = build_full_report(filters, condition, now)
    rows = []
    for outcome in result.outcomes:
        rate = outcome.rate
        enough = rate.total >= MIN_PATIENTS and rate.proportion is not None
        rows.append(
            {
                "figure": str(outcome.figure),
                "label": str(outcome.label),
                "shown": enough,
                "text": stats.format_rate(rate) if enough else "",
            }
        )
    cache.set(key, rows, FIGURE_SECONDS)
    return rows


@require_safe
def how_we_measure(request: HttpRequest) -> HttpResponse:
    mark_cacheable(request)
    context = {
        "figures": clinic_figures(),
        "as_of": timezone.localdate(),
        "months": MONTHS,
        "min_patients": MIN_PATIENTS,
        "measures": [scoring.NPRS, scoring.RMDQ, scoring.ODI, scoring.PSFS],
        "every_nth_visit": schedule.EVERY_NTH_VISIT,
    }
    return render(request, "outcomes/public/how_we_measure.html", context)
