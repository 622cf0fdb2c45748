"""The audit log: record() writes who, role, what, when and from where; the database refuses
to change or delete an entry, whoever asks (raw SQL included). Run on both databases:
`DATABASE_URL=postgres://... pytest acuclinic/clinic`."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client, RequestFactory

from acuclinic.clinic import audit
from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.patients.models import Patient

from .personas import Personas, make_personas

pytestmark = pytest.mark.django_db

User = get_user_model()


def entry_for(user, **overrides) -> AuditEntry:  # type: ignore[no-untyped-def]
    fields = {
        "action": Action.VIEW,
        "record_type": "patients.patient",
        "record_id": 7,
        "patient_id": 7,
        "actor": user,
        "detail": {"purpose": "clinical"},
    }
    return audit.record(**{**fields, **overrides})


def refused(sql: str, params: list | None = None) -> None:  # type: ignore[type-arg]
    with pytest.raises(IntegrityError) as caught, transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params or [])
    assert "audit_append_only" in str(caught.value)


# --- writing ----------------------------------------------------------------------------


def test_record_takes_actor_role_and_address_from_the_request(personas: Personas) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    request.user = personas.practitioner
    entry = audit.record(
        action=Action.VIEW,
        record_type=personas.record_a,
        record_id=personas.record_a.pk,
        patient_id=personas.record_a.pk,
        request=request,
        detail={"purpose": "clinical"},
    )
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor == personas.practitioner
    assert entry.actor_username == "persona-practitioner"
    assert entry.role == "practitioner"
    assert (entry.action, entry.record_type) == ("view", "patients.patient")
    assert (entry.record_id, entry.patient_id) == (str(personas.record_a.pk), personas.record_a.pk)
    assert entry.ip_address == "203.0.113.9"
    assert entry.at.utcoffset().total_seconds() == 0  # stored and returned in UTC


def test_a_forwarded_for_header_is_not_believed_and_a_bad_address_is_dropped() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert audit.client_ip(request) == "10.0.0.2"
    assert audit.client_ip(RequestFactory().get("/", REMOTE_ADDR="not an address")) is None
    assert audit.client_ip(RequestFactory().get("/", REMOTE_ADDR="::1")) == "::1"


def test_an_anonymous_request_has_no_actor() -> None:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    entry = audit.record(action=Action.SIGN_IN, record_type="auth.user", request=request)
    assert entry.actor is None and entry.actor_username == "" and entry.role == ""


def test_detail_holds_known_keys_only_and_stays_small(personas: Personas) -> None:
    with pytest.raises(ValueError, match="not allowed"):
        entry_for(personas.owner, detail={"note": "lower back pain since May"})
    with pytest.raises(ValueError, match="too long"):
        entry_for(personas.owner, detail={"reason": "x" * 5000})
    with pytest.raises(ValueError):
        entry_for(personas.owner, action="peek")
    assert not AuditEntry.objects.exists()


def test_the_role_is_the_one_at_the_time(personas: Personas) -> None:
    from acuclinic.clinic import roles

    first = entry_for(personas.practitioner)
    roles.grant(personas.practitioner, roles.Role.OWNER)
    second = entry_for(personas.practitioner)
    assert AuditEntry.objects.get(pk=first.pk).role == "practitioner"
    assert AuditEntry.objects.get(pk=second.pk).role == "owner"


# --- append-only -------------------------------------------------------------------------


def test_the_guard_is_installed_by_the_migrations() -> None:
    assert audit.guard_names(connection) <= audit.installed(connection)


def test_raw_sql_update_and_delete_are_refused(personas: Personas) -> None:
    entry = entry_for(personas.owner)
    refused("UPDATE clinic_auditentry SET action = 'delete' WHERE id = %s", [entry.pk])
    refused("UPDATE clinic_auditentry SET detail = '{}' WHERE id = %s", [entry.pk])
    refused("DELETE FROM clinic_auditentry WHERE id = %s", [entry.pk])
    refused("DELETE FROM clinic_auditentry")
    # Clearing the actor together with anything else is a change, too.
    refused(
        "UPDATE clinic_auditentry SET actor_id = NULL, record_id = '8' WHERE id = %s", [entry.pk]
    )
    # So is pinning the entry on someone else.
    refused(
        "UPDATE clinic_auditentry SET actor_id = %s WHERE id = %s",
        [personas.front_desk.pk, entry.pk],
    )
    fresh = AuditEntry.objects.get(pk=entry.pk)
    assert (fresh.action, fresh.record_id, fresh.actor_id) == ("view", "7", personas.owner.pk)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncate_is_refused_on_postgresql(personas: Personas) -> None:
    entry_for(personas.owner)
    with connection.cursor() as cursor:
        # Else PostgreSQL refuses first, for the new row's pending foreign-key check.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    refused("TRUNCATE clinic_auditentry")
    assert AuditEntry.objects.count() == 1


def test_the_orm_cannot_change_or_delete_either(personas: Personas) -> None:
    entry = entry_for(personas.owner)
    entry.record_id = "8"
    with pytest.raises(ValueError, match="audit_append_only"):
        entry.save()
    with pytest.raises(ValueError, match="audit_append_only"):
        entry.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(record_id="9")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).record_id == "7"


def test_deleting_the_user_keeps_the_entry_and_who_it_was(personas: Personas) -> None:
    entry = entry_for(personas.front_desk)
    personas.front_desk.delete()
    fresh = AuditEntry.objects.get(pk=entry.pk)
    assert fresh.actor_id is None
    assert (fresh.actor_username, fresh.role) == ("persona-front-desk", "front_desk")


def test_erasing_a_patient_keeps_their_entries(personas: Personas) -> None:
    patient_id = personas.record_a.pk
    entry_for(personas.owner, patient_id=patient_id, action=Action.ERASE)
    Patient.objects.filter(pk=patient_id).delete()
    assert AuditEntry.objects.filter(patient_id=patient_id).count() == 1


# --- the guard's life cycle ----------------------------------------------------------------


def test_ensure_installed_is_idempotent(personas: Personas) -> None:
    before = audit.installed(connection)
    audit.ensure_installed(connection)
    audit.ensure_installed(connection)
    assert audit.installed(connection) == before
    entry = entry_for(personas.owner)
    refused("DELETE FROM clinic_auditentry WHERE id = %s", [entry.pk])


def test_migrate_reinstalls_a_missing_guard(personas: Personas) -> None:
    audit.remove(connection)
    assert not audit.guard_names(connection) & audit.installed(connection)
    call_command("migrate", verbosity=0)  # nothing to apply; post_migrate still runs
    assert audit.guard_names(connection) <= audit.installed(connection)
    entry = entry_for(personas.owner)
    refused("UPDATE clinic_auditentry SET action = 'delete' WHERE id = %s", [entry.pk])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite rebuilds tables")
@pytest.mark.django_db(transaction=True)
def test_the_guard_survives_a_migration_that_rebuilds_the_table() -> None:
    with connection.schema_editor() as editor:
        editor._remake_table(AuditEntry)  # what AlterField and friends do on SQLite
    assert not audit.guard_names(connection) & audit.installed(connection)
    call_command("migrate", verbosity=0)
    assert audit.guard_names(connection) <= audit.installed(connection)
    entry = entry_for(make_personas().owner)
    refused("DELETE FROM clinic_auditentry WHERE id = %s", [entry.pk])


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_and_puts_the_guard_back() -> None:
    """The test runner flushes after every transactional test: with entries present the
    guard would refuse it, so `flush` lifts it for that moment only."""
    entry_for(make_personas().owner)
    call_command("flush", verbosity=0, interactive=False)
    assert not AuditEntry.objects.exists()
    assert audit.guard_names(connection) <= audit.installed(connection)
    entry = entry_for(make_personas().owner)
    refused("DELETE FROM clinic_auditentry WHERE id = %s", [entry.pk])


# --- the Django admin: read only ------------------------------------------------------------


def test_the_admin_shows_entries_and_nothing_else(personas: Personas) -> None:
    entry = entry_for(personas.owner)
    root = User.objects.create_superuser("root-audit", "root@example.org", "root-pass-1")
    client = Client()
    client.force_login(root)
    base = "/admin/clinic/auditentry/"
    listing = client.get(base)
    assert listing.status_code == 200 and "persona-owner" in listing.content.decode()
    assert client.get(f"{base}?q=abc").status_code == 200  # a word against the id column
    assert client.get(f"{base}?q={entry.patient_id}").status_code == 200
    page = client.get(f"{base}{entry.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(f"{base}{entry.pk}/change/", {"record_id": "9"}).status_code == 403
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).record_id == "7"
