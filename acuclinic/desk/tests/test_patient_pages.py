"""/desk/patients/: the list and its search (query count does not grow with the page), the
record page per role, the edit form (errors beside fields, nothing lost, audited), family
links, and guessed ids everywhere."""

from pathlib import Path

import pytest
from django.urls import reverse

from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.clinic.tests.personas import NAMES, Personas, personas_fixture  # noqa: F401
from acuclinic.patients.models import Patient, PatientLink

pytestmark = pytest.mark.django_db

LIST = "/desk/patients/"  # a literal: reverse() at import would load the URLconf early


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR / "private"


def outcome(response) -> int | str:  # type: ignore[no-untyped-def]
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return "login"
    return response.status_code


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.full_name for p in response.context["page"].object_list]


# --- the list -----------------------------------------------------------------------------


def test_the_desk_links_to_the_list(personas: Personas) -> None:
    page = personas.client("front_desk").get(reverse("desk:home")).content.decode()
    assert f'href="{LIST}"' in page


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("juniper", True),
        ("HALLOWAY", True),
        ("juniper@example", True),
        ("555-0161", True),
        ("5550161", True),  # digits, whatever the punctuation
        ("(303) 555 0161", True),
        ("0162", False),  # Bartholomew's
        ("Juniper\x00", True),
        ("nobody", False),
    ],
)
def test_search(personas: Personas, query: str, found: bool) -> None:
    response = personas.client("front_desk").get(LIST, {"q": query})
    assert response.status_code == 200
    assert ("Juniper Halloway" in names(response)) == found


def test_erased_records_are_not_listed(personas: Personas) -> None:
    Patient.objects.filter(pk=personas.record_b.pk).update(erased_at=personas.record_b.created_at)
    response = personas.client("owner").get(LIST, {"q": "Lund"})
    assert names(response) == []


def test_pages_and_a_fixed_number_of_queries(personas: Personas) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = personas.client("front_desk")
    Patient.objects.bulk_create(
        Patient(full_name=f"Test Pagewell {n:02d}", phone=f"(303) 555-01{n:02d}") for n in range(3)
    )
    client.get(LIST)  # the session and the role are warm
    with CaptureQueriesContext(connection) as few:
        client.get(LIST, {"q": "Pagewell"})
    # Session, user, site, clinic settings, role, the navigation's permission check (is there a
    # Comments link); then the count and the page.
    assert len(few.captured_queries) <= 9
    Patient.objects.bulk_create(
        Patient(full_name=f"Test Pagewell {n:02d}", phone=f"(303) 555-01{n:02d}")
        for n in range(3, 60)
    )
    with CaptureQueriesContext(connection) as many:
        first = client.get(LIST, {"q": "Pagewell"})
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(names(first)) == 25
    second = client.get(LIST, {"q": "Pagewell", "page": 3})
    assert names(second) == [f"Test Pagewell {n:02d}" for n in range(50, 60)]
    assert "Page 3 of 3" in second.content.decode()
    assert not AuditEntry.objects.filter(action=Action.VIEW).exists()  # a list is not a read


# --- one record ---------------------------------------------------------------------------


def test_front_desk_sees_contact_details_only(personas: Personas) -> None:
    url = reverse("desk:patient", args=[personas.record_a.pk])
    page = personas.client("front_desk").get(url).content.decode()
    assert "(303) 555-0161" in page and "juniper@example.org" in page
    assert "Documents" not in page and "Consent" not in page
    assert "Upload a document" not in page and "Export" not in page and "Erase" not in page
    assert "/desk/visits/" not in page and "/desk/outcomes/" not in page
    entry = AuditEntry.objects.get(action=Action.VIEW)
    assert entry.detail == {"purpose": "contact"} and entry.actor == personas.front_desk


