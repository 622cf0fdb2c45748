"""CourseSummary.last_visit, filled for the rows already stored: the latest attended visit
from the course's start until the patient's next course starts."""

from collections import defaultdict

from django.db import migrations, models

ATTENDED = ("arrived", "completed")


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    CourseSummary = apps.get_model("outcomes", "CourseSummary")
    Appointment = apps.get_model("scheduling", "Appointment")
    courses = defaultdict(list)
    for row in CourseSummary.objects.order_by("patient_id", "start").only(
        "pk", "patient_id", "start"
    ):
        courses[row.patient_id].append(row)
    visits = defaultdict(list)
    for patient_id, start in (
        Appointment.objects.filter(patient_id__in=list(courses), status__in=ATTENDED)
        .order_by("start")
        .values_list("patient_id", "start")
    ):
        visits[patient_id].append(start)
    changed = []
    for patient_id, rows in courses.items():
        for index, row in enumerate(rows):
            until = rows[index + 1].start if index + 1 < len(rows) else None
            inside = [v for v in visits[patient_id] if v >= row.start and (until is None or v < until)]
            row.last_visit = inside[-1] if inside else None
            changed.append(row)
    CourseSummary.objects.bulk_update(changed, ["last_visit"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0003_discharge"),
        ("scheduling", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="coursesummary",
            name="last_visit",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
