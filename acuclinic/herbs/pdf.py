"""The printable prescription and the dispensing label, as PDF (fpdf2).

Fonts: pinyin needs tone marks, so the text font is DejaVu Sans where it is installed (Debian:
fonts-dejavu-core), else the PDF core font Helvetica with the tone marks taken off. The herbs'
characters need a CJK font (HERBS_CJK_FONT, else WenQuanYi Micro Hei or Noto Sans CJK where
installed: fonts-wqy-microhei, fonts-noto-cjk); without one the PDF is written in pinyin only.
The CJK font is registered in one face only (bold text falls back to it): each face is a parse
of the whole font file. A prescription with characters takes about 0.4 s to build.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from . import materia
from .models import Form, Prescription, PrescriptionItem, Timing

CJK_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
)
TEXT_CANDIDATES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",)
BOLD_CANDIDATES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",)
DEFAULT = object()  # "find the font yourself"


def _first(paths: Sequence[str]) -> Path | None:
    return next((Path(p) for p in paths if Path(p).is_file()), None)


def find_cjk_font() -> Path | None:
    configured = getattr(settings, "HERBS_CJK_FONT", None)
    if configured is not None:  # set, even to "": that font or none at all
        path = Path(configured) if configured else None
        return path if path is not None and path.is_file() else None
    return _first(CJK_CANDIDATES)


def find_text_font() -> Path | None:
    return _first(TEXT_CANDIDATES)


@dataclass(frozen=True)
class Clinic:
    name: str
    lines: tuple[str, ...]  # address and phone


class _Pdf:
    """An FPDF with the fonts chosen once, and text that never fails to encode."""

    def __init__(self, *, fmt: Any, cjk_font: object, text_font: object) -> None:
        cjk = find_cjk_font() if cjk_font is DEFAULT else cjk_font
        text = find_text_font() if text_font is DEFAULT else text_font
        self.pdf = FPDF(format=fmt)
        self.pdf.set_auto_page_break(True, margin=15)
        self.pdf.set_creator("acuclinic")
        self.unicode = isinstance(text, Path)
        self.hanzi = self.unicode and isinstance(cjk, Path)
        if self.unicode:
            bold = _first(BOLD_CANDIDATES) if text_font is DEFAULT else None
            self.pdf.add_font("text", "", str(text))
            self.pdf.add_font("text", "B", str(bold or text))
            self.family = "text"
            if self.hanzi:
                self.pdf.add_font("cjk", "", str(cjk))
                self.pdf.set_fallback_fonts(["cjk"], exact_match=False)
        else:
            self.family = "helvetica"

    def font(self, size: float, bold: bool = False) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", size)

    def clean(self, text: object) -> str:
        value = str(text)
        if self.unicode:
            if not self.hanzi:  # no glyphs for characters: leave them out, not as boxes
                value = "".join(ch for ch in value if not _is_cjk(ch))
                value = re.sub(r" {2,}", " ", value).strip()
            return value
        return _ascii_marks(value)

    def line(self, text: object, size: float = 10, bold: bool = False, h: float = 5.5) -> None:
        self.font(size, bold)
        self.pdf.multi_cell(0, h, self.clean(text), new_x="LMARGIN", new_y="NEXT")

    def herb_name(self, herb: materia.Herb | None, code: str) -> str:
        if herb is None:
            return code
        if self.hanzi:
            return f"{herb.pinyin} {herb.hanzi}"
        return herb.pinyin if self.unicode else _ascii_marks(herb.pinyin)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _ascii_marks(text: str) -> str:
    """For the core font (Latin-1 only): tone marks off, anything else outside Latin-1 a "?"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.encode("latin-1", "replace").decode("latin-1")


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x2FA1F


def _grams(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.2f}".rstrip("0")


def instructions_text(prescription: Prescription) -> list[str]:
    """The instructions in plain words, one sentence a line (the PDF, the label, the portal)."""
    timing = {
        Timing.BEFORE: _("before food"),
        Timing.AFTER: _("after food"),
        Timing.ANY: _("with or without food"),
    }[Timing(prescription.timing)]
    sentences = []
    if prescription.form == Form.DECOCTION:
        sentences.append(
            _(
                "Soak one packet in cold water for 30 minutes, then simmer it for %(minutes)s "
                "minutes and strain."
            )
            % {"minutes": prescription.decoct_minutes}
        )
        sentences.append(
            _("Drink it in %(n)s portions a day, %(timing)s, for %(days)s days.")
            % {"n": prescription.doses_per_day, "timing": timing, "days": prescription.days}
        )
    else:
        sentences.append(
            _(
                "Dissolve a day's granules in hot water, in %(n)s portions a day, %(timing)s, "
                "for %(days)s days."
            )
            % {"n": prescription.doses_per_day, "timing": timing, "days": prescription.days}
        )
    if prescription.instructions.strip():
        sentences.append(prescription.instructions.strip())
    return sentences


