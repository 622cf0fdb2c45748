"""Safety checks for a herbal prescription. Pure: data in, findings out; no ORM, no request.

    findings = check([("du-huo", 9, "raw"), ("fu-zi", 9, "granule")], Patient(pregnant=True))

A prescription is a list of lines (herb code, grams a day, form). Granule grams are converted to
the raw-herb equivalent with the line's concentration ratio, or the herb's typical one. Each
finding has a rule id, a severity, the herbs involved, a one-sentence explanation (translated when
read) and its source. Severities, from the mildest: note, warning (shown, acknowledged),
needs_reason (the prescription waits for a recorded reason), block (never prescribed). An override
is a recorded reason keyed by rule id: it marks a warning or needs_reason finding as overridden; it
never touches a block. `outstanding(findings)` is what still stands in the way.

The rules and their sources: `rules.py` and `data/DATA_SOURCES.md`.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from numbers import Real

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import materia
from .materia import PREPARATIONS, Herb
from .rules import (
    EIGHTEEN_SOURCE,
    INTERACTIONS,
    MEDICATIONS,
    MODERN_EXTENSIONS,
    NINETEEN_SOURCE,
    PAIR_MESSAGES,
    PAIR_SEVERITY,
    PAIRS,
    Pair,
    Severity,
)

__all__ = [
    "Finding",
    "Line",
    "Patient",
    "Severity",
    "check",
    "match_medications",
    "outstanding",
    "worst",
]

SEVERE_TOXICITY = frozenset({"moderate", "high"})  # ChP 有毒 and 大毒
US = frozenset({"us", "usa", "unitedstates", "unitedstatesofamerica"})

AA_SOURCE = (
    "US FDA Import Alert 54-10 (aristolochic acid); IARC Monographs vol. 100A (2012), Group 1; "
    "Nortier JL et al. N Engl J Med 2000;342:1686-1692"
)
LOOKALIKE_SOURCE = (
    "Vanherweghem JL et al. Rapidly progressive interstitial renal fibrosis in young women: "
    "association with slimming regimen including Chinese herbs. Lancet 1993;341:387-391 "
    "(Fang Ji replaced by Aristolochia fangchi); US FDA Import Alert 54-10"
)
ENDANGERED_SOURCE = (
    "CITES Appendix I (rhinoceroses, tiger, pangolins); China State Council ban on rhinoceros horn "
    "and tiger bone, 1993; pangolin scale dropped from ChP 2020"
)
EPHEDRA_SOURCE = "21 CFR 119.1; US FDA final rule, 69 FR 6788 (11 February 2004)"
HE_SHOU_WU_SOURCE = (
    "Lei X et al. Liver damage associated with Polygonum multiflorum Thunb.: a systematic review "
    "of case reports and case series. Evid Based Complement Alternat Med 2015:459749; "
    "NIH LiverTox, He Shou Wu"
)
ASARUM_SOURCE = (
    "ChP 2005 onwards: Xi Xin is the root and rhizome only, the aerial parts having been dropped "
    "for their aristolochic acid"
)
DATA_SOURCE = "acuclinic materia medica (data/herbs.csv)"
HEAVY_METAL_SOURCE = (
    "Not in ChP 2020 Vol. I; mercury, arsenic and lead are not prescribed internally"
)


@dataclass(frozen=True, slots=True)
class Line:
    herb: str
    grams: float  # a day, as dispensed: raw herb, or granules
    form: str = "raw"  # "raw" or "granule"
    ratio: float | None = None  # granule concentration (5 for 5:1); None: the herb's typical one


@dataclass(frozen=True, slots=True)
class Patient:
    pregnant: bool = False
    trying_to_conceive: bool = False
    medications: tuple[str, ...] = ()  # free text from intake, one entry per medicine
    jurisdiction: str = ""  # "US", ...


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str  # unique within one check, and the key of an override
    kind: str  # "dose", "eighteen", "pregnancy", "interaction", ...
    severity: Severity
    herbs: tuple[str, ...]
    template: Promise
    params: tuple[tuple[str, str | Promise], ...]
    source: str
    substitute: str = ""
    medications: tuple[str, ...] = ()
    overridden: bool = False
    reason: str = ""

    @property
    def explanation(self) -> str:
        """One sentence, in the active language."""
        return str(self.template) % dict(self.params)

    @property
    def sort_key(self) -> tuple[int, str]:
        return (-self.severity.rank, self.rule_id)


# --- input ------------------------------------------------------------------------------


def _grams(value: object, herb: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real | Decimal):
        raise ValueError(f"{herb}: grams must be a number")
    grams = float(value)
    if not 0 < grams < 10_000:
        raise ValueError(f"{herb}: grams must be above 0 and below 10,000")
    return grams


def _lines(prescription: Iterable[Line | Sequence[object]]) -> list[Line]:
    lines = []
    for item in prescription:
        if not isinstance(item, Line):
            try:
                item = Line(*item)  # type: ignore[arg-type]
            except TypeError:
                raise ValueError(f"{item!r}: a line is (herb, grams, form, ratio)") from None
        if item.form not in materia.FORMS:
            raise ValueError(f"{item.herb}: form must be raw or granule")
        grams = _grams(item.grams, item.herb)
        ratio = None if item.ratio is None else _grams(item.ratio, item.herb)
        lines.append(Line(str(item.herb).strip().lower(), grams, item.form, ratio))
    return lines


def _fold_text(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", materia.strip_marks(text)))


@cache
def _medication_pattern() -> re.Pattern[str]:
    terms = sorted(MEDICATIONS, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(t) for t in terms) + r")s?\b")


def match_medications(medications: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Concept -> the patient's entries that mean it: {"anticoagulant": ("Coumadin 5 mg",), ...}."""
    found: dict[str, list[str]] = {}
    pattern = _medication_pattern()
    for entry in medications:
        if not isinstance(entry, str) or not entry.strip():
            continue
        for term in pattern.findall(_fold_text(entry[:500])):
            for concept in MEDICATIONS[term]:
                entries = found.setdefault(concept, [])
                if entry.strip() not in entries:
                    entries.append(entry.strip())
    return {concept: tuple(entries) for concept, entries in found.items()}


