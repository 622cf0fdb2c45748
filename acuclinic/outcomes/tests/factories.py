"""Small builders for the outcome tests: a practitioner of the test's own, back-pain patients,
attended visits and scores, far in the future (2031) so the demo clinic's data never mixes in.
All fictional; phone numbers 555-01xx."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import count

from acuclinic.clinic.models import Location, Practitioner
from acuclinic.outcomes.models import Score, Source
from acuclinic.patients.models import IntakeResponse, IntakeStatus, Patient
from acuclinic.scheduling.models import Appointment, Service

T0 = datetime(2031, 3, 3, 16, 0, tzinfo=UTC)  # a Monday, 09:00 in Denver
_serial = count(1)


def practitioner(name: str = "Tamsin Okafor") -> Practitioner:
    n = next(_serial)
    return Practitioner.objects.create(name=name, slug=f"outcomes-test-{n}")


def patient(name: str = "Rowan Test", *, back_pain: bool = True) -> Patient:
    n = next(_serial)
    record = Patient.objects.create(
        full_name=f"{name} {n}",
        email=f"outcomes-{n}@example.org",
        phone="(303) 555-0170",
        date_of_birth=datetime(1970, 5, 17).date(),
    )
    if back_pain:
        IntakeResponse.objects.create(
            patient=record,
            questionnaire="intake-back-pain",
            version=1,
            status=IntakeStatus.SUBMITTED,
            submitted_at=T0,
        )
    return record


def visit(
    who: Patient, by: Practitioner, start: datetime, status: str = "completed"
) -> Appointment:
    end = start + timedelta(minutes=45)
    return Appointment.objects.create(
        patient=who,
        practitioner=by,
        service=Service.objects.filter(needs_room=False).first(),
        location=Location.objects.first(),
        start=start,
        end=end,
        blocked_start=start,
        blocked_end=end,
        status=status,
        source="staff",
    )


def score(
    who: Patient,
    value: float | int,
    when: datetime,
    source: str = Source.CHECK_IN,
    appointment: Appointment | None = None,
    measure: str = "nprs",
    item: str = "now",
    note: str = "",
) -> Score:
    return Score.objects.create(
        patient=who,
        measure=measure,
        item=item if measure == "nprs" else "",
        value=Decimal(str(value)),
        observed_at=when,
        source=source,
        appointment=appointment,
        note=note,
    )


def course(
    who: Patient,
    by: Practitioner,
    before: list[float | None],
    after: list[float | None] | None = None,
    *,
    start: datetime = T0,
    every: timedelta = timedelta(weeks=1),
) -> list[Appointment]:
    """Weekly visits with a check-in score (`before`) and a check-out score (`after`) at each;
    None: that score was not given (no row)."""
    made = []
    after = after or [None] * len(before)
    for i, (b, a) in enumerate(zip(before, after, strict=True)):
        when = start + i * every
        appointment = visit(who, by, when)
        if b is not None:
            score(who, b, when, Source.CHECK_IN, appointment)
        if a is not None:
            score(who, a, when + timedelta(minutes=40), Source.CHECK_OUT, appointment)
        made.append(appointment)
    return made


def chart(
    appointment: Appointment,
    *,
    protocol: object = None,
    point: str | None = None,
    herbs: bool | None = None,
) -> None:
    """A charted visit for the appointment: its protocol, one needled point, and a herbal
    prescription (issued when `herbs` is True, a draft when False, none when None)."""
    from django.contrib.auth import get_user_model

    from acuclinic.charting.models import NeedlePoint, Side
    from acuclinic.charting.models import Visit as ChartedVisit
    from acuclinic.herbs.models import Prescription, Status

    author, _ = get_user_model().objects.get_or_create(username="outcomes-charting")
    charted = ChartedVisit.objects.create(
        patient=appointment.patient,
        practitioner=appointment.practitioner,
        appointment=appointment,
        protocol=protocol,
        started_at=appointment.start,
        created_by=author,
    )
    if point is not None:
        NeedlePoint.objects.create(visit=charted, code=point, side=Side.BILATERAL)
    if herbs is not None:
        Prescription.objects.create(
            visit=charted,
            patient=appointment.patient,
            practitioner=appointment.practitioner,
            created_by=author,
            status=Status.ISSUED if herbs else Status.DRAFT,
            issued_at=appointment.start if herbs else None,
            issued_by=author if herbs else None,
        )
