"""Consent (issue 4 B): the clinic's consent to treatment and its privacy notice, each a
series of versions, and the patients' signatures of exact versions.

`still_to_sign` is the rule, pure: per kind, the newest version published by today is the
current one, and a patient who has not signed that exact version must sign it. A new version
therefore asks everyone again; a signature of an older one does not count for it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from acuclinic.clinic import audit

from .access import Purpose, load
from .models import ConsentDocument, ConsentSignature, Patient

MAX_TYPED_NAME = 160


@dataclass(frozen=True)
class Version:
    kind: str
    version: int
    published_on: date


def current_versions(published: Iterable[Version], today: date) -> dict[str, Version]:
    """Per kind, the newest version published on or before today."""
    current: dict[str, Version] = {}
    for v in published:
        if v.published_on <= today and (
            v.kind not in current or v.version > current[v.kind].version
        ):
            current[v.kind] = v
    return current


def still_to_sign(
    published: Iterable[Version], signed: Iterable[tuple[str, int]], today: date
) -> list[Version]:
    """The current versions, by kind, that the patient has not signed (signed: (kind,
    version) pairs)."""
    done = set(signed)
    current = current_versions(published, today)
    return [current[kind] for kind in sorted(current) if (kind, current[kind].version) not in done]


# --- the same, with the database ---------------------------------------------------------


def _version(document: ConsentDocument) -> Version:
    return Version(document.kind, document.version, document.published_on)


def current_documents(today: date | None = None) -> list[ConsentDocument]:
    today = today or timezone.localdate()
    documents = list(ConsentDocument.objects.filter(published_on__lte=today))
    current = current_versions(map(_version, documents), today)
    wanted = {(v.kind, v.version) for v in current.values()}
    return sorted((d for d in documents if (d.kind, d.version) in wanted), key=lambda d: d.kind)


def outstanding(patient: Patient, today: date | None = None) -> list[ConsentDocument]:
    """The documents this patient still has to sign (two queries)."""
    today = today or timezone.localdate()
    documents = list(ConsentDocument.objects.filter(published_on__lte=today))
    signed = patient.signatures.values_list("document__kind", "document__version")
    missing = {(v.kind, v.version) for v in still_to_sign(map(_version, documents), signed, today)}
    return sorted((d for d in documents if (d.kind, d.version) in missing), key=lambda d: d.kind)


@dataclass(frozen=True)
class Status:
    document: ConsentDocument
    signature: ConsentSignature | None


def status(patient: Patient, today: date | None = None) -> list[Status]:
    """Each current document with the patient's signature of it, or None (for the desk)."""
    current = current_documents(today)
    signatures = {
        s.document_id: s for s in patient.signatures.filter(document__in=[d.pk for d in current])
    }
    return [Status(d, signatures.get(d.pk)) for d in current]


def access_signature(request: HttpRequest, signature_id: object) -> ConsentSignature:
    """A signature, if the user may see the patient's clinical record (a patient: their
    own); else 404. Audited, like every access_* read."""
    return load(
        request,
        ConsentSignature.objects.select_related("document", "patient"),
        signature_id,
        Purpose.CLINICAL,
        patient_path="patient",
    )


class ConsentError(ValueError):
    """A signature that cannot be taken; the message is for the patient."""


def sign(
    *,
    patient: Patient,
    document: ConsentDocument,
    typed_name: str,
    agreed: bool,
    request: HttpRequest,
) -> ConsentSignature:
    """Record the patient's signature of this exact version (typed name, ticked box, time,
    address) and audit it. Only a current version can be signed, and each version once."""
    typed_name = " ".join((typed_name or "").split())
    if not agreed:
        raise ConsentError(_("Tick the box to say you agree."))
    if not typed_name or len(typed_name) > MAX_TYPED_NAME:
        raise ConsentError(_("Type your full name to sign."))
    if document.pk not in {d.pk for d in current_documents()}:
        raise ConsentError(_("This version has been replaced; please read the current one."))
    try:
        with transaction.atomic():
            signature = ConsentSignature.objects.create(
                patient=patient,
                document=document,
                typed_name=typed_name,
                agreed=True,
                ip_address=audit.client_ip(request),
            )
            audit.record(
                action=audit.Action.SIGN,
                record_type=signature,
                record_id=signature.pk,
                patient_id=patient.pk,
                request=request,
                detail={"version": f"{document.kind} v{document.version}"},
            )
    except IntegrityError:
        raise ConsentError(_("You have already signed this version.")) from None
    return signature
