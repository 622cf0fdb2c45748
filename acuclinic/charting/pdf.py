"""The printable visit summary (issue 5 A), for the patient or a referring physician, as PDF
(fpdf2): the clinic, the patient, the date and practitioner, the SOAP note as signed, the
treatment (points, modalities), pain before and after, and every amendment with who, when,
why, and the text it replaced. A draft says so at the top.

Fonts: DejaVu Sans where it is installed (Debian: fonts-dejavu-core), for pinyin tone marks;
else the PDF core font Helvetica with the tone marks taken off. Point characters (hanzi) are
left out: a summary reads in codes and pinyin.
"""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from . import points, treatment
from .models import Amendment, Modality, NeedlePoint, Visit
from .treatment import TuiNa

TEXT_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
BOLD_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


@dataclass(frozen=True)
class Clinic:
    name: str
    lines: tuple[str, ...]  # address and phone


class _Doc:
    def __init__(self, *, text_font: Path | None) -> None:
        self.pdf = FPDF(format="letter")
        self.pdf.set_auto_page_break(True, margin=15)
        self.pdf.set_creator("acuclinic")
        self.unicode = text_font is not None and text_font.is_file()
        if self.unicode:
            assert text_font is not None
            bold = BOLD_FONT if BOLD_FONT.is_file() else text_font
            self.pdf.add_font("text", "", str(text_font))
            self.pdf.add_font("text", "B", str(bold))
            self.family = "text"
        else:
            self.family = "helvetica"

    def clean(self, value: object) -> str:
        text = "".join(ch for ch in str(value) if not _is_cjk(ch))
        if self.unicode:
            return text
        plain = "".join(
            ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
        )
        return plain.encode("latin-1", "replace").decode("latin-1")

    def line(self, text: object, size: float = 10, bold: bool = False, h: float = 5.5) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", size)
        self.pdf.multi_cell(0, h, self.clean(text), new_x="LMARGIN", new_y="NEXT")

    def heading(self, text: object) -> None:
        self.pdf.ln(2)
        self.line(text, 12, bold=True, h=7)

    def field(self, label: object, value: object) -> None:
        if value in (None, "", [], {}):
            return
        self.line(f"{label}: {value}", 10)


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x2FA1F


def needle_text(needle: NeedlePoint) -> str:
    point = points.get(needle.code)
    parts = [f"{needle.code} {point.pinyin}" if point else needle.code, needle.get_side_display()]
    if needle.depth_mm is not None:
        parts.append(f"{needle.depth_mm} mm")
    if needle.retention_min is not None:
        parts.append(_("%(n)s min") % {"n": needle.retention_min})
    if needle.technique:
        parts.append(needle.get_technique_display())
    if needle.de_qi:
        parts.append(_("de qi"))
    if needle.electro_hz is not None:
        parts.append(
            _("electro %(hz)s Hz, %(n)s min") % {"hz": needle.electro_hz, "n": needle.electro_min}
        )
    if needle.moxa_on_needle:
        parts.append(_("moxa on the needle"))
    return ", ".join(str(p) for p in parts)


def modality_text(modality: Modality, area_labels: dict[str, Any]) -> str:
    parts: list[Any] = [modality.get_kind_display()]
    if modality.method:
        parts.append(modality.get_method_display())
    if modality.area:
        parts.append(area_labels.get(modality.area, modality.area))
    for value in (modality.area_text, modality.point_code):
        if value:
            parts.append(value)
    if modality.minutes:
        parts.append(_("%(n)s min") % {"n": modality.minutes})
    if modality.cups:
        parts.append(_("%(n)s cups") % {"n": modality.cups})
    if modality.cup_type:
        parts.append(modality.get_cup_type_display())
    if modality.marks:
        parts.append(_("marks: %(marks)s") % {"marks": modality.get_marks_display()})
    if modality.tool:
        parts.append(modality.get_tool_display())
    if modality.sha_colour:
        parts.append(modality.get_sha_colour_display())
    if modality.extent:
        parts.append(modality.get_extent_display())
    if modality.techniques:
        labels = dict(TuiNa.choices)
        parts.extend(labels.get(t, t) for t in modality.techniques)
    if modality.units:
        parts.append(_("%(n)s cones or sticks") % {"n": modality.units})
    if modality.notes:
        parts.append(modality.notes)
    return ", ".join(str(p) for p in parts)


