"""Decision 4: the staff roles as groups (see clinic/roles.py). The names are what the code
matches on; they are written out here so this migration never changes with the code."""

from django.db import migrations

STAFF_GROUPS = ("owner", "practitioner", "front_desk")


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Group = apps.get_model("auth", "Group")
    for name in STAFF_GROUPS:
        Group.objects.using(schema_editor.connection.alias).get_or_create(name=name)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=STAFF_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0002_locations_rooms_practitioners"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
