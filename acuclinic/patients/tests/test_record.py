"""The patient record: what online booking needs still works, every new field is optional
and validated with a message that says what to do, and family links keep their rules."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from acuclinic.patients.forms import PatientForm, check_phone
from acuclinic.patients.models import (
    HeardFrom,
    Language,
    Patient,
    PatientLink,
    Relationship,
    validate_birth_date,
)

pytestmark = pytest.mark.django_db

BASE = {"full_name": "Marisol Tenbrook", "email": "marisol@example.org", "phone": "(303) 555-0170"}


def form(patient: Patient | None = None, **data: str) -> PatientForm:
    values = {**BASE, "preferred_language": "en", **data}
    return PatientForm(values, instance=patient or Patient())


def test_booking_needs_only_name_email_phone() -> None:
    from acuclinic.api.flow import patient_for
    from acuclinic.api.schemas import BookingIn

    fields = {"name": "Wren Ashdown", "email": "Wren@Example.org", "phone": "(303) 555-0171"}
    request = BookingIn.model_construct(**fields)
    created, new = patient_for(request)
    assert new
    created.refresh_from_db()
    assert (created.full_name, created.email, created.phone) == (
        "Wren Ashdown",
        "Wren@Example.org",
        "(303) 555-0171",
    )
    assert created.preferred_language == Language.ENGLISH
    assert created.date_of_birth is None and created.sex == "" and created.heard_from == ""
    again, new = patient_for(BookingIn.model_construct(**{**fields, "email": "wren@example.org"}))
    assert again == created and not new
    created.full_clean()  # a booked record is a valid record


def test_a_minimal_record_is_valid() -> None:
    f = form()
    assert f.is_valid(), f.errors
    patient = f.save()
    assert patient.full_name == "Marisol Tenbrook"
    assert patient.address_lines == []


def test_every_field_saves() -> None:
    f = form(
        date_of_birth="1984-03-21",
        sex="intersex",
        pronouns="they/them",
        address_line1="41 Larkspur Lane",
        address_line2="Apt 2",
        city="Lakewood",
        region="CO",
        postcode="80215",
        country="United States",
        emergency_name="Dale Tenbrook",
        emergency_relationship="brother",
        emergency_phone="303 555 0172",
        preferred_language="es",
        heard_from="friend",
    )
    assert f.is_valid(), f.errors
    patient = f.save()
    patient.refresh_from_db()
    assert patient.date_of_birth == date(1984, 3, 21)
    assert patient.get_sex_display() == "Intersex"
    assert patient.address_lines == [
        "41 Larkspur Lane",
        "Apt 2",
        "Lakewood CO 80215",
        "United States",
    ]
    assert patient.preferred_language == "es"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2999-01-01", "cannot be in the future"),
        ("1899-12-31", "cannot be before 1900"),
        ("1984-02-30", "Enter a real date"),
        ("21/03/1984", "Enter a real date"),
    ],
)
def test_date_of_birth_is_checked(value: str, message: str) -> None:
    f = form(date_of_birth=value)
    assert not f.is_valid()
    assert message in " ".join(f.errors["date_of_birth"])


def test_date_of_birth_limits() -> None:
    validate_birth_date(timezone.localdate())
    validate_birth_date(date(1900, 1, 1))
    with pytest.raises(ValidationError):
        validate_birth_date(timezone.localdate() + timedelta(days=1))


@pytest.mark.parametrize(
    ("phone", "ok"),
    [
        ("(303) 555-0142", True),
        ("+1 303 555 0142", True),
        ("303.555.0142", True),
        ("555-0142", True),
        ("555-014", False),  # six digits
        ("call me", False),
        ("303 555 0142 ext 4", False),
        ("+1 303 555 0142 0142 0142", False),  # too many digits
    ],
)
def test_phone_numbers(phone: str, ok: bool) -> None:
    if ok:
        assert check_phone(phone) == " ".join(phone.split())
    else:
        with pytest.raises(ValidationError):
            check_phone(phone)


def test_a_phone_stored_by_booking_does_not_block_other_edits() -> None:
    patient = Patient.objects.create(full_name="Tamsin Oake", phone="ring after 5")
    f = PatientForm(
        {"full_name": "Tamsin Oake", "phone": "ring after 5", "preferred_language": "en",
         "pronouns": "she/her"},
        instance=patient,
    )  # fmt: skip
    assert f.is_valid(), f.errors
    f = PatientForm(
        {"full_name": "Tamsin Oake", "phone": "ring after 6", "preferred_language": "en"},
        instance=patient,
    )
    assert "phone" in f.errors


def test_required_and_invalid_messages() -> None:
    f = form(full_name="   ", email="not-an-address", sex="other", preferred_language="fr")
    assert not f.is_valid()
    assert f.errors["full_name"] == ["Enter the patient's full name."]
    assert f.errors["email"] == ["Enter an e-mail address such as name@example.com."]
    assert "sex" in f.errors and "preferred_language" in f.errors


def test_other_source_needs_words_and_is_cleared_otherwise() -> None:
    f = form(heard_from=HeardFrom.OTHER, heard_from_other="")
    assert f.errors["heard_from_other"] == ["Say how they heard of us."]
    f = form(heard_from=HeardFrom.OTHER, heard_from_other="A flyer at the library")
    assert f.is_valid()
    patient = f.save()
    f = form(patient, heard_from=HeardFrom.SEARCH, heard_from_other="A flyer at the library")
    assert f.is_valid()
    assert "heard_from_other" in f.changed_fields()
    patient = f.save()
    assert patient.heard_from_other == ""


def test_emergency_contact_needs_name_and_phone() -> None:
    f = form(emergency_phone="303 555 0173")
    assert f.errors["emergency_name"] == ["Give the emergency contact's name too."]
    f = form(emergency_name="Dale Tenbrook")
    assert f.errors["emergency_phone"] == ["Give a phone number for the emergency contact."]


def test_too_long_and_nul_characters_are_refused() -> None:
    f = form(pronouns="x" * 41, city="Lake\x00wood")
    assert "pronouns" in f.errors and "city" in f.errors


def test_links_are_one_way_once_and_never_to_oneself() -> None:
    child = Patient.objects.create(full_name="Pip Tenbrook")
    parent = Patient.objects.create(full_name="Marisol Tenbrook")
    link = PatientLink.objects.create(
        patient=child, related=parent, relationship=Relationship.PARENT, may_book=True
    )
    assert str(link) == "Marisol Tenbrook is the parent of Pip Tenbrook"
    assert list(parent.linked_from.all()) == [link]
    with pytest.raises(IntegrityError), transaction.atomic():
        PatientLink.objects.create(patient=child, related=parent, relationship="guardian")
    with pytest.raises(IntegrityError), transaction.atomic():
        PatientLink.objects.create(patient=child, related=child, relationship="other")
    child.delete()
    assert not PatientLink.objects.exists()
