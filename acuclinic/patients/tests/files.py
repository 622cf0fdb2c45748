"""Small real files for upload tests, made on the spot (no binary fixtures in the tree)."""

import io
import random
import zipfile
from datetime import datetime, timedelta

from django.utils import timezone

from acuclinic.clinic.models import Location, Practitioner
from acuclinic.patients.models import Patient

PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
    b"trailer <</Root 1 0 R>>\n"
    b"%%EOF\n"
)


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 16), (40, 110, 90)).save(out, "PNG")
    return out.getvalue()


def jpeg() -> bytes:
    from PIL import Image

    noise = random.Random(4).randbytes(96 * 96 * 3)  # noise, so the data is long
    out = io.BytesIO()
    Image.frombytes("RGB", (96, 96), noise).save(out, "JPEG", quality=90)
    return out.getvalue()


def heic() -> bytes:
    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 60, 60)).save(out, "HEIF")
    return out.getvalue()


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("scan.txt", "not a scan")
    return out.getvalue()


def pdf_of_size(size: int) -> bytes:
    """A PDF-shaped file of exactly `size` bytes."""
    head, tail = b"%PDF-1.4\n", b"\n%%EOF\n"
    return head + b"%" * (size - len(head) - len(tail)) + tail


def appointment(patient: Patient, *, days: int, **fields):  # type: ignore[no-untyped-def]
    """An appointment `days` from now (negative: in the past), straight into the table. The
    demo schedule fills three weeks back and two ahead: keep clear of it."""
    from acuclinic.scheduling.models import Appointment, Service

    start = timezone.now().replace(microsecond=0) + timedelta(days=days)
    return Appointment.objects.create(
        patient=patient,
        practitioner=Practitioner.objects.order_by("pk").first(),
        service=Service.objects.filter(needs_room=False).first(),
        location=Location.objects.first(),
        start=start,
        end=start + timedelta(minutes=30),
        blocked_start=start,
        blocked_end=start + timedelta(minutes=30),
        source="staff",
        **fields,
    )


def at(days: int) -> datetime:
    return timezone.now() + timedelta(days=days)