def test_practitioner_sees_consent_and_documents(personas: Personas) -> None:
    url = reverse("desk:patient", args=[personas.record_a.pk])
    page = personas.client("practitioner").get(url).content.decode()
    assert "Consent to treatment" in page and "not signed yet" in page
    assert "No documents uploaded." in page and "Upload a document" in page
    assert "Erase" not in page
    pk = personas.record_a.pk
    assert f'href="/desk/visits/patient/{pk}/"' in page  # the clinical record, one click away
    assert f'href="/desk/outcomes/patients/{pk}/"' in page
    assert AuditEntry.objects.get(action=Action.VIEW).detail == {"purpose": "clinical"}
    owner_page = personas.client("owner").get(url).content.decode()
    assert reverse("desk:patient_erase", args=[personas.record_a.pk]) in owner_page


@pytest.mark.parametrize("route", ["patient", "patient_edit", "patient_links"])
@pytest.mark.parametrize("guess", ["999999", "0", "9" * 25])
def test_guessed_patient_ids(personas: Personas, route: str, guess: str) -> None:
    url = reverse(f"desk:{route}", args=[1]).replace("/1/", f"/{guess}/")
    assert personas.client("owner").get(url).status_code == 404
    assert personas.client("patient_a").get(url).status_code == 403  # the gate comes first


# --- editing ------------------------------------------------------------------------------


def edit_url(personas: Personas) -> str:
    return reverse("desk:patient_edit", args=[personas.record_a.pk])


def form_data(**changes: str) -> dict[str, str]:
    data = {
        "full_name": "Juniper Halloway",
        "email": "juniper@example.org",
        "phone": "(303) 555-0161",
        "preferred_language": "en",
    }
    return {**data, **changes}


def test_front_desk_edits_the_phone(personas: Personas) -> None:
    response = personas.client("front_desk").post(
        edit_url(personas), form_data(phone="(303) 555-0169", pronouns="she/her")
    )
    assert response.status_code == 302
    personas.record_a.refresh_from_db()
    assert personas.record_a.phone == "(303) 555-0169"
    assert personas.record_a.user == personas.patient_a  # untouched
    entry = AuditEntry.objects.get(action=Action.UPDATE)
    assert entry.detail == {"fields": ["phone", "pronouns"]}
    assert (entry.patient_id, entry.actor) == (personas.record_a.pk, personas.front_desk)


def test_errors_beside_the_fields_and_nothing_lost(personas: Personas) -> None:
    data = form_data(
        phone="call after five",
        email="juniper(at)example",
        date_of_birth="2999-01-01",
        city="Lakewood",
        pronouns="she/her",
        heard_from="other",
    )
    response = personas.client("front_desk").post(edit_url(personas), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please correct the marked fields. Nothing is saved yet." in html
    for field, message in [
        ("phone", "Use digits, spaces and + ( ) - only"),
        ("email", "Enter an e-mail address such as name@example.com."),
        ("date_of_birth", "The date of birth cannot be in the future."),
        ("heard_from_other", "Say how they heard of us."),
    ]:
        assert f'<p class="field-error" id="id_{field}_error">{message}' in html, field
        assert 'aria-invalid="true"' in html
        assert f'aria-describedby="id_{field}_error"' in html or (
            f'id_{field}_helptext id_{field}_error"' in html
        ), field
    for typed in ("call after five", "juniper(at)example", "2999-01-01", "Lakewood", "she/her"):
        assert f'value="{typed}"' in html, typed
    personas.record_a.refresh_from_db()
    assert personas.record_a.phone == "(303) 555-0161" and personas.record_a.city == ""
    assert not AuditEntry.objects.filter(action=Action.UPDATE).exists()


def test_saving_without_changes_writes_no_update(personas: Personas) -> None:
    response = personas.client("owner").post(edit_url(personas), form_data())
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action=Action.UPDATE).exists()


