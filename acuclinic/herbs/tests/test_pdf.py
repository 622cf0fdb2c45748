"""The printable prescription and the label: real PDFs, read back (pdftext.py) to see what a
reader sees, with the CJK font and without it, and with no Unicode text font at all."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.herbs import actions, pdf
from acuclinic.herbs.models import Prescription

from . import pdftext
from .conftest import request_as

CLINIC = pdf.Clinic(name="Cedar Lane Acupuncture", lines=("12 Cedar Lane, Boulder CO", "555-0100"))
CJK = pdf.find_cjk_font()
needs_cjk = pytest.mark.skipif(CJK is None, reason="no CJK font installed (fonts-wqy-microhei)")


def _text(body: bytes) -> str:
    assert body.startswith(b"%PDF-")
    assert body.rstrip().endswith(b"%%EOF")
    return pdftext.text(body)


@needs_cjk
def test_the_prescription_with_characters(prescription: Prescription, personas) -> None:  # type: ignore[no-untyped-def]
    items = list(prescription.items.all())
    text = _text(pdf.prescription_pdf(prescription, items, CLINIC, cjk_font=CJK))
    assert "Cedar Lane Acupuncture" in text
    assert "Juniper Halloway" in text
    assert "Dú Huó 独活" in text
    assert "Xì Xīn 细辛" in text
    assert "Dú Huó Jì Shēng Tāng" in text
    # Du Huo 9 g a day for the default 7 days: 63 g; the whole formula 87 g a day
    # (9 + 3 + 3 + 12 x 6), 609 g for the supply.
    assert "\n63\n" in text and "\n87\n" in text and "\n609\n" in text
    assert "DRAFT" in text  # not issued yet
    assert "simmer it for 40 minutes" in text
    assert "Practitioner: Odile Fenwick" in text


def test_pinyin_only_without_a_cjk_font(prescription: Prescription) -> None:
    items = list(prescription.items.all())
    text = _text(pdf.prescription_pdf(prescription, items, CLINIC, cjk_font=None))
    assert "Dú Huó" in text and "Xì Xīn" in text
    assert "独活" not in text and "细辛" not in text
    assert not any("\u2e80" <= ch <= "\u9fff" for ch in text)  # no characters at all, no boxes


def test_core_font_when_no_unicode_font(prescription: Prescription) -> None:
    prescription.patient.full_name = "Zoë Łukasz"
    items = list(prescription.items.all())
    text = _text(pdf.prescription_pdf(prescription, items, CLINIC, cjk_font=None, text_font=None))
    assert "Du Huo" in text and "Xi Xin" in text  # tone marks off
    assert "Zoe ?ukasz" in text  # outside Latin-1: a question mark, never an exception


def test_a_missing_configured_font_falls_back(settings) -> None:  # type: ignore[no-untyped-def]
    settings.HERBS_CJK_FONT = "/nonexistent/font.ttc"
    assert pdf.find_cjk_font() is None
    settings.HERBS_CJK_FONT = ""
    assert pdf.find_cjk_font() is None


@needs_cjk
def test_the_configured_font_is_used(settings) -> None:  # type: ignore[no-untyped-def]
    settings.HERBS_CJK_FONT = str(CJK)
    assert pdf.find_cjk_font() == Path(str(CJK))


def test_the_label(prescription: Prescription, personas) -> None:  # type: ignore[no-untyped-def]
    actions.change_item(
        prescription=prescription,
        item_id=prescription.items.get(herb="xi-xin").pk,
        grams=Decimal("2"),
        request=request_as(personas.practitioner),
    )
    items = list(prescription.items.all())
    body = pdf.label_pdf(prescription, items, CLINIC, cjk_font=None)
    text = _text(body)
    assert "Juniper Halloway" in text
    assert "Dú Huó Jì Shēng Tāng (modified)" in text
    assert "Xì Xīn 2 g" in text
    assert "Keep out of the reach of children." in text
    assert b"/MediaBox [0 0 283.46 198.43]" in body  # 100 x 70 mm


def test_granule_instructions(prescription: Prescription) -> None:
    prescription.form = "granules"
    prescription.timing = "before"
    prescription.instructions = "Avoid cold drinks."
    sentences = pdf.instructions_text(prescription)
    assert sentences == [
        "Dissolve a day's granules in hot water, in 2 portions a day, before food, for 7 days.",
        "Avoid cold drinks.",
    ]


def test_the_pdf_view_is_a_pdf_and_audited(prescription: Prescription, practitioner) -> None:  # type: ignore[no-untyped-def]
    response = practitioner.get(reverse("herbs:pdf", args=[prescription.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == f'inline; filename="prescription-{prescription.pk}.pdf"'
    )
    assert "Dú Huó" in _text(response.content)
    exported = AuditEntry.objects.filter(action=Action.EXPORT, record_id=str(prescription.pk))
    assert exported.get().detail == {"format": "prescription"}


def test_the_label_waits_for_issuing(prescription: Prescription, practitioner) -> None:  # type: ignore[no-untyped-def]
    response = practitioner.get(reverse("herbs:label", args=[prescription.pk]))
    assert response.status_code == 302
    prescription.items.filter(herb="xi-xin").delete()
    actions.issue(prescription=prescription, request=request_as(prescription.created_by))
    response = practitioner.get(reverse("herbs:label", args=[prescription.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "Juniper Halloway" in _text(response.content)


@needs_cjk
def test_a_name_in_characters_prints(prescription: Prescription) -> None:
    prescription.patient.full_name = "王小明"
    items = list(prescription.items.all())
    label = _text(pdf.label_pdf(prescription, items, CLINIC, cjk_font=CJK))  # a bold line
    assert "王小明 · " in label
    without = _text(pdf.label_pdf(prescription, items, CLINIC, cjk_font=None))
    assert "王小明" not in without and "Dú Huó" in without