# --- the rules --------------------------------------------------------------------------


def _g(value: float) -> str:
    return f"{value:g}"


def _names(herbs: Iterable[Herb]) -> str:
    return ", ".join(h.pinyin for h in herbs)


def _finding(
    rule_id: str,
    kind: str,
    severity: Severity,
    involved: Sequence[Herb],
    template: Promise,
    source: str,
    **params: str | Promise,
) -> Finding:
    return Finding(
        rule_id=rule_id,
        kind=kind,
        severity=severity,
        herbs=tuple(h.code for h in involved),
        template=template,
        params=tuple(sorted(params.items())),
        source=source,
    )


def _blocked(herb: Herb) -> Finding:
    sub = materia.get(herb.substitute) if herb.substitute else None
    flags = herb.flags
    if "aristolochic_acid" in flags:
        kind, source = "aristolochic-acid", AA_SOURCE
        template = (
            _(
                "%(herb)s contains aristolochic acid, which destroys the kidneys and causes "
                "cancer: use %(substitute)s instead."
            )
            if sub
            else _(
                "%(herb)s contains aristolochic acid, which destroys the kidneys and causes "
                "cancer: choose another herb for the purpose."
            )
        )
    elif "endangered" in flags:
        kind, source = "endangered", ENDANGERED_SOURCE
        template = (
            _(
                "%(herb)s comes from an endangered species and is not prescribed: "
                "use %(substitute)s instead."
            )
            if sub
            else _(
                "%(herb)s comes from an endangered species and is not prescribed: "
                "choose another herb for the purpose."
            )
        )
    elif "raw_toxic" in flags:
        kind, source = "raw-toxic", herb.dose_source or f"ChP 2020 Vol. I, under {herb.hanzi}"
        template = _(
            "Unprocessed %(herb)s is too toxic to take by mouth: prescribe %(substitute)s."
        )
    elif "external_only" in flags:
        kind, source = "external-only", f"ChP 2020 Vol. I: {herb.hanzi}"
        template = _("%(herb)s is for external use only, never in a prescription to be taken.")
    else:
        kind, source = "heavy-metal", HEAVY_METAL_SOURCE
        template = _("%(herb)s is a mercury, arsenic or lead compound and is never taken by mouth.")
    finding = _finding(
        f"{kind}:{herb.code}",
        kind,
        Severity.BLOCK,
        [herb],
        template,
        source,
        herb=herb.pinyin,
        substitute=sub.pinyin if sub else "",
    )
    return replace(finding, substitute=sub.code if sub else "")


