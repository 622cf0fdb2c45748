"""The body chart beside a visit: the intake's pain map and the areas cupped, scraped, massaged
or warmed on the figures of patients/body_regions.py (front and back, 200 x 440), our own side
figure (an outline: the pain map has no side regions), and the points: on the back laid out by
landmark rules rather than drawn by hand, everywhere else from our own normalized coordinates
in data/point_positions.csv (code, view, x, y).

Back points (DOMAIN.md): each sits at the level of a spinous process (or between two), at a
distance from the midline in B-cun: the governing vessel on the midline, the inner bladder
line at 1.5 cun, the outer line at 3 cun, Huatuojiaji at 0.5 cun. The levels and distances are
the standard textbook facts; the mapping of vertebral levels onto our figure is ours.
Left and right are the patient's: on the back figure the patient's left is the viewer's left.

Pure: no ORM, no request.
"""

import csv
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from acuclinic.patients import body_regions

MIDLINE_X = 100.0
CUN = 7.0  # one B-cun on the back figure, in viewBox units

# The spinous processes down the back figure: C7 at the base of the neck (y 74), T12 at the
# bottom of the middle back (y 166), L5 at the bottom of the lower back (y 206), then the
# sacral foramina over the sacrum.
_LEVELS = ["C7", *(f"T{i}" for i in range(1, 13)), *(f"L{i}" for i in range(1, 6))]
_LEVEL_Y: dict[str, float] = {}
for _i, _name in enumerate(_LEVELS[:13]):  # C7..T12: 74 -> 166
    _LEVEL_Y[_name] = 74 + _i * (166 - 74) / 12
for _i, _name in enumerate(_LEVELS[13:], 1):  # L1..L5: 174 -> 206
    _LEVEL_Y[_name] = 166 + _i * (206 - 166) / 5
for _i, _name in enumerate(("S1", "S2", "S3", "S4")):
    _LEVEL_Y[_name] = 212 + _i * 8
LEVEL_Y: Mapping[str, float] = _LEVEL_Y


def _below(level: str) -> float:
    """Just below the spinous process: halfway to the next level."""
    names = list(LEVEL_Y)
    i = names.index(level)
    following = LEVEL_Y[names[i + 1]] if i + 1 < len(names) else LEVEL_Y[level] + 6
    return (LEVEL_Y[level] + following) / 2


# code -> (y, distance from the midline in cun)
_INNER = {
    "BL11": "T1", "BL12": "T2", "BL13": "T3", "BL14": "T4", "BL15": "T5", "BL16": "T6",
    "BL17": "T7", "BL18": "T9", "BL19": "T10", "BL20": "T11", "BL21": "T12", "BL22": "L1",
    "BL23": "L2", "BL24": "L3", "BL25": "L4", "BL26": "L5",
}  # fmt: skip
_OUTER = {
    "BL41": "T2", "BL42": "T3", "BL43": "T4", "BL44": "T5", "BL45": "T6", "BL46": "T7",
    "BL47": "T9", "BL48": "T10", "BL49": "T11", "BL50": "T12", "BL51": "L1", "BL52": "L2",
}  # fmt: skip
_SACRAL_INNER = {"BL27": "S1", "BL28": "S2", "BL29": "S3", "BL30": "S4"}
_SACRAL_OUTER = {"BL53": "S2", "BL54": "S4"}
_FORAMINA = {"BL31": "S1", "BL32": "S2", "BL33": "S3", "BL34": "S4"}
_GOVERNING = {
    "GV3": "L4", "GV4": "L2", "GV5": "L1", "GV6": "T11", "GV7": "T10", "GV8": "T9",
    "GV9": "T7", "GV10": "T6", "GV11": "T5", "GV12": "T3", "GV13": "T1", "GV14": "C7",
}  # fmt: skip

