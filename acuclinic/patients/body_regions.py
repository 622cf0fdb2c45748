"""The regions of the intake's pain map: a FRONT and a BACK figure, each on a 200 x 440 viewBox.

Codes name the figure first (`back.lower.left`); left and right are always the PATIENT's. On the
front figure the patient faces the viewer, so their right side is drawn on the viewer's left; on
the back figure their left side is on the viewer's left. The polygons are simple shapes a view
can draw as tappable SVG regions; they never overlap (neighbours share edges, and the gaps
between limbs are not tappable). The lower back is split left, right and sacrum because that is
the grain a practitioner needs for back pain.

Pure data: no ORM, no request.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

FRONT = "front"
BACK = "back"
FIGURES = (FRONT, BACK)
VIEWBOX = (0, 0, 200, 440)  # min-x, min-y, width, height (SVG viewBox order)

Point = tuple[int, int]
Side = Literal["left", "right"]


@dataclass(frozen=True)
class Region:
    code: str
    figure: str  # FRONT or BACK
    label: str | Promise  # lazily translated
    side: Side | None  # the patient's side; None for regions on the midline
    polygon: tuple[Point, ...]

    @property
    def svg_points(self) -> str:
        """The polygon as an SVG `points` attribute: "x,y x,y ..."."""
        return " ".join(f"{x},{y}" for x, y in self.polygon)


# Shapes are drawn once for the viewer's left half and mirrored (x -> 200 - x) for the other.
# Midline shapes (head, neck, abdomen, sacrum) are whole.
HEAD = ((84, 12), (92, 4), (108, 4), (116, 12), (118, 34), (112, 54), (88, 54), (82, 34))
NECK = ((90, 54), (110, 54), (112, 74), (88, 74))
SHOULDER = ((88, 74), (64, 90), (62, 106), (40, 106), (44, 88), (62, 78))
UPPER_ARM = ((40, 106), (62, 106), (58, 166), (36, 166))
FOREARM = ((36, 166), (58, 166), (52, 222), (32, 222))
HAND = ((32, 222), (52, 222), (54, 244), (44, 262), (30, 254), (28, 236))
KNEE = ((66, 322), (94, 322), (93, 350), (68, 350))
LOWER_LEG = ((68, 350), (93, 350), (90, 408), (74, 408))
FOOT = ((74, 408), (90, 408), (92, 430), (64, 432), (66, 420))

# Front torso: chest halves, then the abdomen above and below the navel, hips and groin beside it.
CHEST = ((88, 74), (100, 74), (100, 148), (64, 148), (64, 90))
ABDOMEN_UPPER = ((64, 148), (136, 148), (136, 190), (64, 190))
ABDOMEN_LOWER = ((76, 190), (124, 190), (124, 228), (100, 236), (76, 228))
HIP_FRONT = ((64, 190), (76, 190), (76, 228), (100, 236), (98, 244), (62, 244), (60, 214))
THIGH_FRONT = ((62, 244), (98, 244), (94, 322), (66, 322))

# Back torso: upper (shoulder blades), mid and lower back in halves; the sacrum on the midline
# below them with the buttocks either side and the side of the hip outside those.
UPPER_BACK = ((88, 74), (100, 74), (100, 122), (64, 122), (64, 90))
MID_BACK = ((64, 122), (100, 122), (100, 166), (64, 166))
LOWER_BACK = ((64, 166), (100, 166), (100, 208), (64, 208))
SACRUM = ((84, 208), (116, 208), (112, 230), (100, 246), (88, 230))
BUTTOCK = ((72, 208), (84, 208), (88, 230), (100, 246), (100, 256), (72, 256))
HIP_BACK = ((58, 208), (72, 208), (72, 256), (64, 256), (56, 232))
THIGH_BACK = ((64, 256), (98, 256), (94, 322), (66, 322))


def _mirror(polygon: tuple[Point, ...]) -> tuple[Point, ...]:
    return tuple((VIEWBOX[2] - x, y) for x, y in polygon)


def _pair(
    figure: str, part: str, shape: tuple[Point, ...], left: Promise, right: Promise
) -> list[Region]:
    """The left and right regions of one body part, each on the correct half of the figure."""
    viewers_left, viewers_right = shape, _mirror(shape)
    # Facing the viewer (front), the patient's right side is on the viewer's left.
    if figure == FRONT:
        right_shape, left_shape = viewers_left, viewers_right
    else:
        right_shape, left_shape = viewers_right, viewers_left
    return [
        Region(f"{figure}.{part}.left", figure, left, "left", left_shape),
        Region(f"{figure}.{part}.right", figure, right, "right", right_shape),
    ]


def _front() -> list[Region]:
    f = FRONT
    return [
        Region("front.head", f, _("Head and face"), None, HEAD),
        Region("front.neck", f, _("Front of the neck"), None, NECK),
        *_pair(f, "shoulder", SHOULDER, _("Left shoulder (front)"), _("Right shoulder (front)")),
        *_pair(f, "chest", CHEST, _("Left side of the chest"), _("Right side of the chest")),
        *_pair(
            f, "arm.upper", UPPER_ARM, _("Left upper arm (front)"), _("Right upper arm (front)")
        ),
        *_pair(f, "arm.lower", FOREARM, _("Left forearm (front)"), _("Right forearm (front)")),
        *_pair(f, "hand", HAND, _("Left palm and fingers"), _("Right palm and fingers")),
        Region("front.abdomen.upper", f, _("Upper abdomen"), None, ABDOMEN_UPPER),
        Region("front.abdomen.lower", f, _("Lower abdomen"), None, ABDOMEN_LOWER),
        *_pair(f, "hip", HIP_FRONT, _("Left hip and groin"), _("Right hip and groin")),
        *_pair(
            f, "thigh", THIGH_FRONT, _("Front of the left thigh"), _("Front of the right thigh")
        ),
        *_pair(f, "knee", KNEE, _("Left kneecap"), _("Right kneecap")),
        *_pair(f, "leg.lower", LOWER_LEG, _("Left shin"), _("Right shin")),
        *_pair(f, "foot", FOOT, _("Top of the left foot"), _("Top of the right foot")),
    ]


def _back() -> list[Region]:
    b = BACK
    return [
        Region("back.head", b, _("Back of the head"), None, HEAD),
        Region("back.neck", b, _("Back of the neck"), None, NECK),
        *_pair(b, "shoulder", SHOULDER, _("Left shoulder (back)"), _("Right shoulder (back)")),
        *_pair(b, "upper", UPPER_BACK, _("Left upper back"), _("Right upper back")),
        *_pair(b, "mid", MID_BACK, _("Left middle back"), _("Right middle back")),
        *_pair(b, "lower", LOWER_BACK, _("Left lower back"), _("Right lower back")),
        Region("back.sacrum", b, _("Base of the spine (sacrum)"), None, SACRUM),
        *_pair(b, "buttock", BUTTOCK, _("Left buttock"), _("Right buttock")),
        *_pair(b, "hip", HIP_BACK, _("Outside of the left hip"), _("Outside of the right hip")),
        *_pair(b, "arm.upper", UPPER_ARM, _("Left upper arm (back)"), _("Right upper arm (back)")),
        *_pair(b, "arm.lower", FOREARM, _("Left forearm (back)"), _("Right forearm (back)")),
        *_pair(b, "hand", HAND, _("Back of the left hand"), _("Back of the right hand")),
        *_pair(b, "thigh", THIGH_BACK, _("Back of the left thigh"), _("Back of the right thigh")),
        *_pair(b, "knee", KNEE, _("Back of the left knee"), _("Back of the right knee")),
        *_pair(b, "leg.lower", LOWER_LEG, _("Left calf"), _("Right calf")),
        *_pair(b, "foot", FOOT, _("Left heel and sole"), _("Right heel and sole")),
    ]


REGIONS: tuple[Region, ...] = (*_front(), *_back())
BY_CODE: Mapping[str, Region] = MappingProxyType({r.code: r for r in REGIONS})
# Where a back-pain intake looks first (and what "low back" means to the rest of the code).
LOW_BACK: frozenset[str] = frozenset({"back.lower.left", "back.lower.right", "back.sacrum"})
# A stable order for storing choices: catalogue order, front figure first.
ORDER: Mapping[str, int] = MappingProxyType({r.code: i for i, r in enumerate(REGIONS)})


def regions_for(figure: str) -> tuple[Region, ...]:
    """The regions of one figure, in drawing order; empty for an unknown figure."""
    return tuple(r for r in REGIONS if r.figure == figure)


def get(code: str) -> Region | None:
    return BY_CODE.get(code)


def is_region(code: object) -> bool:
    return isinstance(code, str) and code in BY_CODE
