"""What a treatment and a note are made of, as data: the vocabularies (tongue, pulse, TCM
patterns, sides, techniques, modalities) and the rules one needled point or one modality row
must follow. The model's clean(), the forms and a protocol's JSON all check through here, so a
rule is written once.

Pure: no ORM, no request. Django is used only for choices and translation.
"""

import functools
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from acuclinic.patients import body_regions

from . import points

# --- the note's vocabularies -----------------------------------------------------------------


class TongueColour(models.TextChoices):
    PALE = "pale", _("Pale")
    PALE_RED = "pale_red", _("Pale red (normal)")
    RED = "red", _("Red")
    RED_TIP = "red_tip", _("Red tip")
    RED_SIDES = "red_sides", _("Red sides")
    CRIMSON = "crimson", _("Crimson")
    PURPLE = "purple", _("Purple")
    BLUE_PURPLE = "blue_purple", _("Bluish purple")


class TongueCoating(models.TextChoices):
    THIN_WHITE = "thin_white", _("Thin white (normal)")
    THICK_WHITE = "thick_white", _("Thick white")
    THIN_YELLOW = "thin_yellow", _("Thin yellow")
    THICK_YELLOW = "thick_yellow", _("Thick yellow")
    GREASY = "greasy", _("Greasy")
    DRY = "dry", _("Dry")
    PEELED = "peeled", _("Peeled or geographic")
    NONE = "none", _("No coating")
    GREY_BLACK = "grey_black", _("Grey or black")


class TongueShape(models.TextChoices):
    NORMAL = "normal", _("Normal")
    SWOLLEN = "swollen", _("Swollen")
    THIN = "thin", _("Thin")
    TOOTH_MARKED = "tooth_marked", _("Tooth-marked")
    CRACKED = "cracked", _("Cracked")
    STIFF = "stiff", _("Stiff")
    DEVIATED = "deviated", _("Deviated")
    TREMBLING = "trembling", _("Trembling")
    SHORT = "short", _("Short")


class PulsePosition(models.TextChoices):
    LEFT_CUN = "left_cun", _("Left cun")
    LEFT_GUAN = "left_guan", _("Left guan")
    LEFT_CHI = "left_chi", _("Left chi")
    RIGHT_CUN = "right_cun", _("Right cun")
    RIGHT_GUAN = "right_guan", _("Right guan")
    RIGHT_CHI = "right_chi", _("Right chi")


class PulseQuality(models.TextChoices):
    """The 28 classical pulse qualities, by their usual English names (pinyin in the key)."""

    FLOATING = "floating", _("Floating (fu)")
    DEEP = "deep", _("Deep (chen)")
    SLOW = "slow", _("Slow (chi)")
    RAPID = "rapid", _("Rapid (shu)")
    EMPTY = "empty", _("Empty (xu)")
    FULL = "full", _("Full (shi)")
    SLIPPERY = "slippery", _("Slippery (hua)")
    CHOPPY = "choppy", _("Choppy (se)")
    LONG = "long", _("Long (chang)")
    SHORT = "short", _("Short (duan)")
    FLOODING = "flooding", _("Flooding (hong)")
    THIN = "thin", _("Thin (xi)")
    MINUTE = "minute", _("Minute (wei)")
    TIGHT = "tight", _("Tight (jin)")
    MODERATE = "moderate", _("Moderate (huan)")
    WIRY = "wiry", _("Wiry (xian)")
    HOLLOW = "hollow", _("Hollow (kou)")
    LEATHER = "leather", _("Leather (ge)")
    FIRM = "firm", _("Firm (lao)")
    SOGGY = "soggy", _("Soggy (ru)")
    WEAK = "weak", _("Weak (ruo)")
    SCATTERED = "scattered", _("Scattered (san)")
    HIDDEN = "hidden", _("Hidden (fu)")
    MOVING = "moving", _("Moving (dong)")
    HURRIED = "hurried", _("Hurried (cu)")
    KNOTTED = "knotted", _("Knotted (jie)")
    INTERMITTENT = "intermittent", _("Intermittent (dai)")
    RACING = "racing", _("Racing (ji)")


