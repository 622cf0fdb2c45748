"""Signing the clinic's consent texts in the portal: the exact text, a typed name that must
be the patient's own, the box; each version once, audited; a new version asks again."""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.clinic.tests.personas import Personas
from acuclinic.patients import consent
from acuclinic.patients.models import ConsentDocument, ConsentKind, ConsentSignature

pytestmark = pytest.mark.django_db
URL = "/portal/consent/"


def treatment() -> ConsentDocument:
    return ConsentDocument.objects.get(kind=ConsentKind.TREATMENT, version=1)


def sign_url(document: ConsentDocument) -> str:
    return f"/portal/consent/{document.pk}/sign/"


def test_each_current_text_is_shown_in_full_with_a_form(personas: Personas) -> None:
    response = personas.client("patient_a").get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for document in consent.current_documents():
        assert document.title in html
        # The exact text, paragraph by paragraph (linebreaks escapes and wraps it).
        first = document.text.split("\n\n")[0].replace("'", "&#x27;").split("\n")[0]
        assert first in html
        assert f'action="{sign_url(document)}"' in html
    assert html.count('name="typed_name"') == 2
    assert len(set(re.findall(r'id="(consent-[^"]+)"', html))) == len(
        re.findall(r'id="(consent-[^"]+)"', html)
    )  # no id twice on the page


def test_signing_records_the_version_time_address_and_audit(personas: Personas) -> None:
    document = treatment()
    before = timezone.now()
    client = personas.client("patient_a")
    response = client.post(
        sign_url(document),
        {"typed_name": "  juniper   HALLOWAY ", "agreed": "on"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302 and response["Location"] == URL
    signature = ConsentSignature.objects.get()
    assert signature.patient == personas.record_a and signature.document == document
    assert signature.typed_name == "juniper HALLOWAY"
    assert signature.ip_address == "203.0.113.7" and signature.signed_at >= before
    entry = AuditEntry.objects.get(action=Action.SIGN)
    assert entry.patient_id == personas.record_a.pk and entry.actor == personas.patient_a
    assert entry.detail == {"version": "treatment v1"}
    page = client.get(URL).content.decode()
    assert "you have signed “Consent to treatment”" in page
    assert "Signed on" in page and page.count('name="typed_name"') == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"typed_name": "", "agreed": "on"}, "Type your full name to sign."),
        ({"typed_name": "   ", "agreed": "on"}, "Type your full name to sign."),
        ({"typed_name": "Bartholomew Lund", "agreed": "on"}, "does not match the name on your"),
        ({"typed_name": "Juniper", "agreed": "on"}, "does not match the name on your record"),
        ({"typed_name": "Juniper Halloway"}, "Tick the box to say you have read and agree."),
        ({"typed_name": "J" * 161, "agreed": "on"}, "Type your full name as the clinic has it"),
    ],
)
def test_bad_signatures_are_explained_and_nothing_is_signed(
    personas: Personas, data: dict, message: str
) -> None:  # type: ignore[type-arg]
    response = personas.client("patient_a").post(sign_url(treatment()), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    assert not ConsentSignature.objects.exists()
    assert not AuditEntry.objects.filter(action=Action.SIGN).exists()


def test_signing_twice_is_refused_kindly(personas: Personas) -> None:
    client = personas.client("patient_a")
    data = {"typed_name": "Juniper Halloway", "agreed": "on"}
    assert client.post(sign_url(treatment()), data).status_code == 302
    again = client.post(sign_url(treatment()), data, follow=True)
    assert "You have already signed this version." in again.content.decode()
    assert ConsentSignature.objects.count() == 1


def test_a_new_version_asks_again_and_the_old_one_is_listed(personas: Personas) -> None:
    client = personas.client("patient_a")
    client.post(sign_url(treatment()), {"typed_name": "Juniper Halloway", "agreed": "on"})
    v2 = ConsentDocument.objects.create(
        kind=ConsentKind.TREATMENT,
        version=2,
        title="Consent to treatment",
        text="Version two: cupping may leave round marks for a week.",
        published_on=timezone.localdate(),
    )
    html = client.get(URL).content.decode()
    assert "Version two: cupping may leave round marks for a week." in html
    assert f'action="{sign_url(v2)}"' in html
    assert "Earlier versions you signed" in html and "version 1: signed on" in html
    # The replaced version can no longer be signed by anyone.
    refused = personas.client("patient_b").post(
        sign_url(treatment()), {"typed_name": "Bartholomew Lund", "agreed": "on"}, follow=True
    )
    assert "This version has been replaced" in refused.content.decode()
    assert not ConsentSignature.objects.filter(patient=personas.record_b).exists()


def test_unknown_or_unpublished_versions_are_404(personas: Personas) -> None:
    later = ConsentDocument.objects.create(
        kind=ConsentKind.PRIVACY,
        version=9,
        title="Privacy notice",
        text="Not yet.",
        published_on=timezone.localdate() + timedelta(days=10),
    )
    client = personas.client("patient_a")
    data = {"typed_name": "Juniper Halloway", "agreed": "on"}
    assert client.post(sign_url(later), data).status_code == 404
    assert client.post("/portal/consent/999999/sign/", data).status_code == 404
    assert client.get(sign_url(treatment())).status_code == 405
    assert not ConsentSignature.objects.exists()


def test_one_patients_signature_is_not_anothers(personas: Personas) -> None:
    personas.client("patient_a").post(
        sign_url(treatment()), {"typed_name": "Juniper Halloway", "agreed": "on"}
    )
    html = personas.client("patient_b").get(URL).content.decode()
    assert "Signed on" not in html and html.count('name="typed_name"') == 2


FUZZ_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    typed=FUZZ_TEXT,
    agreed=st.one_of(st.none(), FUZZ_TEXT),
    document_id=st.one_of(st.none(), FUZZ_TEXT, st.integers(min_value=-5, max_value=2**70)),
)
def test_fuzzed_consent_posts_never_fail(personas: Personas, typed, agreed, document_id) -> None:  # type: ignore[no-untyped-def]
    client = personas.client("patient_a")
    data = {"typed_name": typed}
    if agreed is not None:
        data["agreed"] = agreed
    target = treatment().pk if document_id is None else document_id
    # Quoted as a browser would send it: a raw "#" or "?" would cut the path short.
    response = client.post(f"/portal/consent/{quote(str(target), safe='')}/sign/", data)
    # 405: an "id" that makes no consent route at all (empty, or with a slash) falls through
    # to the website's pages, which take GET only. Never a 500.
    assert response.status_code in (302, 400, 404, 405)
    for signature in ConsentSignature.objects.filter(patient=personas.record_a):
        assert signature.typed_name.casefold() == "juniper halloway"
        ConsentSignature.objects.filter(pk=signature.pk).delete()
