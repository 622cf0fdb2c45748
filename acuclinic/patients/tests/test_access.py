"""access_patient: the one gate to a patient's data. Every persona against every purpose, and
guessed ids of every shape: whatever someone may not see is the same 404 as a record that
does not exist, and each clinical read (and each staff read of contact details) is audited."""

import pytest
from django.http import Http404
from django.test import RequestFactory

from acuclinic.clinic.audit import AuditEntry
from acuclinic.clinic.tests.personas import NAMES, Personas, personas_fixture  # noqa: F401
from acuclinic.patients.access import Purpose, access_patient, load, parse_id
from acuclinic.scheduling.models import Appointment

pytestmark = pytest.mark.django_db

CONTACT, CLINICAL = Purpose.CONTACT, Purpose.CLINICAL

# Who may open patient A's record, for each purpose (patient B is A's mirror image).
MAY_SEE_A = {
    CONTACT: {"patient_a", "front_desk", "practitioner", "owner"},
    CLINICAL: {"patient_a", "practitioner", "owner"},
}
# Which allowed reads write an audit entry.
AUDITED = {
    CONTACT: {"front_desk", "practitioner", "owner"},
    CLINICAL: {"patient_a", "practitioner", "owner"},
}

MISSING = 999_999_999
GUESSES = [
    "0",
    "-1",
    "+1",
    " 1",
    "1 ",
    "1.0",
    "1e3",
    "0x1",
    "1_0",
    "\u0661",  # ARABIC-INDIC DIGIT ONE, which int() would take
    "\uff11",  # FULLWIDTH DIGIT ONE, likewise
    "",
    "abc",
    "1; DROP TABLE patients_patient",
    "\x00",
    "9" * 19,
    "9" * 400,
    str(2**63),
    -1,
    0,
    2**63,
    10**40,
    None,
    True,
    1.0,
    [1],
]


def request_as(user, address: str = "198.51.100.4"):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/desk/patients/x/", REMOTE_ADDR=address)
    request.user = user if user is not None else AnonymousUser()
    return request


def outcome(personas: Personas, name: str, patient_id: object, purpose: Purpose) -> str:
    try:
        access_patient(request_as(personas.user(name)), patient_id, purpose)
    except Http404 as refusal:
        assert not str(refusal)  # no message that could tell "missing" from "forbidden"
        return "404"
    return "ok"


@pytest.mark.parametrize("purpose", [CONTACT, CLINICAL])
@pytest.mark.parametrize("name", NAMES)
def test_who_sees_which_record(personas: Personas, name: str, purpose: Purpose) -> None:
    a, b = personas.record_a.pk, personas.record_b.pk
    expect_a = "ok" if name in MAY_SEE_A[purpose] else "404"
    mirror = {"patient_a": "patient_b", "patient_b": "patient_a"}.get(name, name)
    expect_b = "ok" if mirror in MAY_SEE_A[purpose] else "404"
    assert outcome(personas, name, a, purpose) == expect_a
    assert outcome(personas, name, str(b), purpose) == expect_b  # ids from URLs are strings


@pytest.mark.parametrize("purpose", [CONTACT, CLINICAL])
@pytest.mark.parametrize("name", NAMES)
def test_reads_are_audited_as_decided(personas: Personas, name: str, purpose: Purpose) -> None:
    if outcome(personas, name, personas.record_a.pk, purpose) == "404":
        assert not AuditEntry.objects.exists()  # a refused read leaves nothing
        return
    entries = list(AuditEntry.objects.all())
    if name not in AUDITED[purpose]:
        assert entries == []
        return
    [entry] = entries
    user = personas.user(name)
    assert (entry.actor_id, entry.actor_username) == (user.pk, user.username)
    assert entry.action == "view" and entry.record_type == "patients.patient"
    assert entry.record_id == str(personas.record_a.pk)
    assert entry.patient_id == personas.record_a.pk
    assert entry.ip_address == "198.51.100.4"
    assert entry.detail == {"purpose": str(purpose)}
    assert entry.role == {"patient_a": "patient"}.get(name, name)


@pytest.mark.parametrize("guess", [MISSING, str(MISSING), *GUESSES], ids=repr)
def test_guessed_ids_are_a_plain_404_even_for_the_owner(personas: Personas, guess) -> None:  # type: ignore[no-untyped-def]
    for purpose in (CONTACT, CLINICAL):
        assert outcome(personas, "owner", guess, purpose) == "404"
        assert outcome(personas, "patient_a", guess, purpose) == "404"
    assert not AuditEntry.objects.exists()


def test_forbidden_and_missing_cost_the_same_queries(
    personas: Personas, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    """A patient's lookup is filtered by their own account in the query itself, so someone
    else's record and no record at all are the same single query."""
    from django.contrib.auth import get_user_model

    for target in (personas.record_b.pk, MISSING):
        user = get_user_model().objects.get(pk=personas.patient_a.pk)  # no cached role
        # The patient link (for the role), then the lookup filtered by the account.
        with django_assert_num_queries(2), pytest.raises(Http404):
            access_patient(request_as(user), target, CLINICAL)


def test_parse_id_takes_plain_positive_64_bit_numbers_only() -> None:
    assert parse_id("42") == 42
    assert parse_id(42) == 42
    assert parse_id("007") == 7
    assert parse_id(str(2**63 - 1)) == 2**63 - 1
    for guess in GUESSES:
        assert parse_id(guess) is None, guess


def test_the_shared_helper_serves_records_that_belong_to_a_patient(personas: Personas) -> None:
    """What access_visit and friends will do: the rule follows `patient_path` to the patient,
    and the entry names the record and its patient."""
    from datetime import timedelta

    from django.utils import timezone

    from acuclinic.clinic.models import Location
    from acuclinic.scheduling.models import Service

    start = timezone.now() + timedelta(days=400)
    appointment = Appointment.objects.create(
        patient=personas.record_a,
        practitioner=personas.practitioner_record,
        service=Service.objects.filter(needs_room=False).first(),
        location=Location.objects.first(),
        start=start,
        end=start + timedelta(minutes=30),
        blocked_start=start,
        blocked_end=start + timedelta(minutes=30),
        source="staff",
    )

    def read(name: str) -> str:
        try:
            load(
                request_as(personas.user(name)),
                Appointment.objects.all(),
                appointment.pk,
                CLINICAL,
                patient_path="patient",
            )
        except Http404:
            return "404"
        return "ok"

    assert {name: read(name) for name in NAMES} == {
        name: "ok" if name in MAY_SEE_A[CLINICAL] else "404" for name in NAMES
    }
    entry = AuditEntry.objects.filter(actor=personas.practitioner).get()
    assert entry.record_type == "scheduling.appointment"
    assert (entry.record_id, entry.patient_id) == (str(appointment.pk), personas.record_a.pk)


def test_a_purpose_given_as_text_counts_the_same(personas: Personas) -> None:
    request = request_as(personas.practitioner)
    assert access_patient(request, personas.record_a.pk, "clinical") == personas.record_a  # type: ignore[arg-type]
    assert AuditEntry.objects.get().detail == {"purpose": "clinical"}
    with pytest.raises(ValueError):
        access_patient(request, personas.record_a.pk, "gossip")  # type: ignore[arg-type]