class Pattern(models.TextChoices):
    """Common TCM pattern diagnoses in a musculoskeletal practice; free text covers the rest."""

    KIDNEY_YANG_DEF = "kidney_yang_def", _("Kidney yang deficiency")
    KIDNEY_YIN_DEF = "kidney_yin_def", _("Kidney yin deficiency")
    KIDNEY_QI_DEF = "kidney_qi_def", _("Kidney qi deficiency")
    QI_BLOOD_STAGNATION = "qi_blood_stagnation", _("Qi and Blood stagnation")
    BLOOD_STASIS = "blood_stasis", _("Blood stasis")
    QI_STAGNATION = "qi_stagnation", _("Qi stagnation")
    LIVER_QI_STAGNATION = "liver_qi_stagnation", _("Liver qi stagnation")
    LIVER_YANG_RISING = "liver_yang_rising", _("Liver yang rising")
    LIVER_BLOOD_DEF = "liver_blood_def", _("Liver blood deficiency")
    SPLEEN_QI_DEF = "spleen_qi_def", _("Spleen qi deficiency")
    SPLEEN_DAMP = "spleen_damp", _("Spleen deficiency with damp")
    HEART_BLOOD_DEF = "heart_blood_def", _("Heart blood deficiency")
    LUNG_QI_DEF = "lung_qi_def", _("Lung qi deficiency")
    WIND_COLD_DAMP_BI = "wind_cold_damp_bi", _("Wind-cold-damp painful obstruction (bi)")
    DAMP_HEAT_BI = "damp_heat_bi", _("Damp-heat painful obstruction (bi)")
    COLD_DAMP = "cold_damp", _("Cold-damp")
    DAMP_HEAT = "damp_heat", _("Damp-heat")
    PHLEGM_DAMP = "phlegm_damp", _("Phlegm-damp")
    QI_BLOOD_DEF = "qi_blood_def", _("Qi and Blood deficiency")
    OTHER = "other", _("Other (describe)")


# ICD-10 and ICD-10-CM: a letter, two characters (the third may be a letter in ICD-10-CM,
# e.g. C4A), then optionally a dot and one to four more. "M54.5", "M54.50", "S33.5XXA".
ICD10 = re.compile(r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?")


def clean_icd10(value: object) -> tuple[str, str]:
    """(normalized code, error). Blank is fine; "m545" is read as "M54.5"."""
    if not isinstance(value, str):
        return "", gettext("Enter an ICD-10 code such as M54.5.")
    code = value.strip().upper()
    if not code:
        return "", ""
    if len(code) > 3 and "." not in code and len(code) <= 7:
        code = f"{code[:3]}.{code[3:]}"
    if not ICD10.fullmatch(code):
        return "", gettext("Enter an ICD-10 code such as M54.5 (a letter, two digits, a dot).")
    return code, ""


def clean_pulse(value: object) -> tuple[dict[str, list[str]], str]:
    """The pulse as {position: [qualities]} in vocabulary order, or an error."""
    if value in (None, ""):
        return {}, ""
    if not isinstance(value, Mapping):
        return {}, gettext("The pulse must list qualities per position.")
    cleaned: dict[str, list[str]] = {}
    order = {q: i for i, q in enumerate(PulseQuality.values)}
    for position, qualities in value.items():
        if position not in PulsePosition.values:
            return {}, gettext("Unknown pulse position.")
        if not isinstance(qualities, list | tuple) or not all(
            isinstance(q, str) and q in order for q in qualities
        ):
            return {}, gettext("Choose pulse qualities from the list.")
        if qualities:
            cleaned[position] = sorted(set(qualities), key=order.__getitem__)
    return {p: cleaned[p] for p in PulsePosition.values if p in cleaned}, ""


# --- needles ---------------------------------------------------------------------------------


class Side(models.TextChoices):
    LEFT = "left", _("Left")
    RIGHT = "right", _("Right")
    BILATERAL = "bilateral", _("Bilateral")
    MIDLINE = "midline", _("Midline")


class Technique(models.TextChoices):
    TONIFY = "tonify", _("Tonify")
    REDUCE = "reduce", _("Reduce")
    EVEN = "even", _("Even")


# Extra points that sit on the midline (Yintang; Shiqizhui below L5; Yaoqi over the sacrum).
# Sishencong is four points around GV20, so it is recorded with a side like the paired points.
MIDLINE_EXTRA = frozenset({"EX-HN3", "EX-B8", "EX-B9"})

DEPTH_MM = (0, 150)
RETENTION_MIN = (0, 120)
ELECTRO_HZ = (1, 200)
ELECTRO_MIN = (1, 120)
MAX_NEEDLES = 60
MAX_MODALITIES = 20


def is_midline(point: points.Point) -> bool:
    return point.meridian in ("GV", "CV") or point.code in MIDLINE_EXTRA


def sides_for(point: points.Point) -> tuple[str, ...]:
    return (Side.MIDLINE,) if is_midline(point) else (Side.LEFT, Side.RIGHT, Side.BILATERAL)


def resolve_point(value: object) -> points.Point | None:
    """The point a practitioner typed: any code spelling ("UB 23", "Du4"), or a pinyin name
    that names exactly one point ("shenshu", "Wěizhōng")."""
    if not isinstance(value, str) or not value.strip() or len(value) > points.MAX_QUERY:
        return None
    found = points.get(value)
    if found is not None:
        return found
    named = _by_pinyin().get(_fold(value), ())
    return named[0] if len(named) == 1 else None


@functools.cache
def _by_pinyin() -> dict[str, tuple[points.Point, ...]]:
    table: dict[str, list[points.Point]] = {}
    for point in points.all_points():
        table.setdefault(_fold(point.pinyin_plain), []).append(point)
    return {name: tuple(found) for name, found in table.items()}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum()).lower()