BACK: dict[str, tuple[float, float]] = {}
BACK.update({code: (_below(level), 1.5) for code, level in _INNER.items()})
BACK.update({code: (_below(level), 3.0) for code, level in _OUTER.items()})
BACK.update({code: (LEVEL_Y[level], 1.5) for code, level in _SACRAL_INNER.items()})
BACK.update({code: (LEVEL_Y[level], 3.0) for code, level in _SACRAL_OUTER.items()})
BACK.update({code: (LEVEL_Y[level], 0.8) for code, level in _FORAMINA.items()})
BACK.update({code: (_below(level), 0.0) for code, level in _GOVERNING.items()})
BACK["EX-B2"] = (_below("L3"), 0.5)  # Huatuojiaji: one mark for the row, at L3
BACK["EX-B7"] = (_below("L4"), 3.5)  # Yaoyan
BACK["EX-B8"] = (_below("L5"), 0.0)  # Shiqizhui


def _centre(code: str) -> tuple[float, float]:
    polygon = body_regions.BY_CODE[code].polygon
    return (
        sum(x for x, _y in polygon) / len(polygon),
        sum(y for _x, y in polygon) / len(polygon),
    )


# Limb points at the centre of their region on the back figure (the patient's left side):
# BL40 in the popliteal crease, BL57 mid-calf, BL60 beside the heel.
LIMB: dict[str, str] = {"BL40": "knee", "BL57": "leg.lower", "BL60": "foot"}


@dataclass(frozen=True)
class Mark:
    code: str
    x: float
    y: float
    needled: bool
    midline: bool = False
    side: str = ""


FRONT_VIEW, BACK_VIEW, SIDE_VIEW = "front", "back", "side"
VIEWS = (FRONT_VIEW, BACK_VIEW, SIDE_VIEW)
WIDTH, HEIGHT = body_regions.VIEWBOX[2], body_regions.VIEWBOX[3]
POSITIONS_CSV = Path(__file__).resolve().parent / "data" / "point_positions.csv"

# The side figure: the patient's left side, facing the viewer's left; simple shapes of our own
# on the same 200 x 440 viewBox, drawn in this order (the arm over the torso).
SIDE_OUTLINE: tuple[tuple[tuple[int, int], ...], ...] = (
    ((88, 6), (112, 6), (122, 20), (122, 44), (112, 54), (96, 56), (84, 48), (78, 34), (80, 18)),
    ((92, 54), (112, 54), (114, 74), (90, 74)),
    ((84, 74), (122, 74), (128, 120), (124, 170), (130, 210), (128, 246), (80, 246), (78, 200),
     (82, 150), (78, 110)),
    ((82, 246), (128, 246), (120, 324), (88, 324)),
    ((88, 324), (120, 324), (114, 408), (96, 408)),
    ((96, 408), (114, 408), (116, 430), (72, 432), (74, 418)),
    ((96, 78), (114, 78), (114, 166), (112, 222), (98, 222), (96, 166)),
    ((98, 222), (112, 222), (114, 252), (104, 260), (96, 248)),
)  # fmt: skip


@functools.cache
def table() -> dict[str, dict[str, tuple[float, float]]]:
    """data/point_positions.csv as {view: {code: (x, y)}} in viewBox units (the patient's left
    for a paired point). Lines starting with # are comments."""
    found: dict[str, dict[str, tuple[float, float]]] = {view: {} for view in VIEWS}
    with POSITIONS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        for row in rows:
            x, y = float(row["x"]), float(row["y"])
            if row["view"] not in found or not (0 <= x <= 1 and 0 <= y <= 1):
                raise ValueError(f"point_positions.csv: bad row {row}")
            found[row["view"]][row["code"]] = (x * WIDTH, y * HEIGHT)
    return found


def positions_on(view: str, code: str) -> dict[str, tuple[float, float]]:
    """Where a point is drawn on one view: {"left": (x, y), "right": ...} for a paired point,
    {"midline": ...} for one on the midline; empty if it is not on that view. The side view
    shows the patient's left only."""
    if view == BACK_VIEW:
        found = positions(code)
        if found:
            return found
    at = table().get(view, {}).get(code)
    if at is None:
        return {}
    x, y = at
    if _is_midline(code):
        return {"midline": (x, y)}
    if view == SIDE_VIEW:
        return {"left": (x, y)}
    return {"left": (x, y), "right": (WIDTH - x, y)}


def _is_midline(code: str) -> bool:
    from . import points, treatment

    point = points.get(code)
    return point is not None and treatment.is_midline(point)


