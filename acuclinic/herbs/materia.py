"""The materia medica: single herbs and classical formulas, read from `data/` once.

Pure: no ORM, no request. `herbs.csv` and `formulas.json` are loaded and validated on first use
(a `DataError` names the row at fault); after that, look-ups and searches are dictionary work.
Where the figures come from, and what is still uncertain, is in `data/DATA_SOURCES.md`.
"""

import csv
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DATA_DIR = Path(__file__).parent / "data"
HERBS_FILE = DATA_DIR / "herbs.csv"
FORMULAS_FILE = DATA_DIR / "formulas.json"

HERB_COLUMNS: Final = (
    "code",
    "pinyin",
    "pinyin_plain",
    "hanzi",
    "hanzi_trad",
    "latin",
    "botanical",
    "category",
    "dose_min",
    "dose_max",
    "dose_source",
    "dose_note",
    "forms",
    "granule_ratio",
    "preparation",
    "pregnancy",
    "toxicity",
    "flags",
    "substitute",
    "groups",
    "aliases",
)

# Our own short labels for the usual textbook categories (the function a herb is mostly used for).
CATEGORIES: Final[MappingProxyType[str, Promise]] = MappingProxyType(
    {
        "wind-cold": _("release the exterior, wind-cold"),
        "wind-heat": _("release the exterior, wind-heat"),
        "clear-fire": _("clear heat, drain fire"),
        "clear-damp-heat": _("clear heat, dry damp"),
        "clear-toxin": _("clear heat, resolve toxicity"),
        "clear-blood-heat": _("clear heat, cool the blood"),
        "clear-deficiency-heat": _("clear heat from deficiency"),
        "purge": _("purge downward"),
        "harsh-expel": _("drive out water, harsh"),
        "wind-damp": _("dispel wind-damp"),
        "aromatic-damp": _("transform damp, aromatic"),
        "drain-damp": _("drain damp"),
        "warm-interior": _("warm the interior"),
        "regulate-qi": _("regulate qi"),
        "digest-food": _("relieve food stagnation"),
        "stop-bleeding": _("stop bleeding"),
        "move-blood": _("invigorate the blood"),
        "cold-phlegm": _("warm and transform cold phlegm"),
        "hot-phlegm": _("clear and transform hot phlegm"),
        "cough-wheeze": _("stop cough and wheezing"),
        "calm-spirit": _("calm the spirit"),
        "calm-liver-wind": _("calm the liver, extinguish wind"),
        "open-orifices": _("open the orifices"),
        "tonify-qi": _("tonify qi"),
        "tonify-blood": _("tonify blood"),
        "tonify-yin": _("tonify yin"),
        "tonify-yang": _("tonify yang"),
        "astringe": _("astringe"),
        "expel-parasites": _("expel parasites"),
        "induce-vomiting": _("induce vomiting"),
        "external": _("mainly for external use"),
    }
)

# How a herb is prepared in a decoction; "none" is the usual: decocted with the rest.
PREPARATIONS: Final[MappingProxyType[str, Promise]] = MappingProxyType(
    {
        "none": _("decocted with the other herbs"),
        "decoct-first": _("decocted first, before the other herbs are added"),
        "add-at-end": _("added near the end of decoction"),
        "wrap": _("decocted wrapped in a cloth bag"),
        "dissolve": _("dissolved in the strained decoction"),
        "decoct-separately": _("decocted on its own and the liquid added"),
        "powder": _("taken as a powder or in pills, not decocted"),
    }
)
FORMS: Final = ("raw", "granule")
PREGNANCY: Final = (
    "none",
    "caution",
    "contraindicated",
)  # ChP: 慎用 caution, 禁用/忌服 contraindicated
TOXICITY: Final = ("none", "slight", "moderate", "high")  # ChP: 小毒, 有毒, 大毒

# Flags that keep a herb out of any internal prescription, whatever the reason given.
BLOCKING_FLAGS: Final = frozenset(
    {"aristolochic_acid", "endangered", "raw_toxic", "external_only", "heavy_metal"}
)
FLAGS: Final = BLOCKING_FLAGS | {
    "aristolochia_lookalike",
    "asarum_root_only",
    "ephedra_us",
    "he_shou_wu_liver",
}

