"""One patient's trajectory: the numbers behind the plot and its table (issue 7 C).

`trajectory_context(patient_id)` gives a template everything `outcomes/_trajectory.html`
needs, so the visit screen can include the same partial later. The plot is drawn by Chart.js
(static/js/outcomes-trajectory.js) from `chart`, passed with json_script; the table holds the
same numbers as text. Missing scores are not drawn and not interpolated: a line joins only the
scores that were given.
"""

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from acuclinic.outcomes import data, responders, scoring
from acuclinic.outcomes.data import Episode
from acuclinic.outcomes.models import Source
from acuclinic.outcomes.report import patient_status, thresholds

DAY_SECONDS = 86400


def _days(when: datetime, start: datetime) -> float:
    return round((when - start).total_seconds() / DAY_SECONDS, 2)


def _origin(episode: Episode) -> datetime:
    whens = [o.when for o in (*episode.pain, *episode.function)]
    if episode.start is not None:
        whens.append(episode.start)
    return min(whens)


def _source_label(source: str) -> str:
    try:
        return str(Source(source).label)
    except ValueError:
        return source


def chart_data(episode: Episode) -> dict[str, Any]:
    origin = episode.start or _origin(episode)
    base, _statuses = patient_status(episode)
    lines = thresholds(base)
    series: dict[str, list[dict[str, Any]]] = {"before": [], "after": [], "portal": []}
    for o, source in zip(episode.pain, episode.sources, strict=False):
        if o.value is None:
            continue
        key = o.moment.value if o.moment else "portal"
        series[key].append(
            {
                "x": _days(o.when, origin),
                "y": float(o.value),
                "visit": o.visit,
                "source": _source_label(source),
            }
        )
    measure = scoring.MEASURES.get(episode.function_measure or "")
    return {
        "pain": series,
        "visits": [{"x": _days(v.start, origin), "visit": v.number} for v in episode.visits],
        "function": [
            {"x": _days(o.when, origin), "y": float(o.value)}
            for o in episode.function
            if o.value is not None
        ],
        "function_max": measure.maximum if measure else None,
        "thresholds": lines,
        "labels": {
            "x": _("Days since the first visit"),
            "pain": _("Pain now (0-10)"),
            "before": _("Pain before the visit"),
            "after": _("Pain after the visit"),
            "portal": _("Pain from the portal (intake, diary)"),
            "visit": _("Visit"),
            "function": str(measure.label) if measure else "",
            "baseline": _("Baseline"),
            "moderate": _("30% and 2 points better"),
            "substantial": _("50% better"),
        },
    }


def _rows(episode: Episode, origin: datetime, base: responders.Observation | None) -> list[dict]:
    zone = timezone.get_current_timezone()
    rows = []
    for o, source in zip(episode.pain, episode.sources, strict=False):
        change = None if base is None else responders.change(base.value, o.value)
        rows.append(
            {
                "when": o.when.astimezone(zone),
                "day": _days(o.when, origin),
                "visit": o.visit,
                "source": _source_label(source),
                "value": o.value,
                "is_baseline": o is base,
                "change": change,
            }
        )
    return rows


def trajectory_context(patient_id: int) -> dict[str, Any]:
    """The latest course of treatment of the patient (the one with visits, if any)."""
    found = data.episodes([patient_id]).get(patient_id, [])
    if not found:
        return {"episode": None}
    episode = found[-1]
    origin = episode.start or _origin(episode)
    base, statuses = patient_status(episode)
    f_base = responders.baseline(episode.function)
    f_latest = next((o for o in reversed(episode.function) if o.value is not None), None)
    measure = scoring.MEASURES.get(episode.function_measure or "")
    function_change = None
    function_response = None
    if f_base is not None and f_latest is not None and f_latest is not f_base and measure:
        function_change = responders.change(f_base.value, f_latest.value)
        function_response = responders.response(measure.key, f_base.value, f_latest.value)
    return {
        "episode": episode,
        "episode_count": len(found),
        "baseline": base,
        "statuses": statuses,
        "lines": thresholds(base),
        "rows": _rows(episode, origin, base),
        "function_rows": [
            {
                "when": o.when.astimezone(timezone.get_current_timezone()),
                "day": _days(o.when, origin),
                "visit": o.visit,
                "value": o.value,
            }
            for o in episode.function
        ],
        "function_measure": measure,
        "function_change": function_change,
        "function_response": function_response,
        "chart": chart_data(episode),
    }
