"""Consent: which texts a patient still has to sign (a new version asks again), signing an
exact version with name, box, time and address (audited), and the demo's two texts."""

from datetime import date, timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.patients import consent
from acuclinic.patients.consent import ConsentError, Version, current_versions, still_to_sign
from acuclinic.patients.demo import PRIVACY, TREATMENT
from acuclinic.patients.models import ConsentDocument, ConsentKind, ConsentSignature, Patient

TODAY = date(2026, 6, 1)
T1 = Version("treatment", 1, date(2026, 1, 5))
T2 = Version("treatment", 2, date(2026, 5, 1))
T3_LATER = Version("treatment", 3, date(2026, 7, 1))  # published next month
P1 = Version("privacy", 1, date(2026, 1, 5))


# --- the rule, pure -----------------------------------------------------------------------


def test_nothing_signed_means_every_current_text() -> None:
    assert still_to_sign([T1, P1], [], TODAY) == [P1, T1]


def test_a_signed_current_version_is_done() -> None:
    assert still_to_sign([T1, P1], [("treatment", 1), ("privacy", 1)], TODAY) == []


def test_a_new_version_asks_again() -> None:
    assert still_to_sign([T1, T2, P1], [("treatment", 1), ("privacy", 1)], TODAY) == [T2]


def test_a_version_published_later_is_not_current_yet() -> None:
    assert current_versions([T1, T2, T3_LATER], TODAY)["treatment"] == T2
    assert still_to_sign([T2, T3_LATER], [("treatment", 2)], TODAY) == []
    assert still_to_sign([T2, T3_LATER], [("treatment", 2)], date(2026, 7, 1)) == [T3_LATER]


def test_order_of_input_does_not_matter_and_no_texts_means_nothing() -> None:
    assert current_versions([T2, T1], TODAY) == current_versions([T1, T2], TODAY)
    assert still_to_sign([], [("treatment", 1)], TODAY) == []


# --- with the database --------------------------------------------------------------------


def request_from(address: str = "203.0.113.9"):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().post("/portal/consent/", REMOTE_ADDR=address)
    request.user = AnonymousUser()
    return request


@pytest.fixture
def patient(db) -> Patient:  # type: ignore[no-untyped-def]
    return Patient.objects.create(full_name="Odalys Brightwater", email="odalys@example.org")


@pytest.mark.django_db
def test_demo_has_one_version_of_each_text() -> None:
    documents = ConsentDocument.objects.all()
    assert {(d.kind, d.version) for d in documents} == {("treatment", 1), ("privacy", 1)}
    assert {d.kind for d in consent.current_documents()} == {"treatment", "privacy"}
    for word in ("acupuncture", "cupping", "gua sha", "massage", "herb", "bruis", "sore", "faint"):
        assert word in TREATMENT.lower(), word
    for text in (TREATMENT, PRIVACY):
        assert "fictional" in text


@pytest.mark.django_db
def test_sign_then_nothing_outstanding(patient: Patient) -> None:
    treatment, privacy = (
        ConsentDocument.objects.get(kind=ConsentKind.TREATMENT, version=1),
        ConsentDocument.objects.get(kind=ConsentKind.PRIVACY, version=1),
    )
    assert consent.outstanding(patient) == [privacy, treatment]
    signature = consent.sign(
        patient=patient,
        document=treatment,
        typed_name="  Odalys   Brightwater ",
        agreed=True,
        request=request_from(),
    )
    assert signature.typed_name == "Odalys Brightwater"
    assert signature.ip_address == "203.0.113.9"
    assert abs(signature.signed_at - timezone.now()) < timedelta(seconds=10)
    assert consent.outstanding(patient) == [privacy]
    entry = AuditEntry.objects.get(action=Action.SIGN)
    assert (entry.patient_id, entry.record_id) == (patient.pk, str(signature.pk))
    assert entry.detail == {"version": "treatment v1"}
    statuses = {s.document.kind: s.signature for s in consent.status(patient)}
    assert statuses == {"treatment": signature, "privacy": None}


@pytest.mark.django_db
def test_a_new_version_in_the_database_asks_again(patient: Patient) -> None:
    old = ConsentDocument.objects.get(kind=ConsentKind.TREATMENT, version=1)
    consent.sign(
        patient=patient, document=old, typed_name="O B", agreed=True, request=request_from()
    )
    new = ConsentDocument.objects.create(
        kind=ConsentKind.TREATMENT, version=2, title="Consent", text="v2",
        published_on=timezone.localdate(),
    )  # fmt: skip
    assert new in consent.outstanding(patient)
    with pytest.raises(ConsentError, match="replaced"):
        consent.sign(patient=patient, document=old, typed_name="O B", agreed=True,
                     request=request_from())  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed_name", "agreed", "message"),
    [("Odalys Brightwater", False, "Tick the box"), ("   ", True, "Type your full name"),
     ("x" * 161, True, "Type your full name")],
)  # fmt: skip
def test_a_signature_needs_the_box_and_a_name(
    patient: Patient, typed_name: str, agreed: bool, message: str
) -> None:
    document = ConsentDocument.objects.get(kind=ConsentKind.PRIVACY, version=1)
    with pytest.raises(ConsentError, match=message):
        consent.sign(patient=patient, document=document, typed_name=typed_name, agreed=agreed,
                     request=request_from())  # fmt: skip
    assert not ConsentSignature.objects.exists()


@pytest.mark.django_db
def test_each_version_is_signed_once(patient: Patient) -> None:
    document = ConsentDocument.objects.get(kind=ConsentKind.PRIVACY, version=1)
    consent.sign(patient=patient, document=document, typed_name="O B", agreed=True,
                 request=request_from())  # fmt: skip
    with pytest.raises(ConsentError, match="already signed"):
        consent.sign(patient=patient, document=document, typed_name="O B", agreed=True,
                     request=request_from())  # fmt: skip
    assert ConsentSignature.objects.count() == 1
    assert AuditEntry.objects.filter(action=Action.SIGN).count() == 1


@pytest.mark.django_db
def test_a_used_version_cannot_be_deleted(patient: Patient) -> None:
    from django.db.models import ProtectedError

    document = ConsentDocument.objects.get(kind=ConsentKind.PRIVACY, version=1)
    consent.sign(patient=patient, document=document, typed_name="O B", agreed=True,
                 request=request_from())  # fmt: skip
    with pytest.raises(ProtectedError):
        document.delete()


@pytest.mark.django_db
def test_access_signature(personas, patient: Patient) -> None:  # type: ignore[no-untyped-def]
    from django.http import Http404

    document = ConsentDocument.objects.get(kind=ConsentKind.PRIVACY, version=1)
    own = ConsentSignature.objects.create(
        patient=personas.record_a, document=document, typed_name="J H", agreed=True
    )
    for name, allowed in [("patient_a", True), ("practitioner", True), ("owner", True),
                          ("front_desk", False), ("patient_b", False)]:  # fmt: skip
        request = request_from()
        request.user = personas.user(name)
        if allowed:
            assert consent.access_signature(request, own.pk) == own
        else:
            with pytest.raises(Http404):
                consent.access_signature(request, own.pk)
    entry = AuditEntry.objects.filter(record_type="patients.consentsignature").first()
    assert entry is not None and entry.patient_id == personas.record_a.pk