MAX_QUERY = 64


class DataError(ValueError):
    """The data files disagree with themselves; the message names the row."""


@dataclass(frozen=True, slots=True)
class Herb:
    code: str
    pinyin: str
    pinyin_plain: str
    hanzi: str
    hanzi_trad: str
    latin: str
    botanical: str
    category: str
    dose_min: float | None
    dose_max: float | None
    dose_source: str
    dose_note: str
    forms: tuple[str, ...]
    granule_ratio: float | None
    preparation: str
    pregnancy: str
    toxicity: str
    flags: frozenset[str]
    substitute: str
    groups: tuple[str, ...]
    aliases: tuple[str, ...]

    @property
    def blocked(self) -> bool:
        return bool(self.flags & BLOCKING_FLAGS)

    @property
    def toxic(self) -> bool:
        return self.toxicity != "none"

    @property
    def category_label(self) -> Promise:
        return CATEGORIES[self.category]

    def __str__(self) -> str:
        return f"{self.pinyin} {self.hanzi}"


@dataclass(frozen=True, slots=True)
class Ingredient:
    herb: str  # a Herb code
    grams: float  # per day, in a decoction


@dataclass(frozen=True, slots=True)
class Formula:
    code: str
    pinyin: str
    hanzi: str
    english: str
    source: str
    category: str
    indication: str
    ingredients: tuple[Ingredient, ...]
    note: str

    def lines(self, scale: float = 1.0) -> tuple[tuple[str, float, str], ...]:
        """The formula as prescription lines (herb, grams a day, "raw") for the safety check."""
        return tuple((i.herb, i.grams * scale, "raw") for i in self.ingredients)

    def __str__(self) -> str:
        return f"{self.pinyin} {self.hanzi}"


def fold(text: str) -> str:
    """Lower case ASCII letters and digits only: "Dú Huó" -> "duhuo", "Nǚ Zhēn Zǐ" -> "nuzhenzi"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum()).lower()


def strip_marks(text: str) -> str:
    """Lower case, without tone marks or accents, spaces kept: "Dú Huó" -> "du huo"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


def _number(value: str, where: str) -> float | None:
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise DataError(f"{where}: {value!r} is not a number") from None
    if not number > 0:
        raise DataError(f"{where}: {value!r} is not positive")
    return number


def _herb(row: dict[str, str]) -> Herb:
    code = row["code"]
    where = f"herbs.csv {code or '(no code)'}"
    if not code or fold(code.replace("-", " ")) != code.replace("-", ""):
        raise DataError(f"{where}: the code must be a lower-case slug")
    herb = Herb(
        code=code,
        pinyin=row["pinyin"],
        pinyin_plain=row["pinyin_plain"],
        hanzi=row["hanzi"],
        hanzi_trad=row["hanzi_trad"],
        latin=row["latin"],
        botanical=row["botanical"],
        category=row["category"],
        dose_min=_number(row["dose_min"], f"{where} dose_min"),
        dose_max=_number(row["dose_max"], f"{where} dose_max"),
        dose_source=row["dose_source"],
        dose_note=row["dose_note"],
        forms=_split(row["forms"]),
        granule_ratio=_number(row["granule_ratio"], f"{where} granule_ratio"),
        preparation=row["preparation"],
        pregnancy=row["pregnancy"],
        toxicity=row["toxicity"],
        flags=frozenset(_split(row["flags"])),
        substitute=row["substitute"],
        groups=_split(row["groups"]),
        aliases=_split(row["aliases"]),
    )
    vocabularies = (
        ("category", herb.category, CATEGORIES),
        ("preparation", herb.preparation, PREPARATIONS),
        ("pregnancy", herb.pregnancy, PREGNANCY),
        ("toxicity", herb.toxicity, TOXICITY),
        *(("flag", flag, FLAGS) for flag in sorted(herb.flags)),
        *(("form", form, FORMS) for form in herb.forms),
    )
    problems = [f"{name} {value!r}" for name, value, known in vocabularies if value not in known]
    if problems:
        raise DataError(f"{where}: unknown {', '.join(problems)}")
    if not herb.pinyin or not herb.hanzi or not herb.latin or not herb.botanical:
        raise DataError(f"{where}: pinyin, hanzi, latin and botanical are required")
    if herb.pinyin_plain != strip_marks(herb.pinyin):
        raise DataError(f"{where}: pinyin_plain does not match pinyin")
    if (herb.dose_min is None) != (herb.dose_max is None):
        raise DataError(f"{where}: give both ends of the dose range or neither")
    if herb.dose_min is not None and herb.dose_max is not None:
        if herb.dose_min > herb.dose_max:
            raise DataError(f"{where}: dose_min is above dose_max")
        if not herb.dose_source:
            raise DataError(f"{where}: a dose range needs its source")
    elif not herb.blocked or not herb.dose_note:
        raise DataError(f"{where}: only a blocked herb may lack a dose range, and it says why")
    if ("granule" in herb.forms) != (herb.granule_ratio is not None):
        raise DataError(f"{where}: a granule form needs a ratio, and only then")
    if herb.blocked and herb.forms:
        raise DataError(f"{where}: a blocked herb is not offered in any form")
    return herb


