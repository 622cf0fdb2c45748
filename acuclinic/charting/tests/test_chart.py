"""The body chart's layout (chart.py): back points by landmark rules, sides, regions."""

import pytest

from acuclinic.charting import chart, points
from acuclinic.patients import body_regions


def test_every_charted_point_is_in_the_catalogue() -> None:
    for code in chart.chartable():
        assert points.get(code) is not None, code


def test_levels_go_down_the_back() -> None:
    ys = list(chart.LEVEL_Y.values())
    assert ys == sorted(ys) and len(set(ys)) == len(ys)
    # Within the back figure's torso: below the neck, above the end of the sacrum.
    assert ys[0] >= 74 and ys[-1] <= 246


@pytest.mark.parametrize(
    ("code", "level"),
    [("BL23", "GV4"), ("BL52", "GV4"), ("BL22", "GV5"), ("BL25", "GV3"), ("BL13", "GV12")],
)
def test_bladder_points_beside_their_governing_vessel_point(code: str, level: str) -> None:
    # BL23 and BL52 sit level with GV4 (below L2), BL13 with GV12 (below T3), ...
    assert chart.BACK[code][0] == chart.BACK[level][0]


def test_distances_from_the_midline() -> None:
    left, right = chart.positions("BL23")["left"], chart.positions("BL23")["right"]
    assert left[0] == chart.MIDLINE_X - 1.5 * chart.CUN  # the patient's left: viewer's left
    assert right[0] == chart.MIDLINE_X + 1.5 * chart.CUN
    assert chart.positions("BL52")["left"][0] == chart.MIDLINE_X - 3 * chart.CUN
    assert chart.positions("EX-B2")["left"][0] == chart.MIDLINE_X - 0.5 * chart.CUN
    assert chart.positions("GV4") == {"midline": (chart.MIDLINE_X, chart.BACK["GV4"][0])}
    assert chart.positions("LI4") == {}


def test_points_fall_in_their_region() -> None:
    # Each mark lies inside the region polygon it names (a ray-casting test).
    def inside(x: float, y: float, polygon: tuple[tuple[int, int], ...]) -> bool:
        hit = False
        for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                hit = not hit
        return hit

    cases = {
        "BL23": "back.lower",
        "BL25": "back.lower",
        "BL13": "back.upper",
        "BL18": "back.mid",
        "BL40": "back.knee",
    }
    for code, part in cases.items():
        for side, (x, y) in chart.positions(code).items():
            region = body_regions.get(f"{part}.{side}")
            assert inside(x, y, region.polygon), (code, side, x, y)


def test_marks_show_the_needled_sides() -> None:
    marks = chart.marks(
        [
            {"code": "BL23", "side": "bilateral"},
            {"code": "BL40", "side": "left"},
            {"code": "GV3", "side": "midline"},
        ]
    )
    needled = {(m.code, m.x < chart.MIDLINE_X, m.midline) for m in marks if m.needled}
    assert needled == {
        ("BL23", True, False),
        ("BL23", False, False),
        ("BL40", True, False),
        ("GV3", False, True),
    }
    assert len(marks) == sum(len(chart.positions(c)) for c in chart.chartable())


def test_figure_regions() -> None:
    back = chart.figure(
        body_regions.BACK, pain=["back.lower.left"], treated=["back.lower.left", "back.sacrum"]
    )
    by_code = {a.code: a for a in back}
    assert by_code["back.lower.left"].pain and by_code["back.lower.left"].treated
    assert by_code["back.sacrum"].treated and not by_code["back.sacrum"].pain
    assert not by_code["back.lower.right"].pain