EDITORS = {"practitioner": 302, "owner": 302, "front_desk": 302, "patient_a": 403,
           "patient_b": 403, "anonymous": "login", "inactive_staff": "login"}  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_who_may_edit(personas: Personas, name: str) -> None:
    response = personas.client(name).post(edit_url(personas), form_data(city="Arvada"))
    assert outcome(response) == EDITORS[name]
    personas.record_a.refresh_from_db()
    assert (personas.record_a.city == "Arvada") == (EDITORS[name] == 302)


# --- family links -------------------------------------------------------------------------


@pytest.fixture
def child(db) -> Patient:  # type: ignore[no-untyped-def]
    return Patient.objects.create(full_name="Wren Halloway")


def links_url(patient: Patient) -> str:
    return reverse("desk:patient_links", args=[patient.pk])


def test_link_a_parent_from_the_parents_record(personas: Personas, child: Patient) -> None:
    parent = personas.record_a
    client = personas.client("front_desk")
    found = client.get(links_url(parent), {"q": "Wren"}).content.decode()
    assert f"?other={child.pk}" in found
    assert (
        f"?other={parent.pk}"
        not in client.get(links_url(parent), {"q": "Halloway"}).content.decode()
    )
    chosen = client.get(links_url(parent), {"other": child.pk}).content.decode()
    assert "Wren Halloway" in chosen
    response = client.post(
        links_url(parent),
        {"other": child.pk, "direction": "mine", "relationship": "parent", "may_book": "on"},
    )
    assert response.status_code == 302
    link = PatientLink.objects.get()
    # "This patient (the parent) is the chosen person's parent": stored from the child's side.
    assert (link.patient, link.related, link.relationship, link.may_book) == (
        child, parent, "parent", True
    )  # fmt: skip
    assert AuditEntry.objects.get(action=Action.CREATE).patient_id == child.pk
    parent_page = client.get(reverse("desk:patient", args=[parent.pk])).content.decode()
    assert "This patient is the parent of" in parent_page and "Wren Halloway" in parent_page
    child_page = client.get(reverse("desk:patient", args=[child.pk])).content.decode()
    assert "is this patient&#x27;s parent" in child_page or "is this patient's parent" in child_page


def test_link_refusals(personas: Personas, child: Patient) -> None:
    client = personas.client("front_desk")
    parent = personas.record_a
    PatientLink.objects.create(patient=child, related=parent, relationship="parent")
    again = client.post(links_url(parent), {"other": child.pk, "direction": "theirs",
                                            "relationship": "guardian"})  # fmt: skip
    assert "These two records are already linked." in again.content.decode()
    itself = client.post(links_url(parent), {"other": parent.pk, "direction": "theirs",
                                             "relationship": "parent"})  # fmt: skip
    assert "A patient cannot be linked to themselves." in itself.content.decode()
    unchosen = client.post(links_url(parent), {"other": child.pk, "direction": "theirs"})
    assert "Choose the relationship." in unchosen.content.decode()
    guessed = client.post(links_url(parent), {"other": "999999", "direction": "theirs",
                                              "relationship": "parent"})  # fmt: skip
    assert guessed.status_code == 404
    assert PatientLink.objects.count() == 1


def test_unlink(personas: Personas, child: Patient) -> None:
    parent, other = personas.record_a, personas.record_b
    link = PatientLink.objects.create(patient=child, related=parent, relationship="parent")
    client = personas.client("front_desk")
    # Through a record the link does not touch: as if it did not exist.
    wrong = client.post(reverse("desk:patient_unlink", args=[other.pk, link.pk]))
    assert wrong.status_code == 404
    response = client.post(reverse("desk:patient_unlink", args=[parent.pk, link.pk]))
    assert response.status_code == 302
    assert not PatientLink.objects.exists()
    entry = AuditEntry.objects.get(action=Action.DELETE)
    assert (entry.record_type, entry.patient_id) == ("patients.patientlink", child.pk)
    assert client.get(reverse("desk:patient_unlink", args=[parent.pk, link.pk])).status_code == 405