@dataclass(frozen=True, slots=True)
class _Materia:
    herbs: tuple[Herb, ...]
    by_code: MappingProxyType[str, Herb]
    groups: MappingProxyType[str, frozenset[str]]
    formulas: tuple[Formula, ...]
    formulas_by_code: MappingProxyType[str, Formula]
    dose_convention: str


def _read_herbs() -> tuple[Herb, ...]:
    with HERBS_FILE.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != HERB_COLUMNS:
            raise DataError(f"herbs.csv: the columns must be {', '.join(HERB_COLUMNS)}")
        return tuple(_herb(row) for row in reader)


def _read_formulas(by_code: MappingProxyType[str, Herb]) -> tuple[str, tuple[Formula, ...]]:
    raw = json.loads(FORMULAS_FILE.read_text(encoding="utf-8"))
    formulas = []
    for item in raw["formulas"]:
        where = f"formulas.json {item.get('code', '(no code)')}"
        ingredients = tuple(Ingredient(i["herb"], float(i["grams"])) for i in item["ingredients"])
        for ingredient in ingredients:
            herb = by_code.get(ingredient.herb)
            if herb is None:
                raise DataError(f"{where}: unknown herb {ingredient.herb!r}")
            if herb.blocked or not ingredient.grams > 0:
                raise DataError(f"{where}: {ingredient.herb} is blocked or has no dose")
        if len({i.herb for i in ingredients}) != len(ingredients):
            raise DataError(f"{where}: a herb is listed twice")
        if item["category"] not in CATEGORIES:
            raise DataError(f"{where}: unknown category {item['category']!r}")
        formulas.append(
            Formula(
                code=item["code"],
                pinyin=item["pinyin"],
                hanzi=item["hanzi"],
                english=item["english"],
                source=item["source"],
                category=item["category"],
                indication=item["indication"],
                ingredients=ingredients,
                note=item["note"],
            )
        )
    return raw["dose_convention"], tuple(formulas)


@cache
def _materia() -> _Materia:
    herbs = _read_herbs()
    by_code = MappingProxyType({h.code: h for h in herbs})
    if len(by_code) != len(herbs):
        raise DataError("herbs.csv: a code is used twice")
    for herb in herbs:
        if herb.substitute:
            substitute = by_code.get(herb.substitute)
            if substitute is None or substitute.blocked:
                raise DataError(f"herbs.csv {herb.code}: substitute {herb.substitute!r} unusable")
    groups: dict[str, set[str]] = {}
    for herb in herbs:
        for group in herb.groups:
            groups.setdefault(group, set()).add(herb.code)
    # A group may share its name with a herb (group "gan-cao" holds Gan Cao and Zhi Gan Cao), but
    # then it must hold that herb.
    clash = sorted(g for g, members in groups.items() if g in by_code and g not in members)
    if clash:
        raise DataError(f"herbs.csv: groups named after a herb they do not hold: {clash}")
    convention, formulas = _read_formulas(by_code)
    formulas_by_code = MappingProxyType({f.code: f for f in formulas})
    if len(formulas_by_code) != len(formulas):
        raise DataError("formulas.json: a code is used twice")
    return _Materia(
        herbs=herbs,
        by_code=by_code,
        groups=MappingProxyType({g: frozenset(m) for g, m in sorted(groups.items())}),
        formulas=formulas,
        formulas_by_code=formulas_by_code,
        dose_convention=convention,
    )


