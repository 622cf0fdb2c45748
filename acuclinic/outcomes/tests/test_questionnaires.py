"""Outcome questionnaire files: the shipped ones load and score; the licensed ones ship no
text, load from the clinic's folder (a fake licensed text written here) and score on item
numbers; a clinic file with the wrong structure is refused with the place named."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from acuclinic.outcomes import questionnaires as oq
from acuclinic.outcomes import scoring
from acuclinic.patients.questionnaire import DefinitionError, validate


def _fake_licensed(folder: Path, key: str) -> Path:
    """A clinic's file: the skeleton with its placeholders replaced by made-up text."""
    data = json.loads((oq.SKELETON_DIR / f"{key}-v1.json").read_text(encoding="utf-8"))

    def replace(node):  # type: ignore[no-untyped-def]
        if isinstance(node, dict):
            if set(node) == {"en", "es"}:
                return {"en": "FAKE licensed text " + node["en"][1:12], "es": "FALSO"}
            return {k: replace(v) for k, v in node.items()}
        if isinstance(node, list):
            return [replace(v) for v in node]
        return node

    path = folder / f"{key}-v1.json"
    path.write_text(json.dumps(replace(data)), encoding="utf-8")
    return path


@pytest.fixture
def clinic_dir(tmp_path, settings):  # type: ignore[no-untyped-def]
    settings.OUTCOME_QUESTIONNAIRE_DIR = str(tmp_path)
    return tmp_path


def test_shipped_files_load_with_english_and_spanish() -> None:
    shipped = sorted(p.name for p in oq.SHIPPED_DIR.glob("*.json"))
    assert shipped == ["outcome-nprs-v1.json", "outcome-pgic-v1.json", "outcome-psfs-v1.json"]
    for key in ("outcome-nprs", "outcome-psfs", "outcome-pgic"):
        definition = oq.get(key)
        assert definition.version == 1
        for q in definition.questions:
            assert q.label.languages == {"en", "es"}


def test_no_licensed_text_ships(settings) -> None:  # type: ignore[no-untyped-def]
    settings.OUTCOME_QUESTIONNAIRE_DIR = None
    for key in ("outcome-rmdq", "outcome-odi", "outcome-promis-pi-6a"):
        assert not oq.available(key)
        with pytest.raises(oq.NotLoaded):
            oq.get(key)
    # The skeletons carry placeholders only: every label asks for the licensed text.
    for path in oq.SKELETON_DIR.glob("*.json"):
        text = json.loads(path.read_text(encoding="utf-8"))
        labels = [
            o["label"]["en"]
            for s in text["sections"]
            for q in s["questions"]
            for o in [q, *q.get("options", [])]
        ]
        assert labels and all(label.endswith("load your licensed text]") for label in labels)


def test_the_minimal_important_change_is_the_scoring_modules() -> None:
    assert oq.RMDQ.measure.mic_points == 5 and oq.RMDQ.measure is scoring.RMDQ
    assert oq.ODI.measure.mic_points == 10
    assert oq.BY_MEASURE["nprs"].measure.mic_percent == 30


def test_nprs_scores_three_rows() -> None:
    d = oq.get("outcome-nprs")
    result = validate(d, {"pain_now": "6", "pain_average": 5, "pain_worst": 9}, final=True)
    assert result.ok
    rows = oq.score(d, result.answers)
    assert [(r.measure, r.item, r.value) for r in rows] == [
        ("nprs", "now", 6),
        ("nprs", "average", 5),
        ("nprs", "worst", 9),
    ]


def test_psfs_scores_each_activity_and_the_mean_of_three() -> None:
    d = oq.get("outcome-psfs")
    answers = {
        "activity_1": "Socks",
        "rating_1": 3,
        "activity_2": "Lifting",
        "rating_2": 4,
        "activity_3": "Cinema",
        "rating_3": 8,
    }
    rows = oq.score(d, validate(d, answers, final=True).answers)
    assert [(r.item, r.value) for r in rows] == [
        ("1", 3),
        ("2", 4),
        ("3", 8),
        ("", Decimal("5.00")),
    ]
    one = validate(d, {"activity_1": "Socks", "rating_1": 2}, final=True)
    assert one.ok and [(r.item, r.value) for r in oq.score(d, one.answers)] == [("1", 2)]
    # A named activity must be rated, and a rating needs its activity.
    assert "rating_1" in validate(d, {"activity_1": "Socks"}, final=True).errors
    half = {"activity_1": "Socks", "rating_1": 2, "activity_2": "Stairs", "rating_3": 5}
    assert set(oq.pair_errors(d, validate(d, half, final=True).answers)) == {
        "rating_2",
        "activity_3",
    }