def _dose(herb: Herb, grams: float) -> Finding | None:
    low, high = herb.dose_min, herb.dose_max
    if low is None or high is None:
        return None
    params = {"herb": herb.pinyin, "grams": _g(grams), "low": _g(low), "high": _g(high)}
    toxic = herb.toxicity in SEVERE_TOXICITY
    # A hundredth of a gram of tolerance, so that 3 g of a 1-3 g herb is never "above".
    if grams < low - 0.005:
        severity, template = (
            Severity.NOTE,
            _("%(herb)s at %(grams)s g a day is below the usual %(low)s-%(high)s g."),
        )
    elif grams <= high + 0.005:
        return None
    elif grams >= 2 * high - 0.005:
        severity = Severity.BLOCK if toxic else Severity.NEEDS_REASON
        template = (
            _(
                "%(herb)s is toxic, and %(grams)s g a day is at least twice its maximum "
                "of %(high)s g."
            )
            if toxic
            else _(
                "%(herb)s at %(grams)s g a day is at least twice the usual maximum of %(high)s g."
            )
        )
    elif toxic:
        severity, template = (
            Severity.NEEDS_REASON,
            _("%(herb)s is toxic, and %(grams)s g a day is above its maximum of %(high)s g."),
        )
    else:
        severity, template = (
            Severity.WARNING,
            _("%(herb)s at %(grams)s g a day is above the usual %(low)s-%(high)s g."),
        )
    return _finding(
        f"dose:{herb.code}", "dose", severity, [herb], template, herb.dose_source, **params
    )


def _pregnancy(herb: Herb, patient: Patient) -> Finding | None:
    if herb.pregnancy == "none" or not (patient.pregnant or patient.trying_to_conceive):
        return None
    contraindicated = herb.pregnancy == "contraindicated"
    if patient.pregnant:
        severity = Severity.BLOCK if contraindicated else Severity.WARNING
        template = (
            _("%(herb)s is contraindicated in pregnancy.")
            if contraindicated
            else _("%(herb)s is used only with caution in pregnancy.")
        )
    else:
        severity = Severity.NEEDS_REASON if contraindicated else Severity.WARNING
        template = (
            _("%(herb)s is contraindicated in pregnancy, and the patient is trying to conceive.")
            if contraindicated
            else _(
                "%(herb)s is used only with caution in pregnancy, and the patient is trying "
                "to conceive."
            )
        )
    label = "孕妇禁用" if contraindicated else "孕妇慎用"
    source = f"{herb.dose_source} ({label})" if herb.dose_source else label
    return _finding(
        f"pregnancy:{herb.code}", "pregnancy", severity, [herb], template, source, herb=herb.pinyin
    )


def _unknown(code: str) -> Finding:
    return Finding(
        rule_id=f"unknown:{code}",
        kind="unknown",
        severity=Severity.BLOCK,
        herbs=(code,),
        template=_("%(code)s is not in the materia medica, so it cannot be checked."),
        params=(("code", code),),
        source=DATA_SOURCE,
    )


