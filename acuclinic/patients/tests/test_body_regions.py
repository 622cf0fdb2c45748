"""The pain-map catalogue: codes, sides, and polygons that can be drawn and tapped.

Overlap is checked by sampling a point in every unit square of each region's bounding box:
every vertex is a whole number, so a point offset by an odd fraction of a unit never lies
exactly on an edge, and a point inside two regions means those regions overlap. Edges are
also checked exactly for crossings.
"""

from itertools import combinations

import pytest
from django.utils import translation

from acuclinic.patients import body_regions
from acuclinic.patients.body_regions import BACK, FIGURES, FRONT, REGIONS, VIEWBOX, Region

WIDTH, HEIGHT = VIEWBOX[2], VIEWBOX[3]


def inside(point: tuple[float, float], polygon: tuple[tuple[int, int], ...]) -> bool:
    """Even-odd ray casting: count edge crossings of a ray going right from the point."""
    x, y = point
    result = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            result = not result
    return result


def area(polygon: tuple[tuple[int, int], ...]) -> float:
    pairs = zip(polygon, polygon[1:] + polygon[:1], strict=True)
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairs)) / 2


def cross(o: tuple[int, int], a: tuple[int, int], b: tuple[int, int]) -> int:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def edges_cross(p1, p2, q1, q2) -> bool:  # type: ignore[no-untyped-def]
    """Strictly crossing segments (touching at an end or lying along each other is allowed)."""
    d1, d2 = cross(q1, q2, p1), cross(q1, q2, p2)
    d3, d4 = cross(p1, p2, q1), cross(p1, p2, q2)
    return d1 * d2 < 0 and d3 * d4 < 0


def edges(polygon: tuple[tuple[int, int], ...]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    return list(zip(polygon, polygon[1:] + polygon[:1], strict=True))


def hits(region: Region) -> set[tuple[float, float]]:
    xs = [x for x, _ in region.polygon]
    ys = [y for _, y in region.polygon]
    box = [(x + 0.37, y + 0.61) for x in range(min(xs), max(xs)) for y in range(min(ys), max(ys))]
    return {p for p in box if inside(p, region.polygon)}


@pytest.fixture(scope="module")
def samples_by_region() -> dict[str, set[tuple[float, float]]]:
    return {r.code: hits(r) for r in REGIONS}


def test_codes_are_unique_and_name_their_figure() -> None:
    codes = [r.code for r in REGIONS]
    assert len(codes) == len(set(codes))
    for region in REGIONS:
        assert region.figure in FIGURES
        assert region.code.startswith(region.figure + ".")
        assert body_regions.get(region.code) is region


def test_the_body_parts_the_intake_asks_about_are_there() -> None:
    parts = {
        ".".join(r.code.split(".")[1:]).removesuffix(".left").removesuffix(".right")
        for r in REGIONS
    }
    for part in [
        "head",
        "neck",
        "shoulder",
        "upper",
        "mid",
        "lower",
        "sacrum",
        "buttock",
        "hip",
        "thigh",
        "knee",
        "leg.lower",
        "foot",
        "arm.upper",
        "arm.lower",
        "hand",
        "chest",
        "abdomen.upper",
        "abdomen.lower",
    ]:
        assert part in parts, part


def test_the_lower_back_is_fine_grained() -> None:
    for code in [
        "back.upper.left",
        "back.upper.right",
        "back.mid.left",
        "back.mid.right",
        "back.lower.left",
        "back.lower.right",
        "back.sacrum",
    ]:
        assert body_regions.is_region(code), code
    assert {"back.lower.left", "back.lower.right", "back.sacrum"} == body_regions.LOW_BACK


def test_sides_are_the_patients() -> None:
    """Front: the patient's right is on the viewer's left; back: the patient's left is."""

    def centre_x(code: str) -> float:
        polygon = body_regions.BY_CODE[code].polygon
        return sum(x for x, _ in polygon) / len(polygon)

    assert centre_x("front.shoulder.right") < WIDTH / 2 < centre_x("front.shoulder.left")
    assert centre_x("back.lower.left") < WIDTH / 2 < centre_x("back.lower.right")
    assert centre_x("back.buttock.left") < WIDTH / 2 < centre_x("back.buttock.right")
    for region in REGIONS:
        assert region.side == (
            "left"
            if region.code.endswith(".left")
            else "right"
            if region.code.endswith(".right")
            else None
        )
        if region.side is None:  # midline regions straddle the middle
            xs = [x for x, _ in region.polygon]
            assert min(xs) < WIDTH / 2 < max(xs), region.code


def test_left_and_right_are_mirror_images() -> None:
    for region in REGIONS:
        if region.side == "left":
            twin = body_regions.BY_CODE[region.code.removesuffix("left") + "right"]
            assert sorted((WIDTH - x, y) for x, y in region.polygon) == sorted(twin.polygon)


def test_polygons_fit_the_viewbox_and_are_big_enough_to_tap() -> None:
    for region in REGIONS:
        assert len(region.polygon) >= 3
        assert all(0 <= x <= WIDTH and 0 <= y <= HEIGHT for x, y in region.polygon)
        assert area(region.polygon) >= 250, region.code  # about 16 x 16 units at the least


def test_polygons_are_simple() -> None:
    for region in REGIONS:
        sides = edges(region.polygon)
        for (i, a), (j, b) in combinations(enumerate(sides), 2):
            if abs(i - j) in (1, len(sides) - 1):
                continue  # neighbours share a vertex
            assert not edges_cross(*a, *b), region.code


@pytest.mark.parametrize("figure", FIGURES)
def test_regions_of_a_figure_never_overlap(
    figure: str, samples_by_region: dict[str, set[tuple[float, float]]]
) -> None:
    regions = body_regions.regions_for(figure)
    for a, b in combinations(regions, 2):
        shared = samples_by_region[a.code] & samples_by_region[b.code]
        assert not shared, (a.code, b.code, sorted(shared)[:3])
        for e in edges(a.polygon):
            for f in edges(b.polygon):
                assert not edges_cross(*e, *f), (a.code, b.code, e, f)


def test_every_region_holds_sample_points(
    samples_by_region: dict[str, set[tuple[float, float]]],
) -> None:
    """The sampling really looks inside each region (else the overlap test would prove nothing)."""
    for region in REGIONS:
        assert len(samples_by_region[region.code]) >= 200, region.code


def test_the_back_figure_covers_the_spine_from_neck_to_sacrum() -> None:
    """A tap anywhere on the midline of the back, from the neck to the sacrum, lands somewhere."""
    back = body_regions.regions_for(BACK)
    for y in range(56, 244):
        point = (WIDTH / 2 - 0.5, y + 0.5)
        assert any(inside(point, r.polygon) for r in back), y


def test_regions_for_an_unknown_figure_is_empty() -> None:
    assert body_regions.regions_for("side") == ()
    assert len(body_regions.regions_for(FRONT)) + len(body_regions.regions_for(BACK)) == len(
        REGIONS
    )


def test_lookups_take_anything() -> None:
    assert body_regions.get("back.nowhere") is None
    for junk in [None, 3, ["back.sacrum"], "", "BACK.SACRUM"]:
        assert not body_regions.is_region(junk)


def test_svg_points() -> None:
    assert body_regions.BY_CODE["front.neck"].svg_points == "90,54 110,54 112,74 88,74"


def test_labels_are_translatable_and_distinct() -> None:
    for figure in FIGURES:
        labels = [str(r.label) for r in body_regions.regions_for(figure)]
        assert len(labels) == len(set(labels)), figure
    with translation.override("es"):
        assert all(str(r.label).strip() for r in REGIONS)