def prescription_pdf(
    prescription: Prescription,
    items: Sequence[PrescriptionItem],
    clinic: Clinic,
    *,
    cjk_font: object = DEFAULT,
    text_font: object = DEFAULT,
) -> bytes:
    """The prescription to print and sign: clinic, patient, date, herbs (pinyin, characters,
    grams a day and for the whole supply), instructions, the practitioner's signature line."""
    doc = _Pdf(fmt="letter", cjk_font=cjk_font, text_font=text_font)
    pdf = doc.pdf
    pdf.set_title(doc.clean(_("Herbal prescription")))
    pdf.add_page()
    doc.line(clinic.name, 16, bold=True, h=8)
    for text in clinic.lines:
        doc.line(text, 9, h=4.5)
    pdf.ln(4)
    doc.line(_("Herbal prescription"), 14, bold=True, h=7)
    when = prescription.issued_at or prescription.created_at
    date = timezone.localtime(when).date().isoformat()
    doc.line(_("Patient: %(name)s") % {"name": prescription.patient.full_name}, 11)
    birth = getattr(prescription.patient, "date_of_birth", None)
    if birth:
        doc.line(_("Date of birth: %(date)s") % {"date": birth.isoformat()}, 10)
    doc.line(
        _("Date: %(date)s · Prescription no. %(n)s") % {"date": date, "n": prescription.pk}, 10
    )
    form = (
        _("Raw herbs to decoct, %(days)s packets (one a day)")
        if prescription.form == Form.DECOCTION
        else _("Granules, %(days)s days' supply")
    ) % {"days": prescription.days}
    doc.line(form, 10)
    if prescription.formula is not None:
        formula = prescription.formula
        doc.line(_("Based on: %(formula)s") % {"formula": f"{formula.pinyin} {formula.hanzi}"}, 10)
    if not prescription.is_issued:
        doc.line(_("DRAFT: not issued, not for dispensing."), 11, bold=True)
    pdf.ln(3)

    widths = (10, 78, 26, 30, 52)
    heads = ("#", _("Herb"), _("g a day"), _("g in total"), _("Preparation"))
    doc.font(9, bold=True)
    for width, head in zip(widths, heads, strict=True):
        pdf.cell(width, 7, doc.clean(head), border="B")
    pdf.ln(7)
    doc.font(10)
    total_day = Decimal(0)
    for n, item in enumerate(items, start=1):
        herb = materia.get(item.herb)
        preparation = item.preparation_code
        cells = (
            str(n),
            doc.herb_name(herb, item.herb),
            _grams(item.grams),
            _grams(item.total_grams(prescription.days)),
            "" if preparation == "none" else str(materia.PREPARATIONS.get(preparation, "")),
        )
        for width, text in zip(widths, cells, strict=True):
            pdf.cell(width, 6.5, doc.clean(text)[:60])
        pdf.ln(6.5)
        total_day += item.grams
    doc.font(10, bold=True)
    pdf.cell(widths[0] + widths[1], 7, doc.clean(_("Total")), border="T")
    pdf.cell(widths[2], 7, _grams(total_day), border="T")
    pdf.cell(widths[3], 7, _grams(total_day * prescription.days), border="T")
    pdf.cell(widths[4], 7, "", border="T")
    pdf.ln(10)

    doc.line(_("Instructions"), 11, bold=True, h=6)
    for sentence in instructions_text(prescription):
        doc.line(sentence, 10)
    pdf.ln(14)
    practitioner = prescription.practitioner
    name = practitioner.name if practitioner else prescription.created_by.get_full_name()
    credentials = getattr(practitioner, "credentials", "") if practitioner else ""
    doc.line("_" * 48, 10)
    doc.line(
        _("Practitioner: %(name)s") % {"name": ", ".join(p for p in (name, credentials) if p)}, 10
    )
    return doc.output()


def label_pdf(
    prescription: Prescription,
    items: Sequence[PrescriptionItem],
    clinic: Clinic,
    *,
    cjk_font: object = DEFAULT,
    text_font: object = DEFAULT,
) -> bytes:
    """A label for the bag or jar, 100 x 70 mm: who, what, how to take it."""
    doc = _Pdf(fmt=(100, 70), cjk_font=cjk_font, text_font=text_font)
    pdf = doc.pdf
    pdf.set_margins(4, 4, 4)
    pdf.set_auto_page_break(True, margin=3)
    pdf.add_page()
    doc.line(clinic.name, 9, bold=True, h=4.2)
    if clinic.lines:
        doc.line(clinic.lines[-1], 6.5, h=3.2)
    when = timezone.localtime(prescription.issued_at or prescription.created_at).date().isoformat()
    doc.line(f"{prescription.patient.full_name} · {when}", 8.5, bold=True, h=4.4)
    formula = prescription.formula
    title = (
        f"{formula.pinyin} {formula.hanzi} ({_('modified')})" if formula else _("Custom formula")
    )
    doc.line(title, 7.5, h=3.8)
    herbs = ", ".join(
        f"{doc.herb_name(materia.get(i.herb), i.herb)} {_grams(i.grams)} g" for i in items
    )
    doc.line(herbs, 6, h=3)
    for sentence in instructions_text(prescription):
        doc.line(sentence, 6.5, h=3.2)
    doc.line(_("Keep out of the reach of children."), 6, h=3)
    return doc.output()
