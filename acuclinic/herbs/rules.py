"""The safety rules as data: incompatible pairs, drug-herb interactions, the medication vocabulary.

Herbs are named by code or by group (the `groups` column of `data/herbs.csv`). Every rule carries
its source; `data/DATA_SOURCES.md` says how sure each one is. The checks live in `safety.py`.
"""

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Severity(StrEnum):
    """NOTE informs. WARNING is shown and acknowledged. NEEDS_REASON stops the prescription until a
    reason is recorded. BLOCK stops it, whatever the reason."""

    NOTE = "note"
    WARNING = "warning"
    NEEDS_REASON = "needs_reason"
    BLOCK = "block"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK: Final = {Severity.NOTE: 0, Severity.WARNING: 1, Severity.NEEDS_REASON: 2, Severity.BLOCK: 3}


# --- the eighteen incompatibilities and the nineteen antagonisms --------------------------

EIGHTEEN_SOURCE: Final = (
    "Eighteen incompatibilities (shi ba fan), the rhymed list first printed in Ru Men Shi Qin "
    "(Zhang Congzheng, c. 1228); restated in the precautions of ChP 2020 Vol. I"
)
NINETEEN_SOURCE: Final = (
    "Nineteen antagonisms (shi jiu wei), the rhymed list of Yi Jing Xiao Xue (Liu Chun, 1388); "
    "restated in the precautions of ChP 2020 Vol. I where the herb has a monograph"
)
# A recorded reason is asked for, not just an acknowledgement: the Chinese rules for writing herbal
# prescriptions require the prescriber to sign again beside a forbidden combination.
PAIR_SEVERITY: Final = Severity.NEEDS_REASON


@dataclass(frozen=True, slots=True)
class Pair:
    id: str
    list: str  # "eighteen" or "nineteen"
    a: str  # a group or herb code
    b: str


EIGHTEEN: Final = tuple(
    Pair(f"{a}+{b}", "eighteen", a, b)
    for a, b in (
        ("gan-cao", "gan-sui"),
        ("gan-cao", "da-ji"),
        ("gan-cao", "hai-zao"),
        ("gan-cao", "yuan-hua"),
        ("wu-tou", "bei-mu"),
        ("wu-tou", "gua-lou"),
        ("wu-tou", "ban-xia"),
        ("wu-tou", "bai-lian"),
        ("wu-tou", "bai-ji"),
        ("li-lu", "shen"),
        ("li-lu", "xi-xin"),
        ("li-lu", "shao-yao"),
    )
)
NINETEEN: Final = tuple(
    Pair(f"{a}+{b}", "nineteen", a, b)
    for a, b in (
        ("liu-huang", "xiao"),  # sulphur and Po Xiao (mirabilite)
        ("shui-yin", "pi-shuang"),
        ("lang-du", "mi-tuo-seng"),
        ("ba-dou", "qian-niu-zi"),
        ("ding-xiang", "yu-jin"),
        ("chuan-cao-wu", "xi-jiao"),
        ("xiao", "san-leng"),  # Ya Xiao, another name for mirabilite
        ("guan-gui", "chi-shi-zhi"),
        ("ren-shen", "wu-ling-zhi"),
    )
)
PAIRS: Final = EIGHTEEN + NINETEEN

# Group members that the classical verses do not name but the modern pharmacopoeia adds, with the
# monograph that says so. The finding's source mentions the extension when one of these is involved.
MODERN_EXTENSIONS: Final = MappingProxyType(
    {
        "fu-zi": "ChP 2020 Vol. I: 附子 (the Wu Tou incompatibilities extended to Fu Zi)",
        "sheng-fu-zi": "ChP 2020 Vol. I: 附子 (the Wu Tou incompatibilities extended to Fu Zi)",
        "hong-da-ji": "ChP 2020 Vol. I: 红大戟 (the Da Ji incompatibility extended to Hong Da Ji)",
        "dang-shen": "ChP 2020 Vol. I: 党参 (not to be combined with Li Lu)",
        "xi-yang-shen": "ChP 2020 Vol. I: 西洋参 (not to be combined with Li Lu)",
        "hong-shen": "ChP 2020 Vol. I: 红参 (not with Li Lu or Wu Ling Zhi)",
        "tian-hua-fen": "ChP 2020 Vol. I: 天花粉 (in the Gua Lou group)",
        "xuan-ming-fen": "ChP 2020 Vol. I: 玄明粉 (as for Mang Xiao)",
    }
)

