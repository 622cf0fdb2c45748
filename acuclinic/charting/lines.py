"""A protocol's treatment as lines of text, fast to type and read:

    BL23 bilateral 25mm 20min even deqi
    GV4 midline 15mm 20min tonify moxa
    BL25 left 30mm 20min electro 2hz 20min
    cupping fixed back.lower.left 10min 4cups
    gua_sha back.upper.right red
    moxa stick point=GV4 10min

A point line starts with the code ("UB 23" and "Du4" are read too); a modality line with the
modality. Words are read as the vocabulary they belong to (treatment.py); a modality line's
other words describe the area. Every line is then checked by treatment.py's rules.

Pure: no ORM, no request.
"""

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext

from acuclinic.patients import body_regions

from . import treatment

MAX_LINES = treatment.MAX_NEEDLES + treatment.MAX_MODALITIES
MAX_LINE = 300
SIDES = {
    "l": "left",
    "left": "left",
    "r": "right",
    "right": "right",
    "b": "bilateral",
    "bil": "bilateral",
    "both": "bilateral",
    "bilateral": "bilateral",
    "m": "midline",
    "midline": "midline",
}
KINDS = {
    "cupping": "cupping",
    "cups": "cupping",
    "gua_sha": "gua_sha",
    "guasha": "gua_sha",
    "gua-sha": "gua_sha",
    "massage": "massage",
    "tuina": "massage",
    "tui_na": "massage",
    "moxa": "moxa",
    "moxibustion": "moxa",
}
_NUMBER = re.compile(r"([0-9]{1,4})(mm|min|hz|cups?)")


def _number(token: str) -> tuple[int, str] | None:
    match = _NUMBER.fullmatch(token)
    return (int(match.group(1)), match.group(2)) if match else None


def parse(text: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """(needles, modalities, errors); errors name the line."""
    needles: list[dict[str, Any]] = []
    modalities: list[dict[str, Any]] = []
    errors: list[str] = []
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_LINES:
        return [], [], [gettext("At most 80 lines.")]
    for number, line in enumerate(lines, 1):
        if len(line) > MAX_LINE:
            errors.append(gettext("Line %(n)d is too long.") % {"n": number})
            continue
        tokens = line.split()
        first = tokens[0].lower()
        if first in KINDS:
            data, problem = _modality(KINDS[first], tokens[1:])
            if not problem:
                cleaned, errs = treatment.clean_modality(data)
                problem = " ".join(errs.values())
                if not errs:
                    modalities.append(cleaned)
        else:
            data, problem = _needle(tokens)
            if not problem:
                cleaned, errs = treatment.clean_needle(data)
                problem = " ".join(errs.values())
                if not errs:
                    needles.append(cleaned)
        if problem:
            errors.append(
                gettext("Line %(n)d (%(line)s): %(problem)s")
                % {"n": number, "line": line[:40], "problem": problem}
            )
    return needles, modalities, errors


def _needle(tokens: list[str]) -> tuple[dict[str, Any], str]:
    code, rest = tokens[0], tokens[1:]
    if rest and tokens[0].isalpha() and rest[0].isdigit():
        code, rest = code + rest[0], rest[1:]
    data: dict[str, Any] = {"code": code}
    electro = False
    for word in (t.lower() for t in rest):
        number = _number(word)
        if word in SIDES and "side" not in data:
            data["side"] = SIDES[word]
        elif word in treatment.Technique.values and "technique" not in data:
            data["technique"] = word
        elif word in ("deqi", "de-qi", "de_qi"):
            data["de_qi"] = True
        elif word == "moxa":
            data["moxa_on_needle"] = True
        elif word in ("electro", "ea") and not electro:
            electro = True
        elif number and number[1] == "mm" and "depth_mm" not in data:
            data["depth_mm"] = number[0]
        elif number and number[1] == "hz" and electro and "electro_hz" not in data:
            data["electro_hz"] = number[0]
        elif number and number[1] == "min" and electro and "electro_min" not in data:
            data["electro_min"] = number[0]
        elif number and number[1] == "min" and not electro and "retention_min" not in data:
            data["retention_min"] = number[0]
        else:
            return {}, gettext("“%(word)s” is not understood.") % {"word": word[:20]}
    return data, ""


def _modality(kind: str, tokens: list[str]) -> tuple[dict[str, Any], str]:
    data: dict[str, Any] = {"kind": kind}
    words: list[str] = []
    methods = treatment.METHODS[kind]
    for token in tokens:
        low = token.lower()
        number = _number(low)
        if low in methods and "method" not in data:
            data["method"] = low
        elif body_regions.is_region(low) and "area" not in data:
            data["area"] = low
        elif number and number[1] == "min" and "minutes" not in data:
            data["minutes"] = number[0]
        elif number and number[1].startswith("cup") and "cups" not in data:
            data["cups"] = number[0]
        elif kind == "gua_sha" and low in treatment.ShaColour.values and "sha_colour" not in data:
            data["sha_colour"] = low
        elif low.startswith("point=") and "point_code" not in data:
            data["point_code"] = token[len("point=") :]
        else:
            words.append(token)
    data["area_text"] = " ".join(words)
    return data, ""


def format_needle(item: Mapping[str, Any]) -> str:
    parts = [item["code"], item["side"]]
    if item.get("depth_mm") is not None:
        parts.append(f"{item['depth_mm']}mm")
    if item.get("retention_min") is not None:
        parts.append(f"{item['retention_min']}min")
    if item.get("technique"):
        parts.append(item["technique"])
    if item.get("de_qi"):
        parts.append("deqi")
    if item.get("moxa_on_needle"):
        parts.append("moxa")
    if item.get("electro_hz") is not None:
        parts += ["electro", f"{item['electro_hz']}hz", f"{item['electro_min']}min"]
    return " ".join(str(p) for p in parts)


def format_modality(item: Mapping[str, Any]) -> str:
    parts = [item["kind"]]
    for name in ("method", "area"):
        if item.get(name):
            parts.append(item[name])
    if item.get("point_code"):
        parts.append(f"point={item['point_code']}")
    if item.get("minutes") is not None:
        parts.append(f"{item['minutes']}min")
    if item.get("cups") is not None:
        parts.append(f"{item['cups']}cups")
    if item.get("sha_colour"):
        parts.append(item["sha_colour"])
    if item.get("area_text"):
        parts.append(item["area_text"])
    return " ".join(str(p) for p in parts)


def format_all(needles: list[Mapping[str, Any]], modalities: list[Mapping[str, Any]]) -> str:
    return "\n".join([*map(format_needle, needles), *map(format_modality, modalities)])