def test_pgic_scores_one_to_seven() -> None:
    d = oq.get("outcome-pgic")
    result = validate(d, {"change": "score_2"}, final=True)
    [row] = oq.score(d, result.answers)
    assert (row.measure, row.value) == ("pgic", 2) and scoring.pgic_improved(int(row.value))


def test_rmdq_from_a_clinic_file_scores_on_item_numbers(clinic_dir) -> None:  # type: ignore[no-untyped-def]
    _fake_licensed(clinic_dir, "outcome-rmdq")
    d = oq.get("outcome-rmdq")
    assert "FAKE licensed text" in str(d.question("statements").options[0].label)
    result = validate(d, {"statements": ["item_1", "item_7", "item_24"]}, final=True)
    assert [(r.measure, r.value) for r in oq.score(d, result.answers)] == [("rmdq", 3)]
    none = validate(d, {"statements": ["none"]}, final=True)
    assert [r.value for r in oq.score(d, none.answers)] == [0]
    assert not validate(d, {}, final=True).ok  # nothing ticked is not a score of 0


def test_odi_from_a_clinic_file_follows_the_worked_examples(clinic_dir) -> None:  # type: ignore[no-untyped-def]
    _fake_licensed(clinic_dir, "outcome-odi")
    d = oq.get("outcome-odi")
    ten = dict(
        zip([f"section_{s}" for s in range(1, 11)], ["score_2"] * 8 + ["score_0"] * 2, strict=True)
    )  # 16 over 10
    assert [r.value for r in oq.score(d, validate(d, ten, final=True).answers)] == [Decimal("32.0")]
    nine = {k: v for k, v in ten.items() if k != "section_10"}  # 16 over 9
    assert [r.value for r in oq.score(d, validate(d, nine, final=True).answers)] == [
        Decimal("35.6")
    ]
    seven = dict(list(ten.items())[:7])
    assert oq.score(d, validate(d, seven, final=True).answers) == []  # not scorable: missing


def test_promis_from_a_clinic_file_gives_the_raw_score(clinic_dir) -> None:  # type: ignore[no-untyped-def]
    _fake_licensed(clinic_dir, "outcome-promis-pi-6a")
    d = oq.get("outcome-promis-pi-6a")
    answers = {f"item_{i}": f"score_{i % 5 + 1}" for i in range(1, 7)}
    [row] = oq.score(d, validate(d, answers, final=True).answers)
    assert (row.item, row.value) == ("raw", 2 + 3 + 4 + 5 + 1 + 2)


def test_promis_t_scores_come_from_the_clinics_table(clinic_dir, caplog) -> None:  # type: ignore[no-untyped-def]
    """A made-up table (not the published one, which we do not ship): raw r -> T 30 + r."""
    _fake_licensed(clinic_dir, "outcome-promis-pi-6a")
    d = oq.get("outcome-promis-pi-6a")
    answers = validate(d, {f"item_{i}": "score_3" for i in range(1, 7)}, final=True).answers
    table = clinic_dir / oq.PROMIS_T_FILE
    made_up = {str(raw): 30 + raw + 0.5 for raw in range(6, 31)}
    table.write_text(json.dumps({"source": "test", "t_scores": made_up}), encoding="utf-8")
    rows = oq.score(d, answers)
    assert [(r.item, r.value) for r in rows] == [("raw", 18), ("t", Decimal("48.5"))]
    # A table with a gap or a value out of range is not used (logged), the raw score still is.
    for broken in ({**made_up, "30": "high"}, {k: v for k, v in made_up.items() if k != "17"}):
        table.write_text(json.dumps({"t_scores": broken}), encoding="utf-8")
        assert [r.item for r in oq.score(d, answers)] == ["raw"]
    assert "cannot be used" in caplog.text
    table.write_text("not json", encoding="utf-8")
    assert [r.item for r in oq.score(d, answers)] == ["raw"]


def test_a_clinic_file_without_the_scored_structure_is_refused(clinic_dir) -> None:  # type: ignore[no-untyped-def]
    path = _fake_licensed(clinic_dir, "outcome-odi")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["sections"][2]["questions"][0]["options"].pop()  # section 3 loses its "5"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"outcome-odi-v1.json: section_3: options must be"):
        oq.get("outcome-odi")
    assert not oq.available("outcome-odi")  # not offered to patients, rather than a 500
    path.write_text(json.dumps({**data, "version": 2}), encoding="utf-8")
    with pytest.raises(DefinitionError, match="key and version must match"):
        oq.get("outcome-odi")