def all_herbs() -> tuple[Herb, ...]:
    return _materia().herbs


def get(code: str) -> Herb | None:
    """The herb with this code ("du-huo"); None if there is none."""
    if not isinstance(code, str):
        return None
    return _materia().by_code.get(code.strip().lower())


def group(name: str) -> frozenset[str]:
    """The herb codes in a named group ("wu-tou", "shen", "gua-lou"); empty if unknown."""
    return _materia().groups.get(name, frozenset())


def groups() -> MappingProxyType[str, frozenset[str]]:
    return _materia().groups


def all_formulas() -> tuple[Formula, ...]:
    return _materia().formulas


def formula(code: str) -> Formula | None:
    if not isinstance(code, str):
        return None
    return _materia().formulas_by_code.get(code.strip().lower())


def dose_convention() -> str:
    """How the formulas' grams were arrived at (one sentence, from formulas.json)."""
    return _materia().dose_convention


# --- search -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Entry:
    herb: Herb
    code: str  # folded: "duhuo"
    pinyin: str  # folded, no spaces: "duhuo"
    names: tuple[str, ...]  # characters, simplified and traditional
    aliases: tuple[str, ...]  # folded
    latin: tuple[str, ...]  # folded pharmaceutical and botanical names


@cache
def _entries() -> tuple[_Entry, ...]:
    return tuple(
        _Entry(
            herb=h,
            code=fold(h.code),
            pinyin=fold(h.pinyin),
            names=tuple(n for n in (h.hanzi, h.hanzi_trad) if n),
            aliases=tuple(fold(a) for a in h.aliases),
            latin=(fold(h.latin), fold(h.botanical.partition(";")[0])),
        )
        for h in _materia().herbs
    )


def _tier(entry: _Entry, raw: str, folded: str) -> int | None:
    """0 exact name, 1 pinyin or code prefix, 2 alias, Latin or character prefix, 3 anywhere."""
    if raw in entry.names or (
        folded and (folded in (entry.code, entry.pinyin) or folded in entry.aliases)
    ):
        return 0
    if folded and (entry.pinyin.startswith(folded) or entry.code.startswith(folded)):
        return 1
    if any(n.startswith(raw) for n in entry.names):
        return 2
    if folded and any(k.startswith(folded) for k in (*entry.aliases, *entry.latin)):
        return 2
    if len(folded) >= 3 and any(folded in k for k in (entry.pinyin, *entry.aliases, *entry.latin)):
        return 3
    if not raw.isascii() and any(raw in n for n in entry.names):
        return 3
    return None


def search(query: str, limit: int = 10) -> list[Herb]:
    """Herbs for a keyboard picker, best first. Pinyin with or without tones and spaces ("Dú Huó",
    "du huo", "duhuo"), characters (simplified or traditional), code, alias or Latin name; an exact
    name first, then pinyin or code prefixes, then alias, Latin and character prefixes, then
    matches anywhere. Within a tier, shorter names first."""
    if not isinstance(query, str) or not isinstance(limit, int) or limit <= 0:
        return []
    raw = query.strip()
    if not raw or len(raw) > MAX_QUERY:
        return []
    folded = fold(raw)
    ranked: list[tuple[int, int, str, Herb]] = []
    for entry in _entries():
        tier = _tier(entry, raw, folded)
        if tier is not None:
            ranked.append((tier, len(entry.pinyin), entry.herb.code, entry.herb))
    ranked.sort(key=lambda r: r[:3])
    return [r[3] for r in ranked[:limit]]


def resolve(names: Iterable[str]) -> frozenset[str]:
    """Herb codes for a mix of herb codes and group names (used by the safety rules)."""
    materia = _materia()
    codes: set[str] = set()
    for name in names:
        if name in materia.groups:
            codes |= materia.groups[name]
        elif name in materia.by_code:
            codes.add(name)
        else:
            raise DataError(f"{name!r} is neither a herb code nor a group")
    return frozenset(codes)