def _int_in(value: object, bounds: tuple[int, int]) -> bool:
    return (
        isinstance(value, int) and not isinstance(value, bool) and bounds[0] <= value <= bounds[1]
    )


def clean_needle(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """One needled point as stored (NeedlePoint's fields), and errors by field name.
    Optional numbers may be None (not recorded); booleans default to False."""
    errors: dict[str, str] = {}
    point = resolve_point(data.get("code"))
    if point is None:
        errors["code"] = gettext("Choose a point from the list, or type its code (e.g. BL23).")
    side = data.get("side") or ""
    if point is not None:
        if side not in Side.values:
            errors["side"] = gettext("Choose the side.")
        elif side not in sides_for(point):
            errors["side"] = (
                gettext("%(code)s is on the midline: choose midline.") % {"code": point.code}
                if is_midline(point)
                else gettext("%(code)s is a paired point: choose left, right or bilateral.")
                % {"code": point.code}
            )
    depth = data.get("depth_mm")
    if depth is not None and not _int_in(depth, DEPTH_MM):
        errors["depth_mm"] = gettext("Depth is a whole number of millimetres from 0 to 150.")
    retention = data.get("retention_min")
    if retention is not None and not _int_in(retention, RETENTION_MIN):
        errors["retention_min"] = gettext("Retention is a whole number of minutes from 0 to 120.")
    technique = data.get("technique") or ""
    if technique not in ("", *Technique.values):
        errors["technique"] = gettext("Choose tonify, reduce or even.")
    hz, electro_min = data.get("electro_hz"), data.get("electro_min")
    if hz is not None and not _int_in(hz, ELECTRO_HZ):
        errors["electro_hz"] = gettext("Frequency is a whole number of hertz from 1 to 200.")
    if electro_min is not None and not _int_in(electro_min, ELECTRO_MIN):
        errors["electro_min"] = gettext("Electro-stimulation lasts 1 to 120 minutes.")
    if (hz is None) != (electro_min is None) and not (
        {"electro_hz", "electro_min"} & errors.keys()
    ):
        errors["electro_hz"] = gettext(
            "For electro-stimulation give both the frequency and the minutes (or neither)."
        )
    flags = {}
    for name in ("de_qi", "moxa_on_needle"):
        value = data.get(name, False)
        if not isinstance(value, bool):
            errors[name] = gettext("Yes or no.")
        flags[name] = value is True
    if errors:
        return {}, errors
    assert point is not None
    return {
        "code": point.code,
        "side": side,
        "depth_mm": depth,
        "retention_min": retention,
        "technique": technique,
        "electro_hz": hz,
        "electro_min": electro_min,
        **flags,
    }, {}


# --- other modalities ------------------------------------------------------------------------


class Kind(models.TextChoices):
    CUPPING = "cupping", _("Cupping")
    GUA_SHA = "gua_sha", _("Gua sha")
    MASSAGE = "massage", _("Massage (tui na)")
    MOXA = "moxa", _("Moxibustion")


class Method(models.TextChoices):
    # cupping
    FIXED = "fixed", _("Fixed (stationary)")
    MOVING = "moving", _("Moving")
    FLASH = "flash", _("Flash")
    WET = "wet", _("Wet")
    # moxibustion
    STICK = "stick", _("Stick")
    CONE = "cone", _("Cone")
    BOX = "box", _("Box")
    ON_NEEDLE = "on_needle", _("On the needle (warm needle)")


METHODS: Mapping[str, tuple[str, ...]] = {
    Kind.CUPPING: (Method.FIXED, Method.MOVING, Method.FLASH, Method.WET),
    Kind.MOXA: (Method.STICK, Method.CONE, Method.BOX, Method.ON_NEEDLE),
    Kind.GUA_SHA: (),
    Kind.MASSAGE: (),
}


class ShaColour(models.TextChoices):
    PINK = "pink", _("Light pink")
    RED = "red", _("Red")
    DARK_RED = "dark_red", _("Dark red")
    PURPLE = "purple", _("Purple")
    DARK = "dark", _("Dark purple or black")


class CupType(models.TextChoices):
    FIRE = "fire", _("Fire (glass)")
    PUMP = "pump", _("Pump (plastic)")
    SILICONE = "silicone", _("Silicone")


class Marks(models.TextChoices):
    """The cupping marks seen when the cups came off."""

    NONE = "none", _("No marks")
    PINK = "pink", _("Light pink")
    RED = "red", _("Red")
    DARK_RED = "dark_red", _("Dark red")
    PURPLE = "purple", _("Purple or dark")


class GuaShaTool(models.TextChoices):
    HORN = "horn", _("Horn")
    JADE = "jade", _("Jade or stone")
    METAL = "metal", _("Metal")
    SPOON = "spoon", _("Ceramic spoon")
    OTHER = "other", _("Other")


class ShaExtent(models.TextChoices):
    NONE = "none", _("None")
    SCATTERED = "scattered", _("Scattered petechiae")
    PATCHY = "patchy", _("Patches")
    CONFLUENT = "confluent", _("Confluent over the area")


class TuiNa(models.TextChoices):
    """Massage (tui na) techniques, by their usual English names (pinyin in the key)."""

    TUI = "tui", _("Pushing (tui)")
    NA = "na", _("Grasping (na)")
    AN = "an", _("Pressing (an)")
    MO = "mo", _("Rubbing (mo)")
    ROU = "rou", _("Kneading (rou)")
    GUN = "gun", _("Rolling (gun)")
    CA = "ca", _("Scrubbing (ca)")
    DOU = "dou", _("Shaking (dou)")
    YAO = "yao", _("Rotating (yao)")
    PAI = "pai", _("Patting (pai)")
    BA_SHEN = "ba_shen", _("Traction (ba shen)")


MODALITY_MIN = (1, 120)
CUPS = (1, 40)
UNITS = (1, 50)  # moxa cones or sticks
TEXT_MAX = 200

# Which fields belong to which modality (blank or empty on every other kind).
ONLY_FOR: Mapping[str, str] = {
    "cups": Kind.CUPPING,
    "cup_type": Kind.CUPPING,
    "marks": Kind.CUPPING,
    "sha_colour": Kind.GUA_SHA,
    "tool": Kind.GUA_SHA,
    "extent": Kind.GUA_SHA,
    "techniques": Kind.MASSAGE,
    "units": Kind.MOXA,
}
_CHOICES_OF: Mapping[str, Any] = {
    "cup_type": CupType,
    "marks": Marks,
    "sha_colour": ShaColour,
    "tool": GuaShaTool,
    "extent": ShaExtent,
}


_FIELD_LABELS: Mapping[str, Any] = {
    "cup_type": _("The type of cup"),
    "marks": _("The marks observed"),
    "sha_colour": _("The sha colour"),
    "tool": _("The tool"),
    "extent": _("The sha extent"),
}


def clean_modality(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """One modality row as stored (Modality's fields), and errors by field name."""
    errors: dict[str, str] = {}
    kind = data.get("kind") or ""
    if kind not in Kind.values:
        return {}, {"kind": gettext("Choose cupping, gua sha, massage or moxibustion.")}
    method = data.get("method") or ""
    allowed = METHODS[kind]
    if allowed and method not in allowed:
        errors["method"] = gettext("Choose the type of %(kind)s.") % {
            "kind": Kind(kind).label.lower()
        }
    elif not allowed and method:
        errors["method"] = gettext("%(kind)s has no type to choose.") % {"kind": Kind(kind).label}
    area = data.get("area") or ""
    if area and not body_regions.is_region(area):
        errors["area"] = gettext("Choose an area from the list.")
    area_text = data.get("area_text") or ""
    if not isinstance(area_text, str) or len(area_text) > TEXT_MAX:
        errors["area_text"] = gettext("Describe the area in at most 200 characters.")
        area_text = ""
    point_code = ""
    raw_point = data.get("point_code") or ""
    if raw_point:
        point = resolve_point(raw_point)
        if kind != Kind.MOXA:
            errors["point_code"] = gettext("A point is given for moxibustion only.")
        elif point is None:
            errors["point_code"] = gettext("Choose a point from the list, or type its code.")
        else:
            point_code = point.code
    if not area and not area_text.strip() and not point_code and "point_code" not in errors:
        errors["area"] = (
            gettext("Choose an area, describe it, or give a point.")
            if kind == Kind.MOXA
            else gettext("Choose an area or describe it.")
        )
    minutes = data.get("minutes")
    if minutes is not None and not _int_in(minutes, MODALITY_MIN):
        errors["minutes"] = gettext("Minutes are a whole number from 1 to 120.")
    cups = data.get("cups")
    if cups is not None and kind != Kind.CUPPING:
        errors["cups"] = gettext("The number of cups is for cupping only.")
    elif cups is not None and not _int_in(cups, CUPS):
        errors["cups"] = gettext("The number of cups is from 1 to 40.")
    units = data.get("units")
    if units is not None and kind != Kind.MOXA:
        errors["units"] = gettext("Cones or sticks are counted for moxibustion only.")
    elif units is not None and not _int_in(units, UNITS):
        errors["units"] = gettext("The number of cones or sticks is from 1 to 50.")
    chosen: dict[str, str] = {}
    for name, choices in _CHOICES_OF.items():
        value = data.get(name) or ""
        if value and kind != ONLY_FOR[name]:
            errors[name] = gettext("%(field)s is for %(kind)s only.") % {
                "field": _FIELD_LABELS[name],
                "kind": Kind(ONLY_FOR[name]).label.lower(),
            }
        elif value and value not in choices.values:
            errors[name] = gettext("Choose from the list.")
        chosen[name] = value if isinstance(value, str) else ""
    techniques = data.get("techniques") or []
    if techniques and kind != Kind.MASSAGE:
        errors["techniques"] = gettext("Techniques are for massage only.")
    elif not isinstance(techniques, list | tuple) or not all(
        isinstance(t, str) and t in TuiNa.values for t in techniques
    ):
        errors["techniques"] = gettext("Choose the techniques from the list.")
    else:
        order = {t: i for i, t in enumerate(TuiNa.values)}
        techniques = sorted(set(techniques), key=order.__getitem__)
    notes = data.get("notes") or ""
    if not isinstance(notes, str) or len(notes) > TEXT_MAX:
        errors["notes"] = gettext("Notes are at most 200 characters.")
    if errors:
        return {}, errors
    return {
        "kind": kind,
        "method": method,
        "area": area,
        "area_text": area_text.strip(),
        "point_code": point_code,
        "minutes": minutes,
        "cups": cups,
        "units": units,
        "techniques": techniques,
        **chosen,
        "notes": notes.strip(),
    }, {}


def clean_items(
    needles: object, modalities: object
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """A protocol's JSON: lists of needle and modality objects. Errors name the item."""
    errors: list[str] = []
    if not isinstance(needles, list) or not isinstance(modalities, list):
        return [], [], [gettext("Points and modalities must be lists.")]
    if len(needles) > MAX_NEEDLES or len(modalities) > MAX_MODALITIES:
        return [], [], [gettext("Too many points or modalities for one treatment.")]
    clean_needles: list[dict[str, Any]] = []
    clean_mods: list[dict[str, Any]] = []
    for i, item in enumerate(needles, 1):
        cleaned, errs = clean_needle(item) if isinstance(item, Mapping) else ({}, {"": "?"})
        if errs:
            errors.append(
                gettext("Point %(n)d: %(errors)s") % {"n": i, "errors": " ".join(errs.values())}
            )
        else:
            clean_needles.append(cleaned)
    for i, item in enumerate(modalities, 1):
        cleaned, errs = clean_modality(item) if isinstance(item, Mapping) else ({}, {"": "?"})
        if errs:
            errors.append(
                gettext("Modality %(n)d: %(errors)s") % {"n": i, "errors": " ".join(errs.values())}
            )
        else:
            clean_mods.append(cleaned)
    return clean_needles, clean_mods, errors
