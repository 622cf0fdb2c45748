"""Modalities structured per kind (issue 5 D): cupping's cup and marks, gua sha's tool and sha
extent, massage techniques, moxa cones; each field only on its own kind, in treatment.py, in
the database's constraints and through the visit page."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from acuclinic.charting import actions, pdf, treatment
from acuclinic.charting.models import Modality

from .conftest import request_as

pytestmark = pytest.mark.django_db


def clean(**data):  # type: ignore[no-untyped-def]
    return treatment.clean_modality(data)


def test_cupping_with_its_type_method_cups_minutes_and_marks() -> None:
    row, errors = clean(
        kind="cupping",
        method="moving",
        cup_type="fire",
        area="back.lower.left",
        cups=4,
        minutes=10,
        marks="dark_red",
    )
    assert errors == {}
    assert (row["cup_type"], row["method"], row["cups"], row["marks"]) == (
        "fire",
        "moving",
        4,
        "dark_red",
    )
    assert clean(kind="cupping", method="flash", cup_type="rocket", area_text="back")[1] == {
        "cup_type": "Choose from the list."
    }


def test_gua_sha_with_tool_colour_and_extent() -> None:
    row, errors = clean(
        kind="gua_sha", area="back.upper.right", tool="horn", sha_colour="purple", extent="patchy"
    )
    assert errors == {} and (row["tool"], row["extent"]) == ("horn", "patchy")


def test_massage_techniques_in_vocabulary_order_once_each() -> None:
    row, errors = clean(kind="massage", area_text="neck", techniques=["rou", "tui", "rou"])
    assert errors == {} and row["techniques"] == ["tui", "rou"]
    assert "techniques" in clean(kind="massage", area_text="neck", techniques=["karate"])[1]
    assert "techniques" in clean(kind="massage", area_text="neck", techniques="tui")[1]


def test_moxa_stick_cone_or_on_the_needle_with_units() -> None:
    row, errors = clean(kind="moxa", method="cone", point_code="st36", units=5)
    assert errors == {} and (row["point_code"], row["units"]) == ("ST36", 5)
    assert clean(kind="moxa", method="on_needle", point_code="BL23", minutes=15)[1] == {}
    assert "units" in clean(kind="moxa", method="cone", point_code="ST36", units=51)[1]
    assert "units" in clean(kind="moxa", method="cone", point_code="ST36", units=True)[1]


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        ("gua_sha", "cup_type", "pump"),
        ("massage", "marks", "red"),
        ("cupping", "tool", "jade"),
        ("moxa", "extent", "patchy"),
        ("cupping", "techniques", ["tui"]),
        ("gua_sha", "units", 3),
        ("massage", "sha_colour", "red"),
    ],
)
def test_each_field_belongs_to_its_own_kind(kind: str, field: str, value: object) -> None:
    data = {"kind": kind, "area_text": "back", field: value}
    if kind == "cupping":
        data["method"] = "fixed"
    if kind == "moxa":
        data["method"] = "stick"
    _row, errors = treatment.clean_modality(data)
    assert list(errors) == [field], errors


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "massage", "cup_type": "fire"},
        {"kind": "cupping", "tool": "horn"},
        {"kind": "cupping", "units": 2},
        {"kind": "moxa", "marks": "red"},
    ],
)
def test_the_database_refuses_a_field_of_another_kind(visit, fields) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IntegrityError), transaction.atomic():
        Modality.objects.create(visit=visit, area_text="back", **fields)


def test_recorded_through_the_page_and_printed(personas, visit, practitioner) -> None:  # type: ignore[no-untyped-def]
    url = reverse("charting:add_modality", args=[visit.pk])
    data = {
        "kind": "cupping",
        "method": "fixed",
        "cup_type": "silicone",
        "area": "back.lower.left",
        "cups": "6",
        "minutes": "8",
        "marks": "red",
    }
    assert practitioner.post(url, data).status_code == 302
    massage = {"kind": "massage", "area_text": "neck", "techniques": ["na", "gun"]}
    assert practitioner.post(url, massage).status_code == 302
    wrong = practitioner.post(url, {"kind": "massage", "area_text": "neck", "cup_type": "fire"})
    assert wrong.status_code == 400
    assert "The type of cup is for cupping only." in wrong.content.decode()
    cupping, rubbed = visit.modalities.order_by("order")
    assert (cupping.cup_type, cupping.cups, cupping.marks) == ("silicone", 6, "red")
    assert rubbed.techniques == ["na", "gun"]
    page = practitioner.get(reverse("charting:visit", args=[visit.pk])).content.decode()
    assert "Silicone" in page and "marks: Red" in page and "Grasping (na), Rolling (gun)" in page
    assert "Silicone" in pdf.modality_text(cupping, {})
    assert "Rolling (gun)" in pdf.modality_text(rubbed, {})


def test_a_protocol_row_from_before_these_fields_still_starts_a_visit(personas) -> None:  # type: ignore[no-untyped-def]
    from acuclinic.charting.models import Protocol

    protocol = Protocol.objects.create(
        name="Old back pain",
        needles=[{"code": "BL23", "side": "bilateral"}],
        modalities=[{"kind": "cupping", "method": "fixed", "area": "back.sacrum", "cups": 2}],
    )
    visit = actions.start_visit(
        patient=personas.record_a, protocol=protocol, request=request_as(personas.practitioner)
    )
    [row] = visit.modalities.all()
    assert (row.cups, row.cup_type, row.techniques, row.units) == (2, "", [], None)
