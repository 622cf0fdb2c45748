"""The clinic's outcome report as a PDF (issue 7 D, fpdf2): what /desk/outcomes/ shows, on
paper. Pure but for fonts and translations: a Report and what the page shows beside it in,
PDF bytes out; no ORM, no request.

It holds the clinic's name, the period and filters, when it was generated, the patients
counted, every responder figure as n/N with its rate and Wilson 95% interval, the visits to
respond, drop-outs, adverse events per 100 visits, the claim check when one was asked (the
claim as picked, never the typed sentence), and the published figures with their citations
as context. A figure without data is shown as missing ("—"), never as 0. Aggregate only: no
patient is named, and no record id or date of a visit appears.

Fonts and text: the herbs PDFs' (herbs/pdf.py: DejaVu Sans, Helvetica without it). The CJK
font costs a parse of its file (about 0.4 s), so it is only loaded when the text has Chinese
characters (the zh-hans interface, a clinic or practitioner named in characters).

The HTML report draws no chart (its figures are a table), so there is no SVG to embed; the
trajectory charts belong to one patient each and stay out of an aggregate report.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fpdf.enums import TableBordersLayout
from fpdf.fonts import FontFace

from acuclinic.charting.adverse import per_100_visits
from acuclinic.herbs.pdf import DEFAULT, Clinic, _is_cjk, _Pdf
from acuclinic.outcomes import published
from acuclinic.outcomes.report import ClaimCheck, Report

__all__ = ["DEFAULT", "Clinic", "ReportPage", "filename", "report_pdf"]

MISSING = "—"  # a figure without data: never 0
WIDTHS = (96, 22, 18, 30, 20)  # outcome, n/N, rate, interval, missing: 186 of letter's 195.9 mm


@dataclass(frozen=True)
class ReportPage:
    """What the HTML report shows beside the Report: who and what it covers, and when."""

    clinic: Clinic
    start: date
    end: date  # included
    condition: str  # its label: "Back pain"
    filters: tuple[tuple[str, str], ...]  # (label, value) as the form shows them
    generated: datetime  # aware
    adverse_events: int
    adverse_visits: int
    claim: ClaimCheck | None = None


def filename(page: ReportPage) -> str:
    """Dated, and naming nobody: it ends up in download folders and logs."""
    return f"outcomes-report-{timezone.localtime(page.generated).date().isoformat()}.pdf"


def adverse_text(events: int, visits: int) -> str:
    """As the page says it: "2 in 4 visits (50.0 per 100 visits)"; no visits: no rate."""
    rate = per_100_visits(events, visits)
    if rate is None:
        return _("no visits in this period")
    return ngettext(
        "%(events)s in %(visits)s visit (%(rate)s per 100 visits)",
        "%(events)s in %(visits)s visits (%(rate)s per 100 visits)",
        visits,
    ) % {"events": events, "visits": visits, "rate": rate}


def _needs_cjk(texts: Iterable[object]) -> bool:
    language = translation.get_language() or ""
    return language.startswith("zh") or any(_is_cjk(ch) for t in texts for ch in str(t))


class _Report(_Pdf):
    def text(self, value: object) -> str:
        text = str(value)
        if not self.unicode:  # the core font is Latin-1: no em dash
            text = text.replace(MISSING, "-")
        return self.clean(text)

    def heading(self, value: object) -> None:
        self.pdf.ln(3)
        self.line(self.text(value), 13, bold=True, h=7)

    def para(self, value: object, size: float = 10, bold: bool = False, h: float = 5) -> None:
        self.line(self.text(value), size, bold=bold, h=h)

    def pairs(self, rows: Iterable[tuple[object, object]]) -> None:
        self.font(10)
        with self.pdf.table(
            col_widths=(100, 86),
            width=186,
            align="LEFT",
            text_align="LEFT",
            first_row_as_headings=False,
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            line_height=5.5,
            padding=1,
        ) as table:
            for label, value in rows:
                row = table.row()
                row.cell(self.text(label))
                row.cell(self.text(value))


def report_pdf(
    result: Report,
    page: ReportPage,
    *,
    cjk_font: object = DEFAULT,
    text_font: object = DEFAULT,
) -> bytes:
    clinic = page.clinic
    if cjk_font is DEFAULT and not _needs_cjk(
        (clinic.name, *clinic.lines, page.condition, *(v for _l, v in page.filters))
    ):
        cjk_font = None
    doc = _Report(fmt="letter", cjk_font=cjk_font, text_font=text_font)
    pdf = doc.pdf
    title = _("Outcome report")
    pdf.set_title(doc.text(f"{title}: {clinic.name}"))
    pdf.set_subject(doc.text(page.condition))
    pdf.add_page()

    doc.para(clinic.name, 16, bold=True, h=8)
    for text in clinic.lines:
        doc.para(text, 9, h=4.5)
    pdf.ln(3)
    doc.para(f"{title}: {page.condition}", 14, bold=True, h=7)
    doc.para(
        _("Courses whose first visit was from %(start)s to %(end)s (included).")
        % {"start": page.start.isoformat(), "end": page.end.isoformat()}
    )
    for label, value in page.filters:
        doc.para(f"{label}: {value}")
    generated = timezone.localtime(page.generated)
    doc.para(
        _("Generated on %(when)s (%(zone)s).")
        % {"when": generated.strftime("%Y-%m-%d %H:%M"), "zone": generated.tzname()},
        9,
    )
    doc.para(_("Aggregate figures only: no patient is named and no single record is shown."), 9)
    if result.fictional:
        pdf.ln(2)
        doc.para(_("Fictional data."), 11, bold=True)
        doc.para(
            ngettext(
                "%(n)s course counted here belongs to an invented demo or test patient (an "
                "e-mail address at a domain reserved for examples), not to a real person.",
                "%(n)s courses counted here belong to invented demo or test patients (e-mail "
                "addresses at domains reserved for examples), not to real people.",
                result.fictional,
            )
            % {"n": result.fictional}
        )

    doc.heading(_("Patients"))
    dropouts = str(result.dropouts)
    if result.too_early:
        early = ngettext(
            "%(n)s started too recently to tell",
            "%(n)s started too recently to tell",
            result.too_early,
        ) % {"n": result.too_early}
        dropouts = f"{dropouts} ({early})"
    doc.pairs(
        (
            (_("Started a course in the period"), result.started),
            (_("With a pain score before treatment (baseline)"), result.with_baseline),
            (_("Followed up (a score after the first visit)"), result.followed_up),
            (
                ngettext(
                    "Dropped out (no score within %(weeks)s week of the first visit)",
                    "Dropped out (no score within %(weeks)s weeks of the first visit)",
                    result.dropout_weeks,
                )
                % {"weeks": result.dropout_weeks},
                dropouts,
            ),
            (_("Visits attended"), result.visits),
            (_("Visits to respond"), result.visits_to_respond_text),
            (_("Adverse events"), adverse_text(page.adverse_events, page.adverse_visits)),
        )
    )

    doc.heading(_("Responders"))
    doc.para(_("Responder rates with 95% Wilson intervals"), 9)
    pdf.ln(1)
    doc.font(9)
    with pdf.table(
        col_widths=WIDTHS,
        width=sum(WIDTHS),
        align="LEFT",
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        headings_style=FontFace(emphasis="BOLD"),
        line_height=5,
        padding=1,
    ) as table:
        row = table.row()
        headings = (
            _("Outcome"),
            _("n/N"),
            _("Rate"),
            # xgettext:no-python-format
            _("95% interval"),
            _("Missing"),
        )
        for head in headings:
            row.cell(doc.text(head))
        for outcome in result.outcomes:
            row = table.row()
            row.cell(doc.text(outcome.label))
            row.cell(f"{outcome.rate.n}/{outcome.rate.total}")
            row.cell(doc.text(outcome.percent or MISSING))
            row.cell(doc.text(outcome.interval or MISSING))
            row.cell(str(outcome.missing))
    pdf.ln(2)
    doc.para(
        _(
            "%(missing)s: not enough data (no patient has both scores the figure needs). "
            "Missing: patients counted as started without those scores; they are not filled in."
        )
        % {"missing": MISSING},
        8,
        h=4,
    )
    doc.para(
        _(
            "After the first visit: the pain score asked at check-in of the second visit, "
            "against the baseline. End of a course: the last score 6 to 8 weeks after the "
            "baseline. Adverse events: those recorded after the visits started in the period, "
            "for every patient seen (not only back pain)."
        ),
        8,
        h=4,
    )

    claim = page.claim
    if claim is not None:
        doc.heading(_("Claim check"))
        doc.para(claim.verdict_label, 11, bold=True)
        doc.para(
            _("Checked as: %(claim)s: %(figure)s.")
            % {"claim": claim.quantifier_label, "figure": claim.outcome.label}
        )
        data = _("Your data:") + " " + claim.outcome.text
        if claim.outcome.missing:
            data += "; " + ngettext(
                "%(missing)s patient without the scores it needs",
                "%(missing)s patients without the scores it needs",
                claim.outcome.missing,
            ) % {"missing": claim.outcome.missing}
        doc.para(data + ".")
        doc.para(claim.rule, 8, h=4)

    doc.heading(_("What the large studies found"))
    doc.para(
        _(
            "Context, not targets: these are group results under trial conditions (selected "
            "patients, fixed protocols, blinded assessment), with their own definitions of a "
            "responder."
        ),
        9,
    )
    for p in published.PUBLICATIONS.values():
        if p.kind is published.Kind.GUIDELINE:
            continue
        pdf.ln(1.5)
        doc.para(p.short, 10.5, bold=True, h=5.5)
        doc.para(p.description, 9, h=4.5)
        for f in p.figures:
            doc.para(f"- {f.label}: {f.value:g} {f.unit}", 9, h=4.5)
        doc.para(f"{p.citation} {p.url}", 8, h=4)
    if published.GUIDELINES:
        pdf.ln(1.5)
        doc.para(_("Guidelines"), 10.5, bold=True, h=5.5)
        for g in published.GUIDELINES:
            doc.para(f"- {g.short}: {g.description}", 9, h=4.5)
            doc.para(f"  {g.citation} {g.url}", 8, h=4)
    return doc.output()