def chartable_on(view: str) -> tuple[str, ...]:
    extra = tuple(table().get(view, {}))
    if view == BACK_VIEW:
        return (*chartable(), *(c for c in extra if c not in BACK and c not in LIMB))
    return extra


def marks_on(view: str, needles: Iterable[Any], *, needled_only: bool = False) -> list[Mark]:
    """marks() for any view; with needled_only, just the needled points (the patient's chart)."""
    needled = _needled(needles)
    found = []
    for code in chartable_on(view):
        for side, (x, y) in positions_on(view, code).items():
            here = (code, side) in needled
            if needled_only and not here:
                continue
            found.append(Mark(code, round(x, 1), round(y, 1), here, side == "midline", side))
    return found


def _needled(needles: Iterable[Any]) -> set[tuple[str, str]]:
    needled: set[tuple[str, str]] = set()
    for needle in needles:
        code = _get(needle, "code")
        side = _get(needle, "side")
        sides = ("left", "right") if side == "bilateral" else (side,)
        needled.update((code, s) for s in sides)
    return needled


@dataclass(frozen=True)
class View:
    name: str
    areas: list["Area"]  # tappable-looking regions (front, back); empty for the side
    outline: tuple[str, ...]  # SVG points of the side figure's shapes
    marks: list[Mark]


def views(
    needles: Iterable[Any],
    *,
    pain: Iterable[str],
    treated: Iterable[str],
    needled_only: bool = False,
) -> list[View]:
    """The three figures as the templates draw them."""
    needles, pain, treated = list(needles), list(pain), list(treated)
    return [
        View(
            FRONT_VIEW,
            figure(body_regions.FRONT, pain=pain, treated=treated),
            (),
            marks_on(FRONT_VIEW, needles, needled_only=needled_only),
        ),
        View(
            BACK_VIEW,
            figure(body_regions.BACK, pain=pain, treated=treated),
            (),
            marks_on(BACK_VIEW, needles, needled_only=needled_only),
        ),
        View(
            SIDE_VIEW,
            [],
            tuple(" ".join(f"{x},{y}" for x, y in shape) for shape in SIDE_OUTLINE),
            marks_on(SIDE_VIEW, needles, needled_only=needled_only),
        ),
    ]


def patient_chart(needles: Iterable[Any], treated: Iterable[str]) -> list[View]:
    """The chart a patient sees: the figures, the treated areas and the needled points; no
    pain map from the intake, no other points, no note."""
    return views(needles, pain=(), treated=treated, needled_only=True)


def positions(code: str) -> dict[str, tuple[float, float]]:
    """Where a point is drawn on the back figure by landmark rules: {"left": (x, y), "right":
    ...} for a paired point, {"midline": (x, y)} for one on the midline; empty if the rules do
    not place it (positions_on reads the coordinates file too)."""
    if code in BACK:
        y, cun = BACK[code]
        if cun == 0:
            return {"midline": (MIDLINE_X, y)}
        return {"left": (MIDLINE_X - cun * CUN, y), "right": (MIDLINE_X + cun * CUN, y)}
    if code in LIMB:
        part = LIMB[code]
        return {side: _centre(f"back.{part}.{side}") for side in ("left", "right")}
    return {}


def chartable() -> tuple[str, ...]:
    return (*BACK, *LIMB)


def marks(needles: Iterable[Any]) -> list[Mark]:
    """Every chartable point once per side, the needled ones (by side) marked."""
    needled = _needled(needles)
    found = []
    for code in chartable():
        for side, (x, y) in positions(code).items():
            needled_here = (code, side) in needled
            found.append(
                Mark(code, round(x, 1), round(y, 1), needled_here, side == "midline", side)
            )
    return found


@dataclass(frozen=True)
class Area:
    code: str
    label: Any
    svg_points: str
    pain: bool
    treated: bool


def figure(name: str, *, pain: Iterable[str], treated: Iterable[str]) -> list[Area]:
    """The regions of one figure with what the chart shows on them."""
    pain, treated = set(pain), set(treated)
    return [
        Area(r.code, r.label, r.svg_points, r.code in pain, r.code in treated)
        for r in body_regions.regions_for(name)
    ]


def _get(item: object, name: str) -> Any:
    return item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)
