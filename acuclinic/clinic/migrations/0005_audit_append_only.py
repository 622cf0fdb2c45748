"""Decision 4: the database refuses to change or delete an audit entry (see clinic/audit.py)."""

from django.db import migrations

from acuclinic.clinic import audit


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    audit.ensure_installed(schema_editor.connection)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    audit.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("clinic", "0004_auditentry")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
