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


# --- front and side figures, coordinates from data/point_positions.csv ------------------------

REQUIRED = {
    "front": "LI4 LI11 ST36 SP6 LR3 KI3 GB34 CV4 CV6 CV12 PC6 HT7 LU7 SP9 SP10 ST25",
    "back": "BL40 BL57 BL60 GV20 GB20 GB21 TE5 BL23 EX-B2",
    "side": "GB30 BL40 BL57 BL60 GB34 GV20",
}


def _inside(x: float, y: float, polygon) -> bool:  # type: ignore[no-untyped-def]
    hit = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


@pytest.mark.parametrize("view", chart.VIEWS)
def test_the_common_points_are_on_each_view(view: str) -> None:
    for code in REQUIRED[view].split():
        assert chart.positions_on(view, code), (view, code)
    for code in chart.chartable_on(view):
        assert points.get(code) is not None, code


@pytest.mark.parametrize("view", chart.VIEWS)
def test_every_point_lies_on_the_figure(view: str) -> None:
    if view == chart.SIDE_VIEW:
        shapes = list(chart.SIDE_OUTLINE)
    else:
        shapes = [r.polygon for r in body_regions.regions_for(view)]
    for code in chart.chartable_on(view):
        for side, (x, y) in chart.positions_on(view, code).items():
            assert any(_inside(x, y, shape) for shape in shapes), (view, code, side, x, y)


def test_sides_on_the_front_are_mirrored_and_the_patients_left_is_the_viewers_right() -> None:
    front = chart.positions_on("front", "ST36")
    assert front["left"][0] > chart.MIDLINE_X > front["right"][0]
    assert front["left"][0] + front["right"][0] == chart.WIDTH
    cv12_y = chart.table()["front"]["CV12"][1]
    assert chart.positions_on("front", "CV12") == {"midline": (100.0, cv12_y)}
    assert set(chart.positions_on("side", "GB30")) == {"left"}
    assert chart.positions_on("back", "BL23") == chart.positions("BL23")  # the landmark rules
    assert chart.positions_on("side", "CV12") == {}


def test_the_patients_chart_marks_only_what_was_done() -> None:
    needles = [{"code": "ST36", "side": "right"}, {"code": "GB30", "side": "left"}]
    figures = {v.name: v for v in chart.patient_chart(needles, ["front.abdomen.lower"])}
    assert [(m.code, m.side) for m in figures["front"].marks] == [("ST36", "right")]
    assert [(m.code, m.side) for m in figures["side"].marks] == [
        ("GB30", "left"),
    ]
    assert [(m.code, m.side) for m in figures["back"].marks] == [("GB30", "left")]
    assert not any(a.pain for v in figures.values() for a in v.areas)
    full = {v.name: v for v in chart.views(needles, pain=[], treated=[])}
    assert len(full["front"].marks) > 20


def test_the_coordinates_file_is_checked() -> None:
    rows = [line for line in chart.POSITIONS_CSV.read_text().splitlines() if line[:1] not in "#"]
    assert rows[0] == "code,view,x,y"
    seen = set()
    for row in rows[1:]:
        code, view, _x, _y = row.split(",")
        assert (code, view) not in seen, row
        seen.add((code, view))


@pytest.mark.django_db
def test_the_visit_page_draws_three_figures_with_clickable_points(visit, practitioner) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    html = practitioner.get(reverse("charting:visit", args=[visit.pk])).content.decode()
    for view in chart.VIEWS:
        assert f'data-chart-view="{view}"' in html
    assert 'data-chart-point="LI4" data-midline="0" data-side="left"' in html
    assert 'data-chart-point="GB30"' in html and 'data-chart-point="CV12" data-midline="1"' in html
