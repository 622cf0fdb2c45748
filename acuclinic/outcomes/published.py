"""What the large trials, reviews and guidelines found, shown beside the clinic's own figures.

Context, not targets: these are group results under trial conditions (selected patients, fixed
protocols, blinded assessment), not something a clinic's own numbers should be held to or
"beat". Figures as given in ../shared/DOMAIN.md. `verified` is False where DOMAIN.md asks for a
check (nothing here, so far). The full references and DOIs were added beyond DOMAIN.md; those of
the Cochrane review and the WHO guideline were checked against their records, the others should
be checked once against theirs before they are printed.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Kind(StrEnum):
    TRIAL = "trial"
    META_ANALYSIS = "meta-analysis"
    REVIEW = "systematic review"
    GUIDELINE = "guideline"


class Unit(StrEnum):
    PERCENT = "%"  # of patients in the group
    RMDQ_POINTS = "RMDQ points"  # mean change; negative is better
    SD = "SD"  # standardised mean difference in pain, against the comparison named


@dataclass(frozen=True)
class Figure:
    label: Promise
    value: float
    unit: Unit


@dataclass(frozen=True)
class Publication:
    key: str
    short: str  # how a reader refers to it: "Haake et al. 2007 (GERAC)"
    kind: Kind
    year: int
    citation: str  # the full reference; not translated
    url: str
    # What was measured, neutrally. Never "%" followed by a space and a letter: gettext would
    # read "15% decay" as a "% d" placeholder.
    description: Promise
    figures: tuple[Figure, ...] = ()
    verified: bool = True


GERAC_2007 = Publication(
    key="gerac-2007",
    short="Haake et al. 2007 (GERAC)",
    kind=Kind.TRIAL,
    year=2007,
    citation=(
        "Haake M, Müller HH, Schade-Brittinger C, et al. German Acupuncture Trials (GERAC) for "
        "chronic low back pain: randomized, multicenter, blinded, parallel-group trial with 3 "
        "groups. Arch Intern Med. 2007;167(17):1892-1898."
    ),
    url="https://doi.org/10.1001/archinte.167.17.1892",
    description=_(
        "1,162 patients with chronic low back pain, 10 sessions. Responders at 6 months: at least "
        "33% better on 3 pain items or at least 12% better on a back-function scale."
    ),
    figures=(
        Figure(_("Acupuncture"), 47.6, Unit.PERCENT),
        Figure(_("Sham acupuncture"), 44.2, Unit.PERCENT),
        Figure(_("Conventional therapy"), 27.4, Unit.PERCENT),
    ),
)

CHERKIN_2009 = Publication(
    key="cherkin-2009",
    short="Cherkin et al. 2009",
    kind=Kind.TRIAL,
    year=2009,
    citation=(
        "Cherkin DC, Sherman KJ, Avins AL, et al. A randomized trial comparing acupuncture, "
        "simulated acupuncture, and usual care for chronic low back pain. Arch Intern Med. "
        "2009;169(9):858-866."
    ),
    url="https://doi.org/10.1001/archinternmed.2009.65",
    description=_(
        "638 adults with chronic low back pain. Mean change in the Roland-Morris score at 8 "
        "weeks, and the share with a clinically meaningful improvement in it: any real or "
        "simulated acupuncture against usual care."
    ),
    figures=(
        Figure(_("Individualized acupuncture: RMDQ change"), -4.4, Unit.RMDQ_POINTS),
        Figure(_("Standardized acupuncture: RMDQ change"), -4.5, Unit.RMDQ_POINTS),
        Figure(_("Simulated acupuncture: RMDQ change"), -4.4, Unit.RMDQ_POINTS),
        Figure(_("Usual care: RMDQ change"), -2.1, Unit.RMDQ_POINTS),
        Figure(_("Real or simulated acupuncture: meaningful improvement"), 60, Unit.PERCENT),
        Figure(_("Usual care: meaningful improvement"), 39, Unit.PERCENT),
    ),
)

VICKERS_2012 = Publication(
    key="vickers-2012",
    short="Vickers et al. 2012",
    kind=Kind.META_ANALYSIS,
    year=2012,
    citation=(
        "Vickers AJ, Cronin AM, Maschino AC, et al. Acupuncture for chronic pain: individual "
        "patient data meta-analysis. Arch Intern Med. 2012;172(19):1444-1453."
    ),
    url="https://doi.org/10.1001/archinternmed.2012.3654",
    description=_(
        "Individual patient data from 29 trials, 17,922 patients with chronic pain. For back and "
        "neck pain, the difference in pain in standard deviations."
    ),
    figures=(
        Figure(_("Back and neck pain: against sham acupuncture"), 0.23, Unit.SD),
        Figure(_("Back and neck pain: against no acupuncture"), 0.55, Unit.SD),
    ),
)

VICKERS_2018 = Publication(
    key="vickers-2018",
    short="Vickers et al. 2018",
    kind=Kind.META_ANALYSIS,
    year=2018,
    citation=(
        "Vickers AJ, Vertosick EA, Lewith G, et al. Acupuncture for chronic pain: update of an "
        "individual patient data meta-analysis. J Pain. 2018;19(5):455-474."
    ),
    url="https://doi.org/10.1016/j.jpain.2017.11.005",
    description=_(
        "Update with 39 trials, 20,827 patients: the effects persist; at 12 months they are "
        "smaller by about 15%."
    ),
)

MU_2020 = Publication(
    key="mu-2020-cochrane",
    short="Mu et al. 2020 (Cochrane)",
    kind=Kind.REVIEW,
    year=2020,
    citation=(
        "Mu J, Furlan AD, Lam WY, Hsu MY, Ning Z, Lao L. Acupuncture for chronic nonspecific low "
        "back pain. Cochrane Database Syst Rev. 2020;(12):CD013814."
    ),
    url="https://doi.org/10.1002/14651858.CD013814",
    description=_(
        "33 trials, 8,270 participants: a clinically important benefit against no treatment; a "
        "small benefit against sham or usual care."
    ),
)

ACP_2017 = Publication(
    key="acp-2017",
    short="American College of Physicians 2017",
    kind=Kind.GUIDELINE,
    year=2017,
    citation=(
        "Qaseem A, Wilt TJ, McLean RM, Forciea MA; Clinical Guidelines Committee of the American "
        "College of Physicians. Noninvasive treatments for acute, subacute, and chronic low back "
        "pain: a clinical practice guideline from the American College of Physicians. Ann Intern "
        "Med. 2017;166(7):514-530."
    ),
    url="https://doi.org/10.7326/M16-2367",
    description=_("Lists acupuncture among the first-line non-drug options."),
)

WHO_2023 = Publication(
    key="who-2023",
    short="World Health Organization 2023",
    kind=Kind.GUIDELINE,
    year=2023,
    citation=(
        "World Health Organization. WHO guideline for non-surgical management of chronic primary "
        "low back pain in adults in primary and community care settings. Geneva: WHO; 2023. "
        "ISBN 978-92-4-008178-9."
    ),
    url="https://www.who.int/publications/i/item/9789240081789",
    description=_("Needling therapies may be offered."),
)

NICE_NG59 = Publication(
    key="nice-ng59",
    short="NICE NG59 (2016)",
    kind=Kind.GUIDELINE,
    year=2016,
    citation=(
        "National Institute for Health and Care Excellence. Low back pain and sciatica in over "
        "16s: assessment and management. NICE guideline NG59. London: NICE; 2016."
    ),
    url="https://www.nice.org.uk/guidance/ng59",
    description=_("Do not offer acupuncture for managing low back pain."),
)

PUBLICATIONS: Mapping[str, Publication] = MappingProxyType(
    {
        p.key: p
        for p in (
            GERAC_2007,
            CHERKIN_2009,
            VICKERS_2012,
            VICKERS_2018,
            MU_2020,
            ACP_2017,
            WHO_2023,
            NICE_NG59,
        )
    }
)
GUIDELINES: tuple[Publication, ...] = tuple(
    p for p in PUBLICATIONS.values() if p.kind is Kind.GUIDELINE
)
