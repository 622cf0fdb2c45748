"""/desk/audit/: the owner browses the audit trail newest first, filters it, exports it as CSV
(and the export is itself an entry). Bad filters get a message, never a 500."""

import csv
import io
from datetime import UTC, datetime

import pytest

from acuclinic.clinic import audit
from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.clinic.tests.personas import Personas, personas_fixture  # noqa: F401
from acuclinic.desk.audit_views import PER_PAGE

pytestmark = pytest.mark.django_db

URL = "/desk/audit/"


def entry(personas: Personas, who: str = "practitioner", **fields) -> AuditEntry:  # type: ignore[no-untyped-def]
    user = personas.user(who)
    values = {
        "actor": user,
        "actor_username": user.username,
        "role": {"patient_a": "patient", "patient_b": "patient"}.get(who, who),
        "action": Action.VIEW,
        "record_type": "patients.patient",
        "record_id": str(personas.record_a.pk),
        "patient_id": personas.record_a.pk,
        "ip_address": "192.0.2.10",
        "detail": {"purpose": "clinical"},
    }
    return AuditEntry.objects.create(**{**values, **fields})


def rows(html: str) -> int:
    return html.count("<tr>") - 1  # minus the header row


def read_csv(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def owner_client(personas: Personas):  # type: ignore[no-untyped-def]
    return personas.client("owner")


# --- who may see it -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["front_desk", "practitioner", "patient_a"])
def test_only_the_owner(personas: Personas, name: str) -> None:
    client = personas.client(name)
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}?export=csv").status_code == 403
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


@pytest.mark.parametrize("name", ["anonymous", "inactive_staff"])
def test_strangers_sign_in_first(personas: Personas, name: str) -> None:
    response = personas.client(name).get(f"{URL}?export=csv")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_superuser_is_an_owner_too(owner) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    client = Client()
    client.force_login(owner)  # the demo's superuser
    assert client.get(URL).status_code == 200


def test_the_page_is_read_only(owner_client) -> None:  # type: ignore[no-untyped-def]
    assert owner_client.post(URL, {"actor": "x"}).status_code == 405


# --- the list ---------------------------------------------------------------------------------


def test_newest_first_with_who_what_and_where(personas: Personas, owner_client) -> None:  # type: ignore[no-untyped-def]
    entry(personas, at=datetime(2026, 3, 1, 12, tzinfo=UTC), record_id="older")
    entry(personas, who="front_desk", at=datetime(2026, 3, 2, 12, tzinfo=UTC), record_id="newer")
    html = owner_client.get(URL).content.decode()
    assert html.index("#newer") < html.index("#older")
    assert "persona-front-desk" in html and "Front desk" in html and "192.0.2.10" in html
    assert "America/Denver" in html  # local times, with the zone named
    assert '<time datetime="2026-03-02T05:00:00-07:00">2026-03-02 05:00:00</time>' in html
    assert '<th scope="col">' in html and 'for="id_patient"' in html


def test_a_deleted_account_still_shows_who_it_was(personas: Personas, owner_client) -> None:  # type: ignore[no-untyped-def]
    entry(personas, who="front_desk")
    personas.front_desk.delete()
    html = owner_client.get(URL).content.decode()
    assert "persona-front-desk" in html and "account deleted" in html


