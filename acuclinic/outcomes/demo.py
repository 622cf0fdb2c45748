"""The demo clinic's outcomes: a year of FICTIONAL back-pain courses, so /desk/outcomes/ and
the trajectory pages show something on first run. 60 invented patients, 6 to 10 weekly visits
each, a pain score before and after every visit (with noise, some left blank), an RMDQ at the
start and about 7 weeks later; most improve, some do not, some stop coming. A few finished
courses end in a recorded discharge (goals met, referred on, stopped coming: `DISCHARGED`),
so the trajectory pages show one with its follow-up dates. Idempotent: a
second run finds the first patient and adds nothing.

How fictional records are told apart (`is_fictional`): an e-mail address at a domain reserved
for examples (RFC 2606 / RFC 6761: example.com, .net, .org, and the .example, .test, .invalid
top-level domains). No real person can receive mail there, so such a record cannot be a real
patient: the demo (scheduling's patients too), the tests and the bench all use them. It needs
no extra column or setting, and it survives a copy of the database."""

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Final

from django.utils import timezone

from acuclinic.clinic.models import Location, Practitioner
from acuclinic.outcomes import summary
from acuclinic.outcomes.models import Discharge, DischargeReason, Score, Source
from acuclinic.patients.models import IntakeResponse, IntakeStatus, Patient
from acuclinic.scheduling.models import Appointment, Service

# Every third course of these kinds ends in a recorded discharge (chosen by position, not by
# the random generator, so the rest of the demo stays as it was).
DISCHARGED: Final = {
    "good": DischargeReason.GOALS_MET,
    "none": DischargeReason.REFERRED,
    "dropout": DischargeReason.STOPPED,
}
RESERVED_DOMAINS: Final = ("example.com", "example.net", "example.org")
RESERVED_TLDS: Final = (".example", ".test", ".invalid")
DOMAIN: Final = "outcomes.example.com"
PATIENTS: Final = 60

FIRST = ["Avery", "Briar", "Cosmo", "Dara", "Ember", "Fennick", "Galen", "Hollis", "Indra", "Juno"]
# Surnames no test fixture uses, and no phone numbers: the 555-01xx range has only 100 numbers
# and the tests' own people (found by phone in the desk's searches) live in it too.
LAST = ["Fernhollow", "Marrowby", "Tansleigh", "Ashcombe", "Pellwright", "Oakenfold"]


def is_fictional(email: str) -> bool:
    """True for an address at a domain reserved for examples (see the module's docstring)."""
    domain = email.rpartition("@")[2].lower().rstrip(".")
    return (
        domain in RESERVED_DOMAINS
        or any(domain.endswith("." + d) for d in RESERVED_DOMAINS)
        or domain.endswith(RESERVED_TLDS)
    )


def seed(today: date | None = None) -> int:
    """Add the demo courses if missing; the number of rows created."""
    if Patient.objects.filter(email__endswith="@" + DOMAIN).exists():
        return 0
    practitioners = list(Practitioner.objects.order_by("pk")[:2])
    service = (
        Service.objects.filter(slug="acupuncture-back-pain").first() or Service.objects.first()
    )
    location = Location.objects.order_by("pk").first()
    if not practitioners or service is None or location is None:
        return 0
    today = today or timezone.localdate()
    last_day = today - timedelta(days=25)  # before the scheduling demo's weeks around today
    rng = random.Random(20261126)
    taken: set[tuple[int, date, int]] = set()
    patients, intakes, appointments, planned = [], [], [], []
    discharges = []
    for n in range(PATIENTS):
        name = f"{FIRST[n % len(FIRST)]} {LAST[n // len(FIRST)]}"
        patients.append(
            Patient(
                full_name=name,
                email=f"{name.lower().replace(' ', '.')}@{DOMAIN}",
            )
        )
    Patient.objects.bulk_create(patients)
    for n, patient in enumerate(patients):
        by = practitioners[n % len(practitioners)]
        kind = rng.choices(["good", "some", "none", "dropout"], [50, 20, 18, 12])[0]
        visits = 1 if kind == "dropout" else rng.randint(6, 10)  # never came back
        first = last_day - timedelta(days=rng.randint(10 * 7, 340))
        baseline = rng.randint(5, 9)
        submitted = datetime.combine(first, datetime.min.time(), tzinfo=UTC) - timedelta(days=2)
        intakes.append(
            IntakeResponse(
                patient=patient,
                questionnaire="intake-back-pain",
                version=1,
                status=IntakeStatus.SUBMITTED,
                submitted_at=submitted,
            )
        )
        level = float(baseline)
        target = {"good": 0.25, "some": 0.6, "none": 0.95, "dropout": 0.9}[kind] * baseline
        for number in range(visits):
            day = min(first + timedelta(weeks=number), last_day)
            hour = 0
            while (by.pk, day, hour) in taken:
                hour += 1
            taken.add((by.pk, day, hour))
            start = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
            start += timedelta(hours=15 + hour)  # 08:00 in Denver, then hourly
            end = start + timedelta(minutes=service.duration_minutes)
            appointment = Appointment(
                patient=patient, practitioner=by, service=service, location=location,
                start=start, end=end, blocked_start=start, blocked_end=end,
                status="completed", source="staff",
            )  # fmt: skip
            appointments.append(appointment)
            before = min(10, max(0, round(level + rng.uniform(-0.8, 0.8))))
            after = min(10, max(0, round(before - rng.uniform(0, 2.2))))
            planned.append((patient, appointment, start, before, after))
            level += (target - level) * rng.uniform(0.3, 0.6)
        if n % 3 == 0 and kind in DISCHARGED:
            # Discharged at the last visit; one who stopped coming, three weeks on.
            wait = timedelta(weeks=3) if kind == "dropout" else timedelta()
            discharges.append(
                Discharge(
                    patient=patient,
                    discharged_on=min(day + wait, today),
                    reason=DISCHARGED[kind],
                )
            )
        rmdq = rng.randint(7, 18)
        planned.append((patient, None, submitted, baseline, rmdq))
        if kind != "dropout":
            gain = {"good": 0.55, "some": 0.3, "none": 0.05}[kind]
            planned.append(
                (patient, None, submitted + timedelta(weeks=7), None, round(rmdq * (1 - gain)))
            )
    IntakeResponse.objects.bulk_create(intakes)
    Appointment.objects.bulk_create(appointments)
    scores = []
    for patient, appointment, when, before, after in planned:
        if appointment is None:  # the intake (pain and RMDQ) or the later RMDQ
            if before is not None:
                scores.append(_score(patient, "nprs", before, when, Source.INTAKE))
            scores.append(_score(patient, "rmdq", after, when, Source.QUESTIONNAIRE))
            continue
        if rng.random() < 0.92:  # now and then a score is not given: no row
            scores.append(_score(patient, "nprs", before, when, Source.CHECK_IN, appointment))
        if rng.random() < 0.9:
            later = when + timedelta(minutes=40)
            scores.append(_score(patient, "nprs", after, later, Source.CHECK_OUT, appointment))
    Score.objects.bulk_create(scores)
    Discharge.objects.bulk_create(discharges)
    summary.recompute(p.pk for p in patients)  # bulk_create sends no signals
    return len(patients) + len(intakes) + len(appointments) + len(scores) + len(discharges)


def _score(
    patient: Patient,
    measure: str,
    value: int,
    when: datetime,
    source: str,
    appointment: Appointment | None = None,
) -> Score:
    return Score(
        patient=patient,
        measure=measure,
        item="now" if measure == "nprs" else "",
        value=Decimal(value),
        observed_at=when,
        source=source,
        appointment=appointment,
    )