PAIR_MESSAGES: Final = MappingProxyType(
    {
        "eighteen": _(
            "%(first)s with %(second)s is one of the eighteen incompatibilities: "
            "combine them only for a recorded reason."
        ),
        "nineteen": _(
            "%(first)s with %(second)s is one of the nineteen antagonisms: "
            "combine them only for a recorded reason."
        ),
    }
)


# --- drug-herb interactions -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Interaction:
    id: str
    herbs: tuple[str, ...]  # herb codes or groups
    drugs: tuple[str, ...]  # concepts from MEDICATIONS
    severity: Severity
    message: Promise  # placeholders: %(herbs)s, %(medications)s
    source: str
    evidence: str  # "case reports", "clinical study", "pharmacology only"


INTERACTIONS: Final = (
    Interaction(
        "dan-shen+anticoagulant",
        ("dan-shen",),
        ("anticoagulant",),
        Severity.WARNING,
        _(
            "%(herbs)s has raised the INR and caused bleeding in patients on warfarin: with "
            "%(medications)s, check clotting and watch for bleeding."
        ),
        "Chan TYK. Interaction between warfarin and danshen (Salvia miltiorrhiza). "
        "Ann Pharmacother 2001;35:501-504",
        "case reports",
    ),
    Interaction(
        "dang-gui+anticoagulant",
        ("dang-gui",),
        ("anticoagulant",),
        Severity.WARNING,
        _(
            "%(herbs)s has been reported to raise the INR in a patient on warfarin: with "
            "%(medications)s, check clotting and watch for bleeding."
        ),
        "Page RL, Lawrence JD. Potentiation of warfarin by dong quai. "
        "Pharmacotherapy 1999;19:870-876",
        "case reports",
    ),
    Interaction(
        "ginseng+warfarin",
        ("ren-shen",),
        ("vitamin-k-antagonist",),
        Severity.WARNING,
        _(
            "%(herbs)s was followed by a fall in INR in a patient on warfarin: with "
            "%(medications)s, check the INR when it is started or stopped."
        ),
        "Janetzky K, Morreale AP. Probable interaction between warfarin and ginseng. "
        "Am J Health Syst Pharm 1997;54:692-693",
        "case reports",
    ),
    Interaction(
        "american-ginseng+warfarin",
        ("xi-yang-shen",),
        ("vitamin-k-antagonist",),
        Severity.WARNING,
        _(
            "%(herbs)s lowered the effect of warfarin in a randomised trial: with "
            "%(medications)s, check the INR when it is started or stopped."
        ),
        "Yuan CS, Wei G, Dey L, et al. American ginseng reduces warfarin's effect in healthy "
        "patients: a randomized, controlled trial. Ann Intern Med 2004;141:23-27",
        "clinical study",
    ),
    Interaction(
        "ginkgo+anticoagulant",
        ("yin-xing-ye",),
        ("anticoagulant",),
        Severity.WARNING,
        _(
            "Bleeding has been reported with %(herbs)s, some of it in patients on anticoagulants: "
            "with %(medications)s, watch for bleeding."
        ),
        "Bent S, Goldberg H, Padula A, Avins AL. Spontaneous bleeding associated with Ginkgo "
        "biloba: a case report and systematic review of the literature. "
        "J Gen Intern Med 2005;20:657-661",
        "case reports",
    ),
    Interaction(
        "ginkgo+antiplatelet",
        ("yin-xing-ye",),
        ("antiplatelet",),
        Severity.WARNING,
        _(
            "Bleeding has been reported with %(herbs)s taken with aspirin: with "
            "%(medications)s, watch for bleeding."
        ),
        "Rosenblatt M, Mindel J. Spontaneous hyphema associated with ingestion of Ginkgo biloba "
        "extract. N Engl J Med 1997;336:1108",
        "case reports",
    ),
    Interaction(
        "lycium+warfarin",
        ("gou-qi-zi",),
        ("vitamin-k-antagonist",),
        Severity.WARNING,
        _(
            "%(herbs)s has been reported to raise the INR in a patient on warfarin: with "
            "%(medications)s, check the INR."
        ),
        "Lam AY, Elmer GW, Mohutsky MA. Possible interaction between warfarin and Lycium barbarum "
        "L. Ann Pharmacother 2001;35:1199-1201",
        "case reports",
    ),
    Interaction(
        "leech+antithrombotic",
        ("shui-zhi",),
        ("anticoagulant", "antiplatelet"),
        Severity.WARNING,
        _(
            "%(herbs)s contains hirudin, itself an anticoagulant: with %(medications)s the "
            "bleeding risk adds up."
        ),
        "Pharmacology of hirudin, a direct thrombin inhibitor; no clinical interaction study found",
        "pharmacology only",
    ),
    Interaction(
        "licorice+diuretic",
        ("gan-cao",),
        ("potassium-losing-diuretic",),
        Severity.WARNING,
        _(
            "%(herbs)s can lower potassium and raise blood pressure; with %(medications)s low "
            "potassium is more likely: consider checking it on long courses."
        ),
        "Omar HR, Komarova I, El-Ghonemi M, et al. Licorice abuse: time to send a warning "
        "message. Ther Adv Endocrinol Metab 2012;3:125-138",
        "case reports",
    ),
    Interaction(
        "licorice+digoxin",
        ("gan-cao",),
        ("cardiac-glycoside",),
        Severity.WARNING,
        _(
            "Potassium loss from %(herbs)s makes %(medications)s more toxic; digitalis toxicity "
            "has been reported with a licorice-containing herbal remedy."
        ),
        "Harada T, Ohtaki E, Misu K, et al. Congestive heart failure caused by digitalis "
        "toxicity in an elderly man taking a licorice-containing Chinese herbal laxative. "
        "Cardiology 2002;98:218",
        "case reports",
    ),
    Interaction(
        "licorice+antihypertensive",
        ("gan-cao",),
        ("antihypertensive",),
        Severity.NOTE,
        _(
            "Taken for weeks, %(herbs)s can raise blood pressure and retain salt, working against "
            "%(medications)s."
        ),
        "Omar HR, Komarova I, El-Ghonemi M, et al. Licorice abuse: time to send a warning "
        "message. Ther Adv Endocrinol Metab 2012;3:125-138",
        "case reports",
    ),
    Interaction(
        "licorice+corticosteroid",
        ("gan-cao",),
        ("corticosteroid",),
        Severity.NOTE,
        _(
            "Glycyrrhizin in %(herbs)s slows the clearance of prednisolone and adds to "
            "mineralocorticoid effects of %(medications)s."
        ),
        "Chen MF, et al. Effect of oral administration of glycyrrhizin on the pharmacokinetics "
        "of prednisolone. Endocrinol Jpn 1991;38:167-174",
        "clinical study",
    ),
    Interaction(
        "ephedra+maoi",
        ("ma-huang",),
        ("maoi",),
        Severity.NEEDS_REASON,
        _(
            "Ephedrine in %(herbs)s with %(medications)s can cause a hypertensive crisis; MAO "
            "inhibitor labels rule out sympathomimetics such as ephedrine."
        ),
        "US prescribing information for phenelzine (Nardil): contraindicated with "
        "sympathomimetics, ephedrine included",
        "drug labelling",
    ),
    Interaction(
        "ephedra+stimulant",
        ("ma-huang",),
        ("stimulant",),
        Severity.WARNING,
        _(
            "%(herbs)s adds to the effects of %(medications)s on heart rate and blood pressure; "
            "strokes and arrhythmias have been reported with ephedra products."
        ),
        "Haller CA, Benowitz NL. Adverse cardiovascular and central nervous system events "
        "associated with dietary supplements containing ephedra alkaloids. "
        "N Engl J Med 2000;343:1833-1838",
        "case reports",
    ),
    Interaction(
        "berberine+cyclosporine",
        ("berberine",),
        ("cyclosporine",),
        Severity.WARNING,
        _(
            "Berberine, as in %(herbs)s, raised ciclosporin blood levels in transplant patients: "
            "with %(medications)s, ask the transplant team to check levels."
        ),
        "Wu X, Li Q, Xin H, Yu A, Zhong M. Effects of berberine on the blood concentration of "
        "cyclosporin A in renal transplanted recipients: clinical and pharmacokinetic study. "
        "Eur J Clin Pharmacol 2005;61:567-572",
        "clinical study",
    ),
    Interaction(
        "berberine+antidiabetic",
        ("berberine",),
        ("antidiabetic",),
        Severity.NOTE,
        _(
            "Berberine, as in %(herbs)s, lowers blood glucose and may add to %(medications)s: "
            "watch for low blood sugar."
        ),
        "Yin J, Xing H, Ye J. Efficacy of berberine in patients with type 2 diabetes mellitus. "
        "Metabolism 2008;57:712-717",
        "clinical effect, no interaction study",
    ),
    Interaction(
        "ginseng+maoi",
        ("ren-shen",),
        ("maoi",),
        Severity.WARNING,
        _(
            "%(herbs)s with phenelzine has been followed by headache, tremor and manic symptoms: "
            "with %(medications)s, avoid or watch closely."
        ),
        "Jones BD, Runikis AM. Interaction of ginseng with phenelzine. "
        "J Clin Psychopharmacol 1987;7:201-202",
        "case reports",
    ),
    Interaction(
        "ginseng+antidiabetic",
        ("ren-shen", "xi-yang-shen"),
        ("antidiabetic",),
        Severity.NOTE,
        _(
            "%(herbs)s lowers blood glucose after meals and may add to %(medications)s: "
            "watch for low blood sugar."
        ),
        "Vuksan V, Sievenpiper JL, Koo VY, et al. American ginseng (Panax quinquefolius L) reduces "
        "postprandial glycemia in nondiabetic subjects and subjects with type 2 diabetes "
        "mellitus. Arch Intern Med 2000;160:1009-1013",
        "clinical effect, no interaction study",
    ),
    Interaction(
        "schisandra+tacrolimus",
        ("schisandra",),
        ("tacrolimus",),
        Severity.WARNING,
        _(
            "Schisandra extract raised tacrolimus levels several-fold in a volunteer study: with "
            "%(herbs)s and %(medications)s, ask the transplant team to check levels."
        ),
        "Xin HW, Wu XC, Li Q, et al. Effects of Schisandra sphenanthera extract on the "
        "pharmacokinetics of tacrolimus in healthy volunteers. Br J Clin Pharmacol "
        "2007;64:469-475 (S. sphenanthera; Wu Wei Zi in ChP is S. chinensis)",
        "clinical study",
    ),
    Interaction(
        "dan-shen+digoxin-assay",
        ("dan-shen",),
        ("cardiac-glycoside",),
        Severity.NOTE,
        _(
            "%(herbs)s can falsely raise or lower digoxin blood tests done by immunoassay: tell "
            "whoever monitors %(medications)s."
        ),
        "Dasgupta A. Review of abnormal laboratory test results and toxic effects due to use of "
        "herbal medicines. Am J Clin Pathol 2003;120:127-137",
        "laboratory studies",
    ),
)