def test_pages_keep_the_filters_and_cost_the_same_queries(
    personas: Personas, owner_client, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for n in range(PER_PAGE + 5):
        entry(personas, record_id=f"r{n}")
    with django_assert_max_num_queries(12):
        html = owner_client.get(f"{URL}?action=view&patient=").content.decode()
    assert rows(html) == PER_PAGE
    assert "?action=view&amp;patient=&amp;page=2" in html
    second = owner_client.get(f"{URL}?action=view&page=2").content.decode()
    assert rows(second) == 5
    assert owner_client.get(f"{URL}?page=abc").status_code == 200
    assert owner_client.get(f"{URL}?page=99999").status_code == 200


# --- filters ---------------------------------------------------------------------------------


def test_each_filter(personas: Personas, owner_client) -> None:  # type: ignore[no-untyped-def]
    b = personas.record_b.pk
    entry(personas, record_id="p-view")
    entry(personas, who="front_desk", record_id="d-view", detail={"purpose": "contact"})
    entry(personas, who="owner", action=Action.EXPORT, record_type="clinic.auditentry",
          record_id="", patient_id=None, detail={})  # fmt: skip
    entry(personas, record_id=str(b), patient_id=b)
    entry(personas, record_id="march", at=datetime(2026, 3, 10, 5, 59, tzinfo=UTC))
    entry(personas, record_id="march-local", at=datetime(2026, 3, 11, 6, 30, tzinfo=UTC))

    def found(query: str) -> set[str]:
        response = owner_client.get(f"{URL}?{query}")
        assert response.status_code == 200
        return {r["record_id"] for r in read_csv(owner_client.get(f"{URL}?{query}&export=csv"))}

    assert found("actor=PERSONA-FRONT-DESK") == {"d-view"}  # case does not matter
    assert found("role=front_desk") == {"d-view"}
    assert found("action=export&role=owner") == {""}
    assert found(f"patient={b}") == {str(b)}
    assert found(f"patient=%20{b}%20") == {str(b)}  # spaces around are fine
    assert found("record_type=Clinic.AuditEntry") == {""}
    # Days are the clinic's (Denver, UTC-6 then): 05:59 UTC on 10 March is still 9 March
    # there, and 06:30 UTC on 11 March is already 11 March.
    assert found("date_from=2026-03-10&date_to=2026-03-10") == set()
    assert found("date_from=2026-03-09&date_to=2026-03-09") == {"march"}
    assert found("date_from=2026-03-11&date_to=2026-03-11") == {"march-local"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("patient=abc", "A patient id is a whole number"),
        ("patient=-3", "A patient id is a whole number"),
        ("patient=99999999999999999999999", "A patient id is a whole number"),
        ("role=wizard", "Select a valid choice"),
        ("action=peek", "Select a valid choice"),
        ("record_type=patients;DROP", "A record type is an app and a model"),
        ("date_from=2026-13-01", "Enter a real date."),
        ("date_to=9999-12-31", "Choose a date between 2000 and 2100."),
        ("date_from=2026-03-02&date_to=2026-03-01", "The end date is before the start date."),
        ("actor=%00", "Null characters are not allowed."),
        ("actor=" + "x" * 200, "Ensure this value has at most 150 characters"),
    ],
)
def test_bad_filters_say_what_is_wrong(personas: Personas, owner_client, query, message) -> None:  # type: ignore[no-untyped-def]
    entry(personas)
    for url in (f"{URL}?{query}", f"{URL}?{query}&export=csv"):
        response = owner_client.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
        html = response.content.decode()
        assert "correct the marked fields" in html and message in html
        assert "<tbody>" not in html  # no entries under filters that were not applied
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


# --- export ----------------------------------------------------------------------------------


def test_the_export_is_the_filtered_list_in_utc_and_is_itself_audited(
    personas: Personas, owner_client
) -> None:  # type: ignore[no-untyped-def]
    entry(personas, record_id="keep", at=datetime(2026, 3, 1, 12, tzinfo=UTC))
    entry(personas, who="front_desk", record_id="other")
    response = owner_client.get(f"{URL}?actor=persona-practitioner&export=csv", REMOTE_ADDR="::1")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    assert response["Cache-Control"] == "no-store"
    [row] = read_csv(response)
    assert row == {
        "when_utc": "2026-03-01T12:00:00+00:00",
        "actor": "persona-practitioner",
        "role": "practitioner",
        "action": "view",
        "record_type": "patients.patient",
        "record_id": "keep",
        "patient_id": str(personas.record_a.pk),
        "ip_address": "192.0.2.10",
        "detail": '{"purpose": "clinical"}',
    }
    export = AuditEntry.objects.get(action=Action.EXPORT)
    assert (export.actor, export.role, export.record_type) == (
        personas.owner,
        "owner",
        "clinic.auditentry",
    )
    assert export.ip_address == "::1"
    assert export.detail == {"format": "csv", "filters": {"actor": "persona-practitioner"}}


def test_a_cell_never_becomes_a_spreadsheet_formula(personas: Personas, owner_client) -> None:  # type: ignore[no-untyped-def]
    entry(personas, record_id="=HYPERLINK(1)")
    entry(personas, record_id="@SUM(1)")
    values = {r["record_id"] for r in read_csv(owner_client.get(f"{URL}?export=csv&action=view"))}
    assert values == {"'=HYPERLINK(1)", "'@SUM(1)"}


def test_record_writes_what_the_page_shows(personas: Personas, owner_client) -> None:  # type: ignore[no-untyped-def]
    audit.record(
        action=Action.SIGN,
        record_type="charting.note",
        record_id=12,
        patient_id=personas.record_b.pk,
        actor=personas.practitioner,
    )
    html = owner_client.get(f"{URL}?action=sign").content.decode()
    assert "charting.note #12" in html and "Sign" in html
