"""Uploaded documents (issue 4 B and E): imaging reports and referral letters.

An upload is judged by its content, never by its name or the browser's word: the `filetype`
package reads the magic bytes, Pillow decodes images in full (a truncated JPEG is refused),
and a PDF must start with %PDF- and end with %%EOF. The name must not claim another type
(a PNG called scan.pdf is refused, so nobody is surprised later). Files past MAX_BYTES are
not even stored: `SizeLimit` drops them while the request is read.

Documents are clinical: `access_document` is the only way a view loads one (owner and
practitioners; never the front desk), and every download is an audited read.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import IO, Any

import filetype
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _

from acuclinic.clinic import audit

from .access import Purpose, load
from .models import Document, Patient

MAX_BYTES = 15 * 1024 * 1024  # a long scanned report; phone photos are a few MB
MAX_MB = MAX_BYTES // (1024 * 1024)
# Pillow's own bomb guard stops at twice 89 million pixels; a photo of a letter needs far fewer.
MAX_PIXELS = 100_000_000
MAX_NAME = 200
PDF_TAIL = 1024  # %%EOF must be within the last kilobyte (as PDF readers expect)

EXTENSION_FOR = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/heic": ".heic",
    "image/heif": ".heic",
}
# The names each type may carry: a PNG named .pdf is mislabelled.
NAMES_FOR = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg", ".jpe", ".jfif"},
    "image/png": {".png"},
    "image/heic": {".heic", ".heif"},
    "image/heif": {".heic", ".heif"},
}
LABELS = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/heic": "HEIC",
    "image/heif": "HEIF",
}


class Refused(ValueError):
    """An upload that is not accepted; the message says why, for the person uploading."""


@dataclass(frozen=True)
class Checked:
    content_type: str
    size: int


@cache
def heic_supported() -> bool:
    """HEIC (iPhone photos) when pillow-heif is installed and loads; otherwise refused."""
    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
    except Exception:
        return False
    return True


def accepted_types() -> list[str]:
    types = ["application/pdf", "image/jpeg", "image/png"]
    if heic_supported():
        types += ["image/heic", "image/heif"]
    return types


def accepted_summary() -> str:
    return "PDF, JPEG, PNG or HEIC" if heic_supported() else "PDF, JPEG or PNG"


def clean_filename(name: str) -> str:
    """The name to keep and offer on download: the last path part, without control or
    invisible characters (a right-to-left override can disguise an extension), no leading
    dots, at most MAX_NAME characters with the extension kept."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(_name_char(ch) for ch in name)
    name = " ".join(name.split()).lstrip(". ").rstrip()
    if len(name) > MAX_NAME:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: MAX_NAME - len(extension) - 1] + "." + extension
        else:
            name = name[:MAX_NAME]
    return name or "document"


def _name_char(ch: str) -> str:
    group = unicodedata.category(ch)[0]
    if group == "C":  # control, format (bidi overrides, zero-width), unassigned, private
        return ""
    return " " if group == "Z" else ch  # any space or line separator becomes a space


def extension_of(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return f".{extension.lower()}" if dot and stem else ""


def check_bytes(data: bytes, name: str) -> Checked:
    """The content type of an acceptable upload, or Refused with the reason."""
    if not data:
        raise Refused(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise Refused(_("The file is larger than %(limit)s MB.") % {"limit": MAX_MB})
    accepted = accepted_summary()
    kind = filetype.guess(data[:8192])
    if kind is None:
        raise Refused(
            _("This file is not a %(accepted)s file, or it is damaged.") % {"accepted": accepted}
        )
    content_type = kind.mime
    if content_type not in accepted_types():
        raise Refused(
            _("This is a .%(found)s file. Only %(accepted)s files can be uploaded.")
            % {"found": kind.extension, "accepted": accepted}
        )
    extension = extension_of(name)
    if extension and extension not in NAMES_FOR[content_type]:
        raise Refused(
            _(
                "The file name ends in %(extension)s but the file is a %(found)s. "
                "Rename it or choose the right file."
            )
            % {"extension": extension, "found": LABELS[content_type]}
        )
    if content_type == "application/pdf":
        _check_pdf(data)
    else:
        _check_image(data)
    return Checked(content_type=content_type, size=len(data))


def _check_pdf(data: bytes) -> None:
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-PDF_TAIL:]:
        raise Refused(_("This PDF is incomplete or damaged. Save or scan it again."))


def _check_image(data: bytes) -> None:
    import io

    from PIL import Image

    broken = Refused(_("This image is incomplete or damaged. Save or take it again."))
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()  # structure and checksums
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise Refused(_("This image has too many pixels. Send a smaller copy."))
            image.load()  # every pixel: a cut-off file fails here
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused(_("This image has too many pixels. Send a smaller copy.")) from None
    except Exception:
        raise broken from None


def check_upload(upload: UploadedFile) -> Checked:
    if upload.size is not None and upload.size > MAX_BYTES:
        raise Refused(_("The file is larger than %(limit)s MB.") % {"limit": MAX_MB})
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    upload.seek(0)
    return check_bytes(data, upload.name or "")


class SizeLimit(FileUploadHandler):
    """The first upload handler on the upload view: a file that grows past MAX_BYTES is
    skipped (not written to a temporary file) and `too_big` says so for the form."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.too_big = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > MAX_BYTES:
            self.too_big = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


# --- access, storing and serving --------------------------------------------------------


def access_document(request: HttpRequest, document_id: object) -> Document:
    """The document, if the user may see the patient's clinical data; else 404. Audited."""
    return load(
        request,
        Document.objects.select_related("patient"),
        document_id,
        Purpose.CLINICAL,
        patient_path="patient",
    )


def add_document(
    *, patient: Patient, upload: UploadedFile, kind: str, checked: Checked, request: HttpRequest
) -> Document:
    """Store a checked upload for the patient and audit it. The file is written first; if
    the row cannot be saved, the file is removed again."""
    document = Document(
        patient=patient,
        kind=kind,
        original_name=clean_filename(upload.name or ""),
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=request.user if request.user.is_authenticated else None,
    )
    upload.seek(0)
    document.file.save("upload", upload, save=False)
    try:
        with transaction.atomic():
            document.save()
            audit.record(
                action=audit.Action.CREATE,
                record_type=document,
                record_id=document.pk,
                patient_id=patient.pk,
                request=request,
            )
    except BaseException:
        document.file.storage.delete(document.file.name)
        raise
    return document


def delete_files(names: list[str]) -> None:
    """Remove stored files (after the rows are gone: call it on commit)."""
    storage = Document._meta.get_field("file").storage
    for name in names:
        if name:
            storage.delete(name)


def download(document: Document) -> FileResponse:
    """The file as an attachment that no browser renders or sniffs, and no cache keeps."""
    try:
        handle: IO[Any] = document.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
