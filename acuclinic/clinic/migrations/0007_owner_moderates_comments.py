"""The owner's group carries the permission to moderate readers' comments (clinic/roles.py
ROLE_PERMISSIONS). Written out here so this migration never changes with the code.

On a fresh database the permission rows are made after all migrations (post_migrate), so the
permission is created here if it is not there yet; post_migrate then finds it."""

from django.db import migrations

GROUP = "owner"
APP_LABEL, MODEL, CODENAME = "website", "comment", "moderate_comment"
NAME = "Can moderate reader comments"


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.using(db).get_or_create(app_label=APP_LABEL, model=MODEL)
    permission, _ = Permission.objects.using(db).get_or_create(
        content_type=content_type, codename=CODENAME, defaults={"name": NAME}
    )
    group, _ = Group.objects.using(db).get_or_create(name=GROUP)
    group.permissions.add(permission)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(db).filter(
        content_type__app_label=APP_LABEL, codename=CODENAME
    )
    for group in Group.objects.using(db).filter(name=GROUP):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0006_clinicsettings_require_staff_two_factor"),
        ("website", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