def _herb_findings(herb: Herb, grams: float | None, patient: Patient) -> list[Finding]:
    """`grams` is the raw-equivalent daily dose; None when a granule line had no known ratio."""
    if herb.blocked:
        return [_blocked(herb)]
    findings = []
    if grams is None:
        findings.append(
            _finding(
                f"granule-ratio:{herb.code}",
                "granule-ratio",
                Severity.WARNING,
                [herb],
                _(
                    "%(herb)s has no usual granule ratio: give the product's ratio so that its "
                    "dose can be checked."
                ),
                DATA_SOURCE,
                herb=herb.pinyin,
            )
        )
    elif (dose := _dose(herb, grams)) is not None:
        findings.append(dose)
    if (pregnancy := _pregnancy(herb, patient)) is not None:
        findings.append(pregnancy)
    name = {"herb": herb.pinyin}
    if herb.toxic and herb.preparation != "none":
        template = (
            _(
                "%(herb)s is toxic: decoct it first and long, until a taste of the liquid no "
                "longer numbs the tongue, then add the other herbs."
            )
            if herb.preparation == "decoct-first"
            else _("%(herb)s is toxic and is %(preparation)s.")
        )
        findings.append(
            _finding(
                f"preparation:{herb.code}",
                "preparation",
                Severity.NOTE,
                [herb],
                template,
                herb.dose_source,
                preparation=PREPARATIONS[herb.preparation],
                **name,
            )
        )
    if "aristolochia_lookalike" in herb.flags:
        findings.append(
            _finding(
                f"lookalike:{herb.code}",
                "lookalike",
                Severity.WARNING,
                [herb],
                _(
                    "%(herb)s shares its name with an Aristolochia herb: make sure the supplier's "
                    "species is %(species)s, not Aristolochia."
                ),
                LOOKALIKE_SOURCE,
                species=herb.botanical.partition(";")[0],
                **name,
            )
        )
    if "asarum_root_only" in herb.flags:
        findings.append(
            _finding(
                f"root-only:{herb.code}",
                "root-only",
                Severity.NOTE,
                [herb],
                _(
                    "Make sure the %(herb)s supplied is root and rhizome only: the leaves carry "
                    "most of its aristolochic acid."
                ),
                ASARUM_SOURCE,
                **name,
            )
        )
    if "ephedra_us" in herb.flags and materia.fold(patient.jurisdiction) in US:
        findings.append(
            _finding(
                f"ephedra-us:{herb.code}",
                "jurisdiction",
                Severity.WARNING,
                [herb],
                _(
                    "%(herb)s contains ephedrine alkaloids, banned in US dietary supplements "
                    "since 2004: make sure your supply and its use are lawful."
                ),
                EPHEDRA_SOURCE,
                **name,
            )
        )
    if "he_shou_wu_liver" in herb.flags:
        findings.append(
            _finding(
                f"liver:{herb.code}",
                "liver",
                Severity.WARNING,
                [herb],
                _(
                    "%(herb)s has been linked to hundreds of cases of liver injury: ask about "
                    "liver disease, keep the course short and stop at any sign of jaundice."
                ),
                HE_SHOU_WU_SOURCE,
                **name,
            )
        )
    return findings


@dataclass(frozen=True, slots=True)
class _Rules:
    pairs: tuple[tuple[Pair, frozenset[str], frozenset[str]], ...]
    interactions: tuple[tuple[frozenset[str], frozenset[str]], ...]
    relevant: frozenset[str]  # every herb that appears in some pair rule


@cache
def _rules() -> _Rules:
    pairs = tuple((p, materia.resolve([p.a]), materia.resolve([p.b])) for p in PAIRS)
    interactions = tuple((materia.resolve(i.herbs), frozenset(i.drugs)) for i in INTERACTIONS)
    relevant = frozenset().union(*(a | b for _, a, b in pairs))
    return _Rules(pairs, interactions, relevant)


def _in_order(codes: Iterable[str], order: Mapping[str, int]) -> list[Herb]:
    herbs = [materia.get(code) for code in sorted(codes, key=order.__getitem__)]
    return [h for h in herbs if h is not None]


