"""Contact details in the portal: phone, address, emergency contact, language and pronouns,
changed by the patient and audited; name, date of birth and e-mail only through the clinic."""

from datetime import date

import pytest

from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.clinic.tests.personas import Personas

pytestmark = pytest.mark.django_db
URL = "/portal/profile/"

FULL = {
    "phone": "(303) 555-0170",
    "address_line1": "12 Aspen Lane",
    "address_line2": "",
    "city": "Boulder",
    "region": "CO",
    "postcode": "80302",
    "country": "United States",
    "emergency_name": "Rowan Halloway",
    "emergency_relationship": "sister",
    "emergency_phone": "(303) 555-0171",
    "preferred_language": "es",
    "pronouns": "she/her",
}


def test_the_patient_updates_their_details_and_it_is_audited(personas: Personas) -> None:
    client = personas.client("patient_a")
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Juniper Halloway" in html and "juniper@example.org" in html
    assert 'autocomplete="tel"' in html and 'autocomplete="address-line1"' in html
    response = client.post(URL, FULL)
    assert response.status_code == 302 and response["Location"] == URL
    record = personas.record_a
    record.refresh_from_db()
    for name, value in FULL.items():
        assert getattr(record, name) == value, name
    entry = AuditEntry.objects.get(action=Action.UPDATE, record_type="patients.patient")
    assert entry.patient_id == record.pk and entry.actor == personas.patient_a
    assert "phone" in entry.detail["fields"] and "full_name" not in entry.detail["fields"]
    assert "555-0170" not in str(entry.detail)  # names of fields, not values
    assert "Your details are saved." in client.get(URL).content.decode()


def test_name_birth_date_and_email_cannot_be_changed_here(personas: Personas) -> None:
    client = personas.client("patient_a")
    data = {
        **FULL,
        "full_name": "Someone Else",
        "email": "evil@example.com",
        "date_of_birth": "1990-01-01",
        "user": str(personas.patient_b.pk),
    }
    assert client.post(URL, data).status_code == 302
    record = personas.record_a
    record.refresh_from_db()
    assert record.full_name == "Juniper Halloway" and record.email == "juniper@example.org"
    assert record.date_of_birth is None and record.user == personas.patient_a
    assert "ask the clinic" in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phone": "call me"}, "Use digits, spaces and + ( ) - only"),
        ({"phone": "12345"}, "A phone number has between 7 and 15 digits."),
        ({"emergency_phone": ""}, "Give a phone number for the emergency contact."),
        ({"emergency_name": ""}, "Give the emergency contact&#x27;s name too."),
        ({"preferred_language": "klingon"}, "Choose one of the languages listed."),
        ({"postcode": "9" * 21}, "Ensure this value has at most 20 characters"),
        ({"city": "Boul\x00der"}, "Null characters are not allowed."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(
    personas: Personas, changes: dict, message: str
) -> None:  # type: ignore[type-arg]
    response = personas.client("patient_a").post(URL, {**FULL, **changes})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "Please correct the fields marked below." in html
    assert 'aria-invalid="true"' in html
    record = personas.record_a
    record.refresh_from_db()
    assert record.phone == "(303) 555-0161" and record.city == ""
    assert not AuditEntry.objects.filter(action=Action.UPDATE).exists()


def test_nothing_changed_writes_no_audit_entry(personas: Personas) -> None:
    client = personas.client("patient_a")
    client.post(URL, FULL)
    before = AuditEntry.objects.filter(action=Action.UPDATE).count()
    assert client.post(URL, FULL).status_code == 302
    assert AuditEntry.objects.filter(action=Action.UPDATE).count() == before


def test_each_patient_edits_only_their_own(personas: Personas) -> None:
    personas.client("patient_b").post(URL, {**FULL, "phone": "(303) 555-0188"})
    personas.record_a.refresh_from_db()
    personas.record_b.refresh_from_db()
    assert personas.record_a.phone == "(303) 555-0161"
    assert personas.record_b.phone == "(303) 555-0188"
    assert personas.record_b.date_of_birth is None or personas.record_b.date_of_birth < date.today()
