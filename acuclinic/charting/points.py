"""The acupuncture point catalogue: the 361 WHO meridian points plus a few extra points.

Pure: reads `data/points.csv` once and answers look-ups and keyboard-picker searches. No ORM.
Sources and the rules for the data are in `data/DATA_SOURCES.md`.
"""

import csv
import dataclasses
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "points.csv"

# The 14 meridians in the usual order, with their number of points (WHO standard nomenclature).
MERIDIAN_SIZES: dict[str, int] = {
    "LU": 11,
    "LI": 20,
    "ST": 45,
    "SP": 21,
    "HT": 9,
    "SI": 19,
    "BL": 67,
    "KI": 27,
    "PC": 9,
    "TE": 23,
    "GB": 44,
    "LR": 14,
    "GV": 28,
    "CV": 24,
}
MERIDIANS: tuple[str, ...] = tuple(MERIDIAN_SIZES)
EXTRA = "EX"

# Other spellings of the meridian codes in common use. HE/H (heart) and LV (liver) appear in
# European and older English texts; the rest are listed in DOMAIN.md.
MERIDIAN_ALIASES: dict[str, str] = {
    "UB": "BL",
    "SJ": "TE",
    "TW": "TE",
    "TB": "TE",
    "TH": "TE",
    "LIV": "LR",
    "LV": "LR",
    "K": "KI",
    "KID": "KI",
    "P": "PC",
    "H": "HT",
    "HE": "HT",
    "DU": "GV",
    "REN": "CV",
    "RN": "CV",
}
# WHO extra-point groups: head and neck, chest and abdomen, back, upper and lower extremity.
EXTRA_GROUPS = ("HN", "CA", "B", "UE", "LE")

REGIONS = frozenset(
    {
        "head",
        "face",
        "neck",
        "chest",
        "axilla",
        "abdomen",
        "upper-back",
        "lower-back",
        "back",  # spans upper and lower back (Huatuojiaji)
        "sacrum",
        "buttock",
        "hip",
        "perineum",
        "shoulder",
        "upper-arm",
        "elbow",
        "forearm",
        "wrist",
        "hand",
        "thigh",
        "knee",
        "lower-leg",
        "ankle",
        "foot",
    }
)
FIVE_SHU = ("jing-well", "ying-spring", "shu-stream", "jing-river", "he-sea")
CATEGORIES = frozenset(
    {
        *FIVE_SHU,
        "back-shu",
        "front-mu",
        "yuan-source",
        "luo-connecting",
        "xi-cleft",
        "influential",
        "confluent",
        "lower-he-sea",
        "four-command",
        "window-of-heaven",
        "extra",
    }
)
CAUTIONS: dict[str, str] = {
    "pregnancy": "Traditionally avoided in pregnancy.",
    "over-lung": "Over the lung: needle shallow or oblique (risk of pneumothorax).",
    "over-kidney": "Over the kidney: mind the depth.",
    "over-vessel": "Beside a large blood vessel: palpate and avoid it.",
    "over-eye": "Inside the orbit: gentle technique, no manipulation, press after withdrawal.",
    "over-spinal-cord": "Over the medulla: never needle deep or upwards.",
    "no-needling": "Not needled (landmark or moxa only).",
}

# The standardized treatment of Cherkin DC et al., "A randomized trial comparing acupuncture,
# simulated acupuncture, and usual care for chronic low back pain", Arch Intern Med
# 2009;169(9):858-866: BL23, BL40 and KI3 on both sides plus GV3 (with ashi points as found).
CHERKIN_2009_BACK_PAIN: tuple[tuple[str, str], ...] = (
    ("BL23", "bilateral"),
    ("BL40", "bilateral"),
    ("KI3", "bilateral"),
    ("GV3", "midline"),
)

MAX_QUERY = 64  # longer input cannot be a point name or code


@dataclass(frozen=True, slots=True)
class Point:
    code: str
    meridian: str
    number: int | None
    pinyin: str
    pinyin_plain: str
    hanzi: str
    region: str
    categories: tuple[str, ...]
    related: tuple[tuple[str, str], ...]  # (category, target), e.g. ("back-shu", "KI")
    cautions: tuple[str, ...]
    location_note: str
    alt_code: str = ""

    @property
    def is_extra(self) -> bool:
        return self.meridian == EXTRA

    def related_to(self, category: str) -> str:
        """What a category refers to: BL23.related_to("back-shu") == "KI"."""
        return next((target for cat, target in self.related if cat == category), "")

    def __str__(self) -> str:
        return f"{self.code} {self.pinyin_plain}"


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