def _pair_findings(present: Mapping[str, int]) -> list[Finding]:
    rules = _rules()
    if not rules.relevant.intersection(present):
        return []
    findings = []
    for pair, a, b in rules.pairs:
        first, second = a.intersection(present), b.intersection(present)
        if not first or not second:
            continue
        herbs_a, herbs_b = _in_order(first, present), _in_order(second, present)
        extensions = [
            MODERN_EXTENSIONS[h.code] for h in herbs_a + herbs_b if h.code in MODERN_EXTENSIONS
        ]
        source = EIGHTEEN_SOURCE if pair.list == "eighteen" else NINETEEN_SOURCE
        findings.append(
            _finding(
                f"{pair.list}:{pair.id}",
                pair.list,
                PAIR_SEVERITY,
                herbs_a + herbs_b,
                PAIR_MESSAGES[pair.list],
                "; ".join([source, *extensions]),
                first=_names(herbs_a),
                second=_names(herbs_b),
            )
        )
    return findings


def _interaction_findings(present: Mapping[str, int], patient: Patient) -> list[Finding]:
    if not patient.medications:
        return []
    matched = match_medications(patient.medications)
    if not matched:
        return []
    findings = []
    for rule, (herbs, drugs) in zip(INTERACTIONS, _rules().interactions, strict=True):
        involved = herbs.intersection(present)
        concepts = drugs.intersection(matched)
        if not involved or not concepts:
            continue
        entries = tuple(dict.fromkeys(e for c in sorted(concepts) for e in matched[c]))
        herb_list = _in_order(involved, present)
        finding = _finding(
            f"interaction:{rule.id}",
            "interaction",
            rule.severity,
            herb_list,
            rule.message,
            rule.source,
            herbs=_names(herb_list),
            medications=", ".join(entries),
        )
        findings.append(replace(finding, medications=entries))
    return findings


# --- the check --------------------------------------------------------------------------


def check(
    prescription: Iterable[Line | Sequence[object]],
    patient: Patient | None = None,
    overrides: Mapping[str, str] | None = None,
) -> list[Finding]:
    """Every finding for this prescription and patient, the most severe first, then by rule id.

    Raises ValueError for a malformed line (grams not a positive number, an unknown form)."""
    patient = patient or Patient()
    herbs: dict[str, Herb] = {}  # in the order of their first line
    raw_grams: dict[str, float | None] = {}  # raw-equivalent grams a day; None: no ratio known
    unknown: dict[str, None] = {}
    for line in _lines(prescription):
        herb = materia.get(line.herb)
        if herb is None:
            unknown[line.herb] = None
            continue
        grams: float | None = line.grams
        if line.form == "granule":
            ratio = line.ratio or herb.granule_ratio
            grams = None if ratio is None else line.grams * ratio
        previous = raw_grams.get(herb.code, 0.0)
        raw_grams[herb.code] = None if previous is None or grams is None else previous + grams
        herbs.setdefault(herb.code, herb)
    findings = [_unknown(code) for code in unknown]
    for code, herb in herbs.items():
        findings.extend(_herb_findings(herb, raw_grams[code], patient))
    order = {code: position for position, code in enumerate(herbs)}
    findings.extend(_pair_findings(order))
    findings.extend(_interaction_findings(order, patient))
    if overrides:
        findings = [_override(f, overrides.get(f.rule_id)) for f in findings]
    findings.sort(key=lambda f: f.sort_key)
    return findings


def _override(finding: Finding, reason: object) -> Finding:
    if finding.severity not in (Severity.WARNING, Severity.NEEDS_REASON):
        return finding
    if not isinstance(reason, str) or not reason.strip():
        return finding
    return replace(finding, overridden=True, reason=reason.strip())


def outstanding(findings: Iterable[Finding]) -> list[Finding]:
    """What still stops the prescription: every block, and every needs_reason not overridden."""
    return [
        f
        for f in findings
        if f.severity is Severity.BLOCK
        or (f.severity is Severity.NEEDS_REASON and not f.overridden)
    ]


def worst(findings: Iterable[Finding]) -> Severity | None:
    """The most severe level among findings that are not overridden; None if there are none."""
    levels = [f.severity for f in findings if not f.overridden]
    return max(levels, key=lambda s: s.rank) if levels else None
