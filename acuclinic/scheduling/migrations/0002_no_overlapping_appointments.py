"""Decision 2: the database refuses overlapping appointments (see scheduling/overlap_guard.py)."""

from django.db import migrations

from acuclinic.scheduling import overlap_guard


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    overlap_guard.ensure_installed(schema_editor.connection)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    overlap_guard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