def _fold(text: str) -> str:
    """Lower case, no tone marks, only ASCII letters and digits: "Shènshū" -> "shenshu"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum()).lower()


@cache
def _load() -> tuple[Point, ...]:
    points = []
    with DATA_FILE.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            related = tuple(
                (cat, target)
                for cat, _, target in (r.partition("=") for r in _split(row["related"]))
            )
            points.append(
                Point(
                    code=row["code"],
                    meridian=row["meridian"],
                    number=int(row["number"]) if row["number"] else None,
                    pinyin=row["pinyin"],
                    pinyin_plain=row["pinyin_plain"],
                    hanzi=row["hanzi"],
                    region=row["region"],
                    categories=_split(row["categories"]),
                    related=related,
                    cautions=_split(row["cautions"]),
                    location_note=row["location_note"],
                    alt_code=row["alt_code"],
                )
            )
    return tuple(points)


@dataclass(frozen=True, slots=True)
class _Entry:
    point: Point
    folded_pinyin: str
    category_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Catalogue:
    points: tuple[Point, ...]
    by_code: dict[str, Point]
    entries: tuple[_Entry, ...]


@cache
def _catalogue(who_2008_gv29: bool) -> _Catalogue:
    points = _load()
    if who_2008_gv29:
        # WHO 2008 moved Yintang onto the governing vessel as GV29.
        points = tuple(
            dataclasses.replace(p, code="GV29", meridian="GV", number=29, alt_code=p.code)
            if p.alt_code == "GV29"
            else p
            for p in points
        )
    by_code = {p.code: p for p in points}
    entries = tuple(
        _Entry(p, _fold(p.pinyin_plain), tuple(_fold(c) for c in p.categories)) for p in points
    )
    return _Catalogue(points, by_code, entries)


_CODE = re.compile(r"([a-z]+)(\d{0,3})")


def _code_parts(folded: str) -> tuple[str, str] | None:
    """("BL", "23") for "bl23", "ub23"; ("EX-B", "2") for "exb2"; None if not code-like."""
    match = _CODE.fullmatch(folded)
    if match is None:
        return None
    letters, digits = match.group(1).upper(), match.group(2)
    if letters.startswith(EXTRA):
        group = letters[len(EXTRA) :]
        if group in EXTRA_GROUPS:
            return f"{EXTRA}-{group}", digits
        if group == "" and not digits:
            return EXTRA, ""
        return None
    meridian = MERIDIAN_ALIASES.get(letters, letters)
    if meridian in MERIDIAN_SIZES:
        return meridian, digits
    return None


def _canonical(code: object) -> str | None:
    if not isinstance(code, str) or len(code) > MAX_QUERY:
        return None
    folded = _fold(code)
    parts = _code_parts(folded)
    if parts is not None and parts[1]:
        prefix, digits = parts
        return f"{prefix}{int(digits)}" if prefix != EXTRA else None
    if folded.startswith("ex") and folded[2:]:
        return f"EX-{folded[2:].upper()}"  # named extra points such as EX-ANMIAN
    return None


def all_points(*, who_2008_gv29: bool = False) -> tuple[Point, ...]:
    return _catalogue(who_2008_gv29).points


def get(code: str, *, who_2008_gv29: bool = False) -> Point | None:
    """The point for any accepted spelling: "BL23", "bl 23", "BL-23", "UB23", "Du20", "EX-B2"."""
    canonical = _canonical(code)
    if canonical is None:
        return None
    return _catalogue(who_2008_gv29).by_code.get(canonical)


def by_meridian(code: str, *, who_2008_gv29: bool = False) -> tuple[Point, ...]:
    """The points of one meridian in order ("UB", "du" accepted); "EX" gives the extra points."""
    if not isinstance(code, str) or len(code) > MAX_QUERY:
        return ()
    letters = _fold(code).upper()
    meridian = MERIDIAN_ALIASES.get(letters, letters)
    if meridian not in MERIDIAN_SIZES and meridian != EXTRA:
        return ()
    return tuple(p for p in all_points(who_2008_gv29=who_2008_gv29) if p.meridian == meridian)


def with_category(name: str) -> tuple[Point, ...]:
    """The points in one category: with_category("back-shu") gives the 12 organ back-shu points."""
    if not isinstance(name, str) or len(name) > MAX_QUERY:
        return ()
    key = _fold(name)
    return tuple(e.point for e in _catalogue(False).entries if key and key in e.category_keys)


def cautions_for(code: str, *, pregnant: bool) -> tuple[str, ...]:
    """The cautions to acknowledge before recording this point (keys of CAUTIONS)."""
    point = get(code)
    if point is None:
        return ()
    return tuple(c for c in point.cautions if pregnant or c != "pregnancy")


def search(query: str, limit: int = 10, *, who_2008_gv29: bool = False) -> list[Point]:
    """Points for a keyboard picker, best first: exact code, code prefix ("bl2" -> BL2, BL20..),
    pinyin with or without tones (exact, then prefix, then anywhere), hanzi, then category."""
    if not isinstance(query, str) or not isinstance(limit, int) or limit <= 0:
        return []
    raw = query.strip()
    if not raw or len(raw) > MAX_QUERY:
        return []
    folded = _fold(raw)
    catalogue = _catalogue(who_2008_gv29)
    found: list[Point] = []
    seen: set[str] = set()

    def take(points: Iterable[Point]) -> bool:
        for point in points:
            if point.code not in seen:
                seen.add(point.code)
                found.append(point)
                if len(found) >= limit:
                    return True
        return False

    if folded:
        exact = get(raw, who_2008_gv29=who_2008_gv29)
        if exact is not None and take([exact]):
            return found
        parts = _code_parts(folded)
        if parts is not None:
            prefix, digits = parts
            matches = [
                p
                for p in catalogue.points
                if (p.meridian == prefix or p.code.startswith(prefix))
                and (
                    not digits
                    or (p.number is not None and str(p.number).startswith(digits.lstrip("0")))
                    or (p.number is None and p.code[len(prefix) :].startswith(digits))
                )
            ]
            if take(matches):
                return found
        tiers: tuple[list[Point], list[Point], list[Point]] = ([], [], [])
        for e in catalogue.entries:
            if e.folded_pinyin == folded:
                tiers[0].append(e.point)
            elif e.folded_pinyin.startswith(folded):
                tiers[1].append(e.point)
            elif folded in e.folded_pinyin:
                tiers[2].append(e.point)
        for tier in tiers:
            if take(tier):
                return found
    if not raw.isascii() and take(p for p in catalogue.points if raw in p.hanzi):
        return found
    if folded and take(
        e.point for e in catalogue.entries if any(k.startswith(folded) for k in e.category_keys)
    ):
        return found
    return found