# --- the medication vocabulary ----------------------------------------------------------
# Free text from intake is matched word by word (case and accents ignored; a plural "s" allowed)
# against these names, generic and brand. Deliberately small and conservative: a vague entry such as
# "blood thinner" or "diuretic" matches the classes it could mean. Negations ("stopped warfarin")
# are not understood: the check may over-warn, never the reverse for a listed name.

_ANTICOAGULANT = ("anticoagulant",)
_VKA = ("anticoagulant", "vitamin-k-antagonist")
_DIURETIC = ("potassium-losing-diuretic",)
_THIAZIDE = ("potassium-losing-diuretic", "antihypertensive")

_VOCABULARY: dict[tuple[str, ...], tuple[str, ...]] = {
    _VKA: (
        "warfarin",
        "coumadin",
        "jantoven",
        "marevan",
        "acenocoumarol",
        "sintrom",
        "phenprocoumon",
        "marcumar",
        "vitamin k antagonist",
    ),
    _ANTICOAGULANT: (
        "anticoagulant",
        "apixaban",
        "eliquis",
        "rivaroxaban",
        "xarelto",
        "dabigatran",
        "pradaxa",
        "edoxaban",
        "savaysa",
        "lixiana",
        "heparin",
        "enoxaparin",
        "lovenox",
        "clexane",
        "dalteparin",
        "fragmin",
        "fondaparinux",
        "arixtra",
    ),
    ("anticoagulant", "antiplatelet"): ("blood thinner",),
    ("antiplatelet",): (
        "antiplatelet",
        "aspirin",
        "clopidogrel",
        "plavix",
        "prasugrel",
        "effient",
        "ticagrelor",
        "brilinta",
        "dipyridamole",
        "persantine",
        "cilostazol",
    ),
    _DIURETIC: (
        "diuretic",
        "water pill",
        "furosemide",
        "frusemide",
        "lasix",
        "bumetanide",
        "bumex",
        "torsemide",
        "torasemide",
        "metolazone",
    ),
    _THIAZIDE: (
        "hydrochlorothiazide",
        "hctz",
        "chlorthalidone",
        "chlortalidone",
        "indapamide",
        "bendroflumethiazide",
    ),
    ("cardiac-glycoside",): ("digoxin", "lanoxin", "digitoxin", "digitalis"),
    ("antihypertensive",): (
        "antihypertensive",
        "blood pressure",
        "lisinopril",
        "enalapril",
        "ramipril",
        "perindopril",
        "captopril",
        "losartan",
        "valsartan",
        "candesartan",
        "irbesartan",
        "telmisartan",
        "olmesartan",
        "amlodipine",
        "norvasc",
        "nifedipine",
        "felodipine",
        "metoprolol",
        "atenolol",
        "bisoprolol",
        "carvedilol",
        "propranolol",
        "nebivolol",
        "hydralazine",
        "clonidine",
    ),
    ("corticosteroid",): (
        "corticosteroid",
        "steroid",
        "prednisone",
        "prednisolone",
        "methylprednisolone",
        "medrol",
        "dexamethasone",
        "hydrocortisone",
        "cortisone",
    ),
    ("maoi",): (
        "maoi",
        "mao inhibitor",
        "monoamine oxidase inhibitor",
        "phenelzine",
        "nardil",
        "tranylcypromine",
        "parnate",
        "isocarboxazid",
        "marplan",
        "selegiline",
        "emsam",
        "eldepryl",
        "zelapar",
        "rasagiline",
        "azilect",
        "safinamide",
        "xadago",
        "moclobemide",
    ),
    ("stimulant",): (
        "stimulant",
        "amphetamine",
        "dextroamphetamine",
        "adderall",
        "lisdexamfetamine",
        "vyvanse",
        "methylphenidate",
        "ritalin",
        "concerta",
        "dexmethylphenidate",
        "focalin",
        "phentermine",
        "pseudoephedrine",
        "sudafed",
        "phenylephrine",
        "ephedrine",
        "caffeine",
    ),
    ("cyclosporine", "immunosuppressant"): (
        "cyclosporine",
        "ciclosporin",
        "cyclosporin",
        "neoral",
        "sandimmune",
        "gengraf",
    ),
    ("tacrolimus", "immunosuppressant"): ("tacrolimus", "prograf", "advagraf", "envarsus"),
    ("antidiabetic",): (
        "antidiabetic",
        "diabetes",
        "metformin",
        "glucophage",
        "insulin",
        "glipizide",
        "glyburide",
        "glibenclamide",
        "gliclazide",
        "glimepiride",
        "sitagliptin",
        "januvia",
        "pioglitazone",
        "empagliflozin",
        "jardiance",
        "dapagliflozin",
        "farxiga",
        "forxiga",
        "canagliflozin",
        "repaglinide",
    ),
}

# term (lower case, single spaces) -> the concepts it stands for
MEDICATIONS: Final[MappingProxyType[str, frozenset[str]]] = MappingProxyType(
    {term: frozenset(concepts) for concepts, terms in _VOCABULARY.items() for term in terms}
)
if len(MEDICATIONS) != sum(len(terms) for terms in _VOCABULARY.values()):
    raise ValueError("a medication name is listed under two sets of classes")
