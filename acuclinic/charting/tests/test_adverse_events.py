"""Adverse events (issue 5 D): recorded on a draft or a signed visit (an audited addition),
followed up, listed in the patient's record, and counted per 100 visits for a report."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from acuclinic.charting import actions
from acuclinic.charting.adverse import adverse_event_counts, per_100_visits
from acuclinic.charting.models import AdverseEvent, Visit
from acuclinic.clinic.audit import AuditEntry

from .conftest import client_as, make_appointment, request_as


def test_per_100_visits() -> None:
    assert per_100_visits(3, 200) == Decimal("1.5")
    assert per_100_visits(1, 3) == Decimal("33.3")
    assert per_100_visits(2, 3) == Decimal("66.7")
    assert per_100_visits(0, 10) == Decimal("0.0")
    assert per_100_visits(0, 0) is None
    with pytest.raises(ValueError):
        per_100_visits(-1, 10)
    with pytest.raises(TypeError):
        per_100_visits(True, 10)


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_per_100_visits_is_the_rate_rounded(events: int, visits: int) -> None:
    rate = per_100_visits(events, visits)
    assert rate is not None
    assert abs(rate - Decimal(events * 100) / visits) <= Decimal("0.05")


@pytest.mark.django_db
def test_recorded_on_a_draft_and_on_a_signed_visit_and_audited(personas, visit) -> None:  # type: ignore[no-untyped-def]
    request = request_as(personas.practitioner)
    first = actions.record_adverse_event(
        visit=visit,
        data={"kind": "syncope", "severity": "moderate", "description": "Pale, lay down"},
        request=request,
    )
    actions.sign_visit(visit=visit, request=request)
    later = actions.record_adverse_event(
        visit=visit,
        data={"kind": "bruising", "severity": "mild", "follow_up": "Called on day 2"},
        request=request,
    )
    visit.refresh_from_db()
    assert visit.is_signed
    assert list(visit.adverse_events.order_by("pk")) == [first, later]
    assert later.recorded_by == personas.practitioner and not later.resolved
    entries = AuditEntry.objects.filter(record_id=str(visit.pk), detail__fields=["adverse_events"])
    details = [e.detail for e in entries.order_by("pk")]
    assert [d["reason"] for d in details] == ["added", "added_after_signing"]
    assert all("Pale" not in str(d) for d in details)  # names fields, never content


@pytest.mark.django_db
def test_refused_when_incomplete(personas, visit) -> None:  # type: ignore[no-untyped-def]
    request = request_as(personas.practitioner)
    with pytest.raises(actions.Invalid) as refused:
        actions.record_adverse_event(
            visit=visit, data={"kind": "explosion", "severity": ""}, request=request
        )
    assert set(refused.value.errors) == {"kind", "severity"}
    assert not AdverseEvent.objects.exists()


@pytest.mark.django_db
def test_through_the_pages_listed_in_the_record(personas, visit) -> None:  # type: ignore[no-untyped-def]
    practitioner = client_as(personas.practitioner)
    actions.sign_visit(visit=visit, request=request_as(personas.practitioner))
    url = reverse("charting:add_adverse_event", args=[visit.pk])
    response = practitioner.post(
        url, {"kind": "burn", "severity": "mild", "description": "Small blister at ST36"}
    )
    assert response.status_code == 302
    [event] = AdverseEvent.objects.all()
    assert (event.kind, event.severity) == ("burn", "mild")
    bad = practitioner.post(url, {"kind": "burn"})
    assert bad.status_code == 400 and "Choose mild, moderate or severe." in bad.content.decode()
    follow = reverse("charting:follow_up_adverse_event", args=[visit.pk, event.pk])
    assert practitioner.post(follow, {"follow_up": "Healed", "resolved": "on"}).status_code == 302
    event.refresh_from_db()
    assert (event.follow_up, event.resolved) == ("Healed", True)
    record = practitioner.get(reverse("charting:patient_visits", args=[personas.record_a.pk]))
    html = record.content.decode()
    assert "Adverse events" in html and "Burn" in html and "Healed" in html
    page = practitioner.get(reverse("charting:visit", args=[visit.pk])).content.decode()
    assert "Small blister at ST36" in page and "data-adverse-event" in page
    # The front desk never reads it, nor records one.
    desk = personas.client("front_desk")
    assert desk.post(url, {"kind": "burn", "severity": "mild"}).status_code == 404
    assert desk.post(follow, {"follow_up": "x"}).status_code == 404
    assert AdverseEvent.objects.count() == 1


@pytest.mark.django_db
def test_a_follow_up_for_another_visits_event_is_refused(personas, visit) -> None:  # type: ignore[no-untyped-def]
    request = request_as(personas.practitioner)
    other = actions.start_visit(patient=personas.record_a, request=request)
    event = actions.record_adverse_event(
        visit=other, data={"kind": "pain", "severity": "mild"}, request=request
    )
    with pytest.raises(actions.ChartingRefused):
        actions.follow_up_adverse_event(
            visit=visit, event_id=event.pk, data={"follow_up": "x"}, request=request
        )


@pytest.mark.django_db
def test_counts_for_a_period_and_a_practitioner(personas) -> None:  # type: ignore[no-untyped-def]
    from acuclinic.clinic.models import Practitioner

    request = request_as(personas.practitioner)
    mine = personas.practitioner_record
    other = Practitioner.objects.exclude(pk=mine.pk).first()
    start = timezone.now() + timedelta(days=900)
    end = start + timedelta(days=30)
    inside = [
        actions.start_visit(
            patient=personas.record_a,
            appointment=make_appointment(personas.record_a, who, days=905 + i),
            request=request,
        )
        for i, who in enumerate((mine, mine, mine, other))
    ]
    outside = actions.start_visit(
        patient=personas.record_a,
        appointment=make_appointment(personas.record_a, mine, days=940),
        request=request,
    )
    for v in (inside[0], inside[0], inside[3], outside):
        actions.record_adverse_event(
            visit=v, data={"kind": "bruising", "severity": "mild"}, request=request
        )
    assert Visit.objects.filter(pk__in=[v.pk for v in inside]).count() == 4
    assert adverse_event_counts(start, end) == (3, 4)
    assert adverse_event_counts(start, end, practitioner=mine) == (2, 3)
    assert adverse_event_counts(start, end, practitioner=other.pk) == (1, 1)
    assert adverse_event_counts(end, end + timedelta(days=30)) == (1, 1)
