"""The pain diary: a 0-10 pain score with an optional note, any day in the last month,
kept as an outcome score (outcomes.models.Score: source DIARY, measure "nprs", item "now").

An entry for today is timed now, to the minute; one for an earlier day at noon there (the
clinic's zone). The same score at the same minute is one entry: a double tap or a resent form
saves nothing new. The patient's row is locked while that is checked, so two requests at once
cannot both insert.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from acuclinic.clinic import audit
from acuclinic.outcomes.models import PainItem, Score, Source

from ..models import Patient

MEASURE = "nprs"
ITEM = PainItem.NOW
NOON = time(12, 0)

# The sparkline's drawing box (SVG user units) and how many entries it shows.
CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 300, 100, 6
CHART_ENTRIES = 30


def entries(patient: Patient) -> QuerySet[Score]:
    return Score.objects.filter(patient=patient, source=Source.DIARY, measure=MEASURE, item=ITEM)


def observed_at(day: date, *, zone: tzinfo, now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    if day == now.astimezone(zone).date():
        return now.replace(second=0, microsecond=0)
    return datetime.combine(day, NOON, tzinfo=zone)


@dataclass(frozen=True)
class Recorded:
    score: Score
    created: bool


def record_entry(
    *, patient: Patient, value: int, when: datetime, note: str, request: HttpRequest
) -> Recorded:
    """Save one diary entry and audit it, unless the same score is already there for that
    minute (then that one, `created` False)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise ValueError("a pain score is a whole number from 0 to 10")
    with transaction.atomic():
        Patient.objects.select_for_update().filter(pk=patient.pk).first()
        same = entries(patient).filter(observed_at=when, value=value).order_by("pk").first()
        if same is not None:
            return Recorded(same, False)
        score = Score.objects.create(
            patient=patient,
            measure=MEASURE,
            item=ITEM,
            value=value,
            observed_at=when,
            source=Source.DIARY,
            note=note,
            recorded_by=request.user if request.user.is_authenticated else None,
        )
        audit.record(
            action=audit.Action.CREATE,
            record_type=score,
            record_id=score.pk,
            patient_id=patient.pk,
            request=request,
        )
    return Recorded(score, True)


def sparkline(values: list[int]) -> str:
    """SVG polyline points for scores 0-10 in order, oldest first ("" for fewer than two)."""
    if len(values) < 2:
        return ""
    width = CHART_WIDTH - 2 * CHART_PAD
    height = CHART_HEIGHT - 2 * CHART_PAD
    step = width / (len(values) - 1)
    points = []
    for i, value in enumerate(values):
        x = CHART_PAD + i * step
        y = CHART_PAD + height * (10 - min(max(value, 0), 10)) / 10
        points.append(f"{x:.1f},{y:.1f}")
    return " ".join(points)