def visit_summary(
    visit: Visit,
    needles: Sequence[NeedlePoint],
    modalities: Sequence[Modality],
    amendments: Sequence[Amendment],
    clinic: Clinic,
    *,
    text_font: Path | None = TEXT_FONT,
) -> bytes:
    from acuclinic.patients import body_regions

    doc = _Doc(text_font=text_font)
    pdf = doc.pdf
    pdf.set_title(doc.clean(_("Visit summary")))
    pdf.add_page()
    doc.line(clinic.name, 16, bold=True, h=8)
    for text in clinic.lines:
        doc.line(text, 9, h=4.5)
    pdf.ln(4)
    doc.line(_("Visit summary"), 14, bold=True, h=7)
    if not visit.is_signed:
        doc.line(_("DRAFT: not signed."), 11, bold=True)
    doc.line(_("Patient: %(name)s") % {"name": visit.patient.full_name}, 11)
    if visit.patient.date_of_birth:
        doc.line(_("Date of birth: %(date)s") % {"date": visit.patient.date_of_birth.isoformat()})
    date = timezone.localtime(visit.started_at).date().isoformat()
    doc.line(_("Date of the visit: %(date)s") % {"date": date})
    if visit.practitioner:
        doc.line(_("Practitioner: %(name)s") % {"name": visit.practitioner.name})
    if visit.is_signed and visit.signed_at and visit.signed_by:
        signer = visit.signed_by.get_full_name() or visit.signed_by.get_username()
        when = timezone.localtime(visit.signed_at).strftime("%Y-%m-%d %H:%M")
        doc.line(_("Signed by %(who)s on %(when)s") % {"who": signer, "when": when})

    doc.heading(_("Subjective"))
    doc.field(_("Chief complaint"), visit.chief_complaint)
    doc.field(_("Changes since the last visit"), visit.changes_since_last)
    pain = [
        _("before %(n)s") % {"n": f"{visit.pain_before.value:f}".rstrip("0").rstrip(".")}
        if visit.pain_before
        else "",
        _("after %(n)s") % {"n": f"{visit.pain_after.value:f}".rstrip("0").rstrip(".")}
        if visit.pain_after
        else "",
    ]
    doc.field(_("Pain now (0-10)"), ", ".join(p for p in pain if p))

    doc.heading(_("Objective"))
    doc.field(_("Observations"), visit.observations)
    tongue = [
        visit.get_tongue_colour_display(),
        visit.get_tongue_coating_display(),
        visit.get_tongue_shape_display(),
        visit.tongue_notes,
    ]
    doc.field(_("Tongue"), "; ".join(str(t) for t in tongue if t))
    qualities = dict(treatment.PulseQuality.choices)
    pulse = visit.pulse if isinstance(visit.pulse, dict) else {}
    for value, label in treatment.PulsePosition.choices:
        if pulse.get(value):
            doc.field(
                _("Pulse, %(position)s") % {"position": label},
                ", ".join(str(qualities.get(q, q)) for q in pulse[value]),
            )
    doc.field(_("Pulse notes"), visit.pulse_notes)

    doc.heading(_("Assessment"))
    doc.field(_("TCM pattern"), visit.get_pattern_display())
    doc.field(_("Pattern notes"), visit.pattern_notes)
    diagnosis = visit.biomedical_diagnosis
    if visit.icd10_code:
        diagnosis = f"{diagnosis} (ICD-10 {visit.icd10_code})".strip()
    doc.field(_("Diagnosis"), diagnosis)

    doc.heading(_("Plan and treatment"))
    if needles:
        doc.line(_("Points needled:"), 10, bold=True)
        for needle in needles:
            doc.line(f"- {needle_text(needle)}")
    if modalities:
        labels = {r.code: r.label for r in body_regions.REGIONS}
        doc.line(_("Other treatment:"), 10, bold=True)
        for modality in modalities:
            doc.line(f"- {modality_text(modality, labels)}")
    doc.field(_("Treatment notes"), visit.treatment_notes)
    doc.field(_("Home care"), visit.home_care)
    doc.field(_("Next visit"), visit.next_visit)

    if amendments:
        doc.heading(_("Amendments after signing"))
        names = {f.name: f.verbose_name for f in Visit._meta.fields}
        for amendment in amendments:
            author = amendment.author.get_full_name() or amendment.author.get_username()
            when = timezone.localtime(amendment.created_at).strftime("%Y-%m-%d %H:%M")
            label = names.get(amendment.field, _("Addendum"))
            doc.line(f"{str(label).capitalize()} · {author} · {when}", 10, bold=True)
            doc.field(_("Reason"), amendment.reason)
            doc.field(_("Was"), amendment.old_value)
            doc.field(_("Now"), amendment.new_value)
    return bytes(pdf.output())
