"""Who has which role: groups for staff, the patient link for patients, nobody when inactive."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group

from acuclinic.clinic import roles
from acuclinic.clinic.roles import Role, role_of
from acuclinic.website.management.commands.seed_demo import (
    DEMO_PASSWORD,
    DEMO_USERNAME,
    FRONT_DESK_USERNAME,
)

from .personas import Personas

pytestmark = pytest.mark.django_db

User = get_user_model()


def test_the_migration_creates_the_staff_groups() -> None:
    names = set(Group.objects.values_list("name", flat=True))
    assert {"owner", "practitioner", "front_desk"} <= names


def test_every_persona_has_the_role_its_name_says(personas: Personas) -> None:
    assert role_of(AnonymousUser()) is None
    assert role_of(None) is None
    assert role_of(personas.patient_a) == Role.PATIENT
    assert role_of(personas.patient_b) == Role.PATIENT
    assert role_of(personas.front_desk) == Role.FRONT_DESK
    assert role_of(personas.practitioner) == Role.PRACTITIONER
    assert role_of(personas.owner) == Role.OWNER
    assert role_of(personas.inactive_staff) is None


def test_a_superuser_is_the_owner_even_without_the_group() -> None:
    root = User.objects.create_superuser("root-role", "root@example.org", "root-pass-1")
    assert role_of(root) == Role.OWNER


def test_the_higher_of_two_staff_roles_wins(personas: Personas) -> None:
    roles.grant(personas.practitioner, Role.OWNER)
    assert role_of(personas.practitioner) == Role.OWNER
    roles.revoke(personas.practitioner, Role.OWNER)
    assert role_of(personas.practitioner) == Role.PRACTITIONER


def test_a_group_without_the_staff_flag_is_no_role(personas: Personas) -> None:
    """is_staff is the desk's master switch: unticking it removes the role at once."""
    user = User.objects.get(pk=personas.front_desk.pk)
    user.is_staff = False
    user.save(update_fields=["is_staff"])
    assert role_of(user) is None


def test_a_plain_account_has_no_role_and_a_renamed_group_counts_for_nothing() -> None:
    plain = User.objects.create_user("plain-role", "plain@example.org", "plain-pass-1")
    assert role_of(plain) is None
    staff = User.objects.create_user("staff-role", "s@example.org", "staff-pass-1", is_staff=True)
    staff.groups.add(Group.objects.create(name="Owners of the clinic"))
    assert role_of(staff) is None


def test_a_staff_member_who_is_also_a_patient_keeps_the_staff_role(personas: Personas) -> None:
    personas.record_b.user = personas.front_desk
    personas.record_b.save(update_fields=["user"])
    assert role_of(User.objects.get(pk=personas.front_desk.pk)) == Role.FRONT_DESK


def test_the_role_is_looked_up_once_per_user_object(personas, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    user = User.objects.get(pk=personas.practitioner.pk)
    with django_assert_num_queries(1):
        assert role_of(user) == role_of(user) == Role.PRACTITIONER


def test_a_patient_is_not_a_group() -> None:
    user = User.objects.create_user("p-role", "p@example.org", "p-role-pass-1")
    with pytest.raises(ValueError, match="patient record"):
        roles.grant(user, Role.PATIENT)


def test_labels_are_translatable_and_names_stable() -> None:
    assert [r.value for r in roles.STAFF_ROLES] == ["owner", "practitioner", "front_desk"]
    assert str(Role.FRONT_DESK.label) == "Front desk"


def test_the_demo_has_an_owner_a_front_desk_and_practitioners() -> None:
    assert role_of(User.objects.get(username=DEMO_USERNAME)) == Role.OWNER
    desk = User.objects.get(username=FRONT_DESK_USERNAME)
    assert role_of(desk) == Role.FRONT_DESK and desk.check_password(DEMO_PASSWORD)
    demo = User.objects.get(username=DEMO_USERNAME)
    assert demo.groups.filter(name="practitioner").exists()  # Lena Qiao treats, too
