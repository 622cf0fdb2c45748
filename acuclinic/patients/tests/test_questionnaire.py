"""The questionnaire engine: reading definitions, cleaning answers, drafts and final checks.

Plain functions, no database: the engine is pure.
"""

import copy
import json
import math
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuclinic.patients import questionnaire as q
from acuclinic.patients.questionnaire import Chronicity, DefinitionError
from acuclinic.patients.red_flags import CODES

TODAY = date(2026, 3, 15)
EN_ES = {"en": "Label", "es": "Etiqueta"}


def question(qid: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"id": qid, "type": kind, "label": f"Question {qid}", **extra}


def definition_data(*questions: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": "test",
        "version": 3,
        "title": {"en": "Test", "es": "Prueba"},
        "sections": [{"id": "only", "title": "Only", "questions": list(questions)}],
    }


def make(*questions: dict[str, Any]) -> q.Definition:
    return q.parse_definition(definition_data(*questions))


def options(*values: str) -> list[dict[str, Any]]:
    return [{"value": v, "label": {"en": v.title(), "es": v.upper()}} for v in values]


# One question of every type, with the limits the tests poke at.
ALL_TYPES = [
    question("name", "short_text", max_length=20, required=True),
    question("story", "long_text", max_length=50),
    question("smokes", "yes_no", required=True),
    question("side", "single_choice", options=options("left", "right", "both")),
    question(
        "helps",
        "multiple_choice",
        options=options("heat", "cold", "rest", "nothing"),
        none_option="nothing",
        max_choices=2,
    ),
    question("pain", "scale", min=0, max=10, min_label="None", max_label="Worst", required=True),
    question("weight", "number", min=20, max=300, decimals=1, unit={"en": "kg", "es": "kg"}),
    question("born", "date", not_future=True),
    question("scan", "date", not_future=True, precision="month"),
    question("since", "duration", required=True),
    question("where", "body_map", worst="required", required=True),
    question(
        "meds",
        "list",
        max_items=3,
        item_label="Medicine",
        fields=[
            question("name", "short_text", required=True, max_length=30),
            question("dose", "number", min=0, max=5000),
        ],
    ),
]
EVERY_TYPE = q.parse_definition(definition_data(*ALL_TYPES))
ANSWERED = {
    "name": "  Ana   María ",
    "story": "line one\r\nline two",
    "smokes": "no",
    "side": "left",
    "helps": ["rest", "heat"],
    "pain": "7",
    "weight": "72,5",
    "born": "1980-02-29",
    "scan": "2025-11",
    "since": {"amount": "3", "unit": "weeks"},
    "where": {"regions": ["back.sacrum", "back.lower.left"], "worst": "back.sacrum"},
    "meds": [{"name": "Ibuprofen", "dose": 400}, {"name": "", "dose": ""}],
}


def check(
    answers: object, *, final: bool = True, definition: q.Definition = EVERY_TYPE
) -> q.Result:
    return q.validate(definition, answers, final=final, today=TODAY)


def only(qid: str, value: object, *, final: bool = False) -> q.Result:
    return check({qid: value}, final=final)


# --- localised text -------------------------------------------------------------------------


def test_localized_picks_the_active_language_with_english_fallback() -> None:
    text = {"en": "Hello", "es": "Hola"}
    assert q.localized("Plain") == "Plain"
    assert q.localized(text, "es") == "Hola"
    assert q.localized(text, "es-mx") == "Hola"  # the base language
    assert q.localized(text, "zh-hans") == "Hello"
    assert q.localized({"es": "Hola"}, "fr") == "Hola"  # whatever there is
    with translation.override("es"):
        assert q.localized(text) == "Hola"
        assert str(EVERY_TYPE.title) == "Prueba"
    with translation.override("en"):
        assert str(EVERY_TYPE.title) == "Test"


# --- reading definitions --------------------------------------------------------------------


def test_a_definition_reads_into_typed_questions() -> None:
    d = EVERY_TYPE
    assert (d.key, d.version) == ("test", 3)
    assert [x.id for x in d.questions] == [x["id"] for x in ALL_TYPES]
    pain = d.question("pain")
    assert (pain.minimum, pain.maximum, str(pain.min_label)) == (0, 10, "None")
    assert d.question("helps").none_option == "nothing"
    assert [f.id for f in d.question("meds").fields] == ["name", "dose"]
    assert d.question("name").max_length == 20
    assert d.question("story").required is False
    assert d.by_role("pain_now") is None
    assert [x.id for x in q.iter_questions(d)][-2:] == ["name", "dose"]


def broken(path: list[Any], value: Any, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """A copy of a definition with the item at `path` set to `value` (or deleted: ...)."""
    data = copy.deepcopy(base or definition_data(*ALL_TYPES))
    target = data
    for step in path[:-1]:
        target = target[step]
    if value is ...:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


QS = ["sections", 0, "questions"]
BAD_DEFINITIONS = [
    # (definition, where the error is, what it says)
    (broken([*QS, 0, "type"], "essay"), "sections[0].questions[0](name).type", "unknown type"),
    (broken([*QS, 1, "id"], "name"), "sections[0].questions[1](name).id", "duplicate"),
    (broken([*QS, 0, "requird"], True), "sections[0].questions[0](name)", "unknown key"),
    (broken([*QS, 0, "label"], ...), "sections[0].questions[0](name)", "missing 'label'"),
    (broken([*QS, 0, "label"], {"es": "Nombre"}), "questions[0](name).label", '"en"'),
    (broken([*QS, 0, "label"], {"en": "Name", "Spanish": "x"}), ".label.Spanish", "language"),
    (broken([*QS, 0, "label"], "  "), ".label", "empty"),
    (broken([*QS, 0, "id"], "Name"), "questions[0].id", "lower case"),
    (broken([*QS, 0, "id"], ...), "questions[0].id", "lower case"),
    (broken([*QS, 0, "max_length"], 0), "(name).max_length", "from 1 to 1000"),
    (broken([*QS, 1, "max_length"], 10**6), "(story).max_length", "from 1 to 10000"),
    (broken([*QS, 2, "required"], "yes"), "(smokes).required", "true or false"),
    (broken([*QS, 3, "options"], []), "(side).options", "list of 1 to"),
    (broken([*QS, 3, "options", 1, "value"], "left"), "options[1].value", "duplicate"),
    (broken([*QS, 4, "none_option"], "never"), "(helps).none_option", "not one of"),
    (broken([*QS, 4, "max_choices"], 9), "(helps).max_choices", "from 1 to 4"),
    (broken([*QS, 5, "min"], 10), "(pain).max", "steps above min"),
    (broken([*QS, 5, "max"], 1000), "(pain).max", "steps above min"),
    (broken([*QS, 5, "min"], 0.5), "(pain).min", "whole number"),
    (broken([*QS, 5, "max"], ...), "(pain)", "needs min and max"),
    (broken([*QS, 6, "min"], 400), "(weight).max", "above min"),
    (broken([*QS, 6, "max"], math.inf), "(weight).max", "finite"),
    (broken([*QS, 6, "max"], True), "(weight).max", "a number"),
    (broken([*QS, 6, "decimals"], 9), "(weight).decimals", "from 0 to 4"),
    (broken([*QS, 7, "earliest"], "1850-01-01"), "(born).earliest", "not before 1900"),
    (broken([*QS, 7, "earliest"], "2024-02-30"), "(born).earliest", "YYYY-MM-DD"),
    (broken([*QS, 8, "precision"], "year"), "(scan).precision", '"day" or "month"'),
    (broken([*QS, 9, "units"], ["fortnights"]), "(since).units", "days, weeks"),
    (broken([*QS, 9, "units"], ["days", "days"]), "(since).units", "twice"),
    (broken([*QS, 10, "figures"], ["side"]), "(where).figures", "front, back"),
    (broken([*QS, 10, "worst"], "maybe"), "(where).worst", "required, optional, off"),
    (broken([*QS, 11, "max_items"], ...), "(meds)", "needs max_items"),
    (broken([*QS, 11, "max_items"], 500), "(meds).max_items", "from 1 to 50"),
    (broken([*QS, 11, "fields"], []), "(meds).fields", "non-empty"),
    (broken([*QS, 11, "fields", 1, "id"], "name"), "fields[1].id", "duplicate field"),
    (broken([*QS, 11, "fields", 0, "type"], "list"), "fields[0](name).type", "unknown type"),
    (
        broken([*QS, 11, "fields", 0, "show_if"], {"question": "name", "answered": True}),
        "fields[0](name)",
        "unknown key 'show_if'",
    ),
    (broken([*QS, 5, "red_flag"], "trauma"), "(pain).red_flag", "only a yes/no"),
    (broken([*QS, 2, "red_flag"], "Not A Code"), "(smokes).red_flag", "red-flag code"),
    (broken([*QS, 5, "role"], "pain_soon"), "(pain).role", "unknown role"),
    (broken([*QS, 5, "role"], "pain_duration"), "(pain).role", "needs a duration"),
    (
        broken([*QS, 7, "role"], "date_of_birth", broken([*QS, 7, "precision"], "month")),
        "(born).precision",
        "needs the day",
    ),
    (broken(["version"], 0), "version", "whole number"),
    (broken(["version"], True), "version", "whole number"),
    (broken(["key"], "../etc"), "key", "lower case"),
    (broken(["sections"], []), "sections", "non-empty"),
    (broken(["sections", 0, "questions"], []), "sections[0].questions", "non-empty"),
    (broken(["colour"], "red"), "", "unknown key 'colour'"),
    ([1, 2, 3], "", "must be an object"),
]


@pytest.mark.parametrize(("data", "where", "says"), BAD_DEFINITIONS)
def test_a_malformed_definition_says_what_and_where(data: Any, where: str, says: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        q.parse_definition(data)
    assert where in caught.value.path, caught.value
    assert says in caught.value.message, caught.value


def test_duplicate_ids_across_sections_and_sections_twice() -> None:
    data = definition_data(question("a", "yes_no"))
    data["sections"].append({"id": "two", "title": "Two", "questions": [question("a", "yes_no")]})
    with pytest.raises(DefinitionError, match=r"sections\[1\]\.questions\[0\]\(a\)\.id"):
        q.parse_definition(data)
    data["sections"][1] = {"id": "only", "title": "Two", "questions": [question("b", "yes_no")]}
    with pytest.raises(DefinitionError, match="duplicate section id"):
        q.parse_definition(data)


@pytest.mark.parametrize(
    ("condition", "says"),
    [
        ({"question": "later", "equals": True}, "'later' is not an earlier question"),
        ({"question": "nowhere", "equals": True}, "'nowhere' is not an earlier question"),
        ({"question": "me", "answered": True}, "'me' is not an earlier question"),
        ({"question": "yes", "contains": True}, "cannot be used on a yes_no"),
        ({"question": "yes", "equals": "yes"}, "not a possible answer"),
        ({"question": "pick", "equals": "purple"}, "'purple' is not a possible answer"),
        ({"question": "pick", "in": []}, "non-empty list"),
        ({"question": "many", "contains_any": ["a", "z"]}, "'z' is not a possible answer"),
        ({"question": "score", "equals": 11}, "not a possible answer"),
        ({"question": "score", "equals": True}, "not a possible answer"),  # True is not 1
        ({"question": "map", "contains": "back.tail"}, "not a possible answer"),
        ({"question": "yes", "answered": False}, "must be true"),
        ({"question": "yes", "equals": True, "in": [True]}, "exactly one of"),
        ({"question": "yes"}, "exactly one of"),
        ([], "a list of 1 to 5"),
    ],
)
def test_a_bad_condition_is_refused(condition: Any, says: str) -> None:
    data = definition_data(
        question("yes", "yes_no"),
        question("pick", "single_choice", options=options("a", "b")),
        question("many", "multiple_choice", options=options("a", "b")),
        question("score", "scale", min=0, max=10),
        question("map", "body_map", figures=["back"]),
        question("me", "yes_no", show_if=condition),
        question("later", "yes_no"),
    )
    with pytest.raises(DefinitionError) as caught:
        q.parse_definition(data)
    assert caught.value.path.startswith("sections[0].questions[5](me).show_if"), caught.value
    assert says in caught.value.message, caught.value


def test_a_body_map_condition_respects_the_figures_asked() -> None:
    data = definition_data(
        question("map", "body_map", figures=["back"]),
        question("legs", "yes_no", show_if={"question": "map", "contains": "front.knee.left"}),
    )
    with pytest.raises(DefinitionError, match="not a possible answer"):
        q.parse_definition(data)


def test_red_flag_codes_are_checked_when_given() -> None:
    data = definition_data(question("fall", "yes_no", red_flag="trauma"))
    assert q.parse_definition(data, red_flag_codes=CODES).question("fall").red_flag == "trauma"
    data = definition_data(question("fall", "yes_no", red_flag="truama"))
    q.parse_definition(data)  # without a list of codes, any code-like string
    with pytest.raises(DefinitionError, match="unknown red flag 'truama'"):
        q.parse_definition(data, red_flag_codes=CODES)


def test_red_flags_hang_on_options_but_not_on_none_or_inside_lists() -> None:
    flagged = [{"value": "fall", "label": "A fall", "red_flag": "trauma"}, *options("none")]
    d = make(question("cause", "multiple_choice", options=flagged, none_option="none"))
    assert d.question("cause").option("fall").red_flag == "trauma"  # type: ignore[union-attr]
    none_flagged = [*options("fall"), {"value": "none", "label": "No", "red_flag": "trauma"}]
    with pytest.raises(DefinitionError, match="'none of these'"):
        make(question("cause", "multiple_choice", options=none_flagged, none_option="none"))
    field = question("cause", "single_choice", options=flagged)
    with pytest.raises(DefinitionError, match="cannot carry a red flag"):
        make(question("rows", "list", max_items=2, fields=[field]))


def test_roles_are_unique() -> None:
    with pytest.raises(DefinitionError, match="second question with role 'pain_now'"):
        make(
            question("a", "scale", min=0, max=10, role="pain_now"),
            question("b", "scale", min=0, max=10, role="pain_now"),
        )


def test_load_definition_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "clinic-v2.json"
    path.write_text(json.dumps(broken([*QS, 0, "type"], "essay")))
    with pytest.raises(DefinitionError, match=r"^clinic-v2\.json: sections\[0\]\.questions\[0\]"):
        q.load_definition(path)
    for text, says in [
        ('{"key": "x", "version": NaN}', "NaN is not a number JSON allows"),
        ('{"key": "x", "key": "y"}', "'key' appears twice"),
        ('{"key": ', "cannot be read"),
        ("[" * 100_000, "cannot be read"),
    ]:
        path.write_text(text)
        with pytest.raises(DefinitionError, match=says):
            q.load_definition(path)
    path.write_bytes(b"\xff\xfe{")
    with pytest.raises(DefinitionError, match="cannot be read"):
        q.load_definition(path)
    with pytest.raises(DefinitionError, match=r"missing\.json: cannot be read"):
        q.load_definition(tmp_path / "missing.json")


def test_get_definition_finds_shipped_versions_only() -> None:
    d = q.get_definition("intake-back-pain", 1)
    assert (d.key, d.version) == ("intake-back-pain", 1)
    assert q.get_definition("intake-back-pain", 1) is d  # read once
    assert q.latest_version("intake-back-pain") >= 1
    for key, version in [
        ("intake-back-pain", 99),
        ("../patients/questionnaires/x", 1),
        ("intake-back-pain", True),
        ("", 1),
    ]:
        with pytest.raises(LookupError):
            q.get_definition(key, version)
    with pytest.raises(LookupError):
        q.latest_version("no-such-questionnaire")


@pytest.mark.parametrize("path", sorted(q.SHIPPED_DIR.glob("*.json")), ids=lambda p: p.name)
def test_every_shipped_file_loads_and_matches_its_name(path: Path) -> None:
    d = q.load_definition(path, red_flag_codes=CODES)
    assert path.name == f"{d.key}-v{d.version}.json"


def human_texts(d: q.Definition) -> list[q.LocalText]:
    texts: list[q.LocalText | None] = [d.title]
    for section in d.sections:
        texts += [section.title, section.help]
    for x in q.iter_questions(d):
        texts += [x.label, x.help, x.min_label, x.max_label, x.unit, x.item_label]
        texts += [o.label for o in x.options]
    return [t for t in texts if t is not None]


def test_the_shipped_intake_speaks_english_and_spanish() -> None:
    d = q.get_definition("intake-back-pain", 1)
    for text in human_texts(d):
        assert {"en", "es"} <= text.languages, text.texts
        assert text.get("en") != text.get("es") or len(text.get("en")) < 6, text.texts


def test_the_shipped_intake_asks_what_the_issue_lists() -> None:
    d = q.get_definition("intake-back-pain", 1)
    for role in q.ROLES:
        assert d.by_role(role) is not None, role
    assert d.question("pain_map").worst == "required"
    for score in ["pain_now", "pain_average", "pain_worst"]:
        assert (d.question(score).minimum, d.question(score).maximum) == (0, 10)
    imaging = d.question("imaging")
    assert [o.value for o in imaging.options] == ["none", "xray", "mri", "ct"]
    assert imaging.none_option == "none"
    findings = [o.value for o in d.question("imaging_finding").options]
    assert {"normal", "degeneration", "disc", "stenosis", "other"} <= set(findings)
    assert d.question("imaging_date").show_if  # only when there was a scan
    assert [f.id for f in d.question("medications").fields] == ["name", "dose", "frequency"]
    assert {"pregnant", "trying"} <= {o.value for o in d.question("pregnancy").options}


def test_the_shipped_intake_copies_no_published_questionnaire() -> None:
    """Oswestry (ODI) and PROMIS items are copyrighted; a few of their phrases as a tripwire."""
    d = q.get_definition("intake-back-pain", 1)
    words = " ".join(t.get(lang).lower() for t in human_texts(d) for lang in t.languages)
    for phrase in [
        "oswestry",
        "promis",
        "i can tolerate the pain",
        "pain prevents me",
        "in the past 7 days, how much did pain interfere",
        "i can look after myself normally",
    ]:
        assert phrase not in words


def test_the_shipped_imaging_follow_ups_show_only_after_a_scan() -> None:
    d = q.get_definition("intake-back-pain", 1)
    raw = {"imaging": ["none"], "imaging_finding": ["disc"], "imaging_date": "2024-01"}
    none = q.validate(d, raw, final=False, today=TODAY)
    assert none.answers == {"imaging": ["none"]}
    assert "imaging_finding" not in none.visible
    mri = q.validate(d, {**raw, "imaging": ["mri"]}, final=False, today=TODAY)
    assert mri.answers["imaging_finding"] == ["disc"]
    assert mri.answers["imaging_date"] == "2024-01"
    both = q.validate(d, {**raw, "imaging": ["none", "mri"]}, final=False, today=TODAY)
    assert "imaging" in both.errors  # "no, none" and an MRI


# --- answers: every type --------------------------------------------------------------------


def test_a_complete_answer_set_is_cleaned() -> None:
    result = check(ANSWERED)
    assert result.ok, result.errors
    assert result.answers == {
        "name": "Ana María",
        "story": "line one\nline two",
        "smokes": False,
        "side": "left",
        "helps": ["heat", "rest"],  # the definition's order
        "pain": 7,
        "weight": 72.5,
        "born": "1980-02-29",
        "scan": "2025-11",
        "since": {"amount": 3, "unit": "weeks"},
        "where": {"regions": ["back.lower.left", "back.sacrum"], "worst": "back.sacrum"},
        "meds": [{"name": "Ibuprofen", "dose": 400}],
    }
    assert result.invalid == {}
    assert result.visible == tuple(x["id"] for x in ALL_TYPES)
    assert result.stored() == {
        "questionnaire": "test",
        "version": 3,
        "answers": result.answers,
        "invalid": {},
    }
    assert check(result.answers).answers == result.answers  # cleaning is idempotent


@pytest.mark.parametrize(
    ("qid", "value", "cleaned"),
    [
        ("name", "\tAna\n", "Ana"),
        ("name", "Zoë", "Zoë"),
        ("name", "Zoe\u0308", "Zoë"),  # NFC
        ("story", "  a\rb  ", "a\nb"),
        ("smokes", True, True),
        ("smokes", " YES ", True),
        ("smokes", "false", False),
        ("side", "both", "both"),
        ("helps", "cold", ["cold"]),
        ("helps", ["rest", "rest"], ["rest"]),
        ("helps", ["nothing"], ["nothing"]),
        ("pain", 0, 0),
        ("pain", 10, 10),
        ("pain", " 3 ", 3),
        ("pain", 4.0, 4),
        ("pain", "+5", 5),
        ("weight", 80, 80.0),
        ("weight", "80.50", 80.5),
        ("weight", " 20 ", 20.0),
        ("weight", 300, 300.0),
        ("born", "1900-01-01", "1900-01-01"),
        ("born", TODAY.isoformat(), TODAY.isoformat()),
        ("scan", "2026-03", "2026-03"),  # this month
        ("scan", "2026-03-01", "2026-03-01"),
        ("since", {"amount": 2, "unit": "years"}, {"amount": 2, "unit": "years"}),
        ("since", {"amount": "100", "unit": "years", "extra": 1}, {"amount": 100, "unit": "years"}),
        ("where", ["front.knee.left"], {"regions": ["front.knee.left"], "worst": None}),
        (
            "where",
            {"regions": ["back.sacrum"], "worst": ""},
            {"regions": ["back.sacrum"], "worst": None},
        ),
        ("meds", [{"name": "Aspirin", "extra": "x"}], [{"name": "Aspirin"}]),
    ],
)
def test_good_answers_are_cleaned(qid: str, value: object, cleaned: object) -> None:
    result = only(qid, value)
    assert result.errors == {}
    assert result.answers == {qid: cleaned}


@pytest.mark.parametrize(
    ("qid", "value", "says"),
    [
        ("name", "x" * 21, "20 characters or fewer"),
        ("name", 42, "as text"),
        ("name", "Ana\x00", "cannot be saved"),
        ("name", "Ana\ud800", "cannot be saved"),
        ("name", "bell\x07", "cannot be saved"),
        ("story", "y" * 51, "50 characters"),
        ("smokes", 1, "yes or no"),
        ("smokes", "sí", "yes or no"),
        ("smokes", [True], "yes or no"),
        ("side", "middle", "one of the options"),
        ("side", ["left"], "one of the options"),
        ("helps", ["heat", "lava"], "from the options"),
        ("helps", [1], "from the options"),
        ("helps", {"heat": True}, "from the options"),
        ("helps", ["heat", "nothing"], "cannot be combined"),
        ("helps", ["heat", "cold", "rest"], "at most 2 options"),
        ("pain", 11, "from 0 to 10"),
        ("pain", -1, "from 0 to 10"),
        ("pain", 7.5, "whole number"),
        ("pain", True, "whole number"),
        ("pain", "²", "whole number"),
        ("pain", "٣", "whole number"),  # Arabic-Indic three: int() would take it
        ("pain", "7 ", None),  # fine: spaces around are trimmed
        ("pain", "1e1", "whole number"),
        ("pain", 10**400, "whole number"),
        ("pain", 1e300, "whole number"),
        ("pain", math.nan, "whole number"),
        ("pain", -math.inf, "whole number"),
        ("pain", "0x7", "whole number"),
        ("pain", "1_0", "whole number"),
        ("weight", "heavy", "a number"),
        ("weight", "72.55", "at most 1 decimal place"),
        ("weight", 19.9, "from 20 to 300"),
        ("weight", 10**30, "from 20 to 300"),
        ("weight", math.inf, "a number"),
        ("weight", "1.000,5", "a number"),
        ("weight", "٧٢", "a number"),
        ("born", "2026-03-16", "future"),
        ("born", "1899-12-31", "on or after"),
        ("born", "2024-02-30", "valid date"),
        ("born", "15/03/1980", "valid date"),
        ("born", "1980-03", "valid date"),  # day precision
        ("born", "\uff11\uff19\uff18\uff10-01-01", "valid date"),  # full-width digits
        ("born", 19800101, "valid date"),
        ("scan", "2026-04", "future"),
        ("scan", "1899-12", "on or after"),
        ("scan", "2025-13", "month and year"),
        ("since", {"amount": 0, "unit": "days"}, "from 1 to 36525"),
        ("since", {"amount": 101, "unit": "years"}, "from 1 to 100"),
        ("since", {"amount": 3, "unit": "fortnights"}, "a whole number and a unit"),
        ("since", {"amount": 3}, "a whole number and a unit"),
        ("since", {"amount": "³", "unit": "weeks"}, "a whole number and a unit"),
        ("since", "3 weeks", "a whole number and a unit"),
        ("where", {"regions": ["back.tail"]}, "on the body map"),
        ("where", {"regions": "back.sacrum"}, "on the body map"),
        ("where", {"regions": ["back.sacrum"], "worst": "back.lower.left"}, "one of the areas"),
        ("where", {"regions": [], "worst": "back.sacrum"}, "one of the areas"),
        ("where", "back.sacrum", "on the body map"),
        ("meds", {"name": "Aspirin"}, "could not be read"),
        ("meds", ["Aspirin"], "Medicine 1 could not be read"),
        ("meds", [{"name": "x" * 31}], "Medicine 1, Question name: Please shorten"),
        ("meds", [{"name": "A"}, {"name": "B", "dose": "lots"}], "Medicine 2, Question dose"),
        ("meds", [{"name": str(i)} for i in range(4)], "at most 3 entries"),
    ],
)
def test_bad_answers_get_a_clear_message(qid: str, value: object, says: str | None) -> None:
    result = only(qid, value)
    if says is None:
        assert result.errors == {}
        return
    assert list(result.errors) == [qid]
    assert any(says in m for m in result.errors[qid]), result.errors
    assert all(type(m) is str for m in result.errors[qid])  # resolved, not lazy


def test_the_worst_area_is_wanted_only_when_the_intake_is_sent() -> None:
    raw = {"where": {"regions": ["back.lower.right"]}}
    assert only("where", raw["where"]).errors == {}
    final = check({**ANSWERED, **raw})
    assert final.errors == {"where": ["Please mark the area that hurts most."]}


def test_a_body_map_limited_to_one_figure() -> None:
    d = make(question("map", "body_map", figures=["back"], worst="off"))
    assert q.validate(d, {"map": ["back.sacrum"]}, final=True).ok
    assert not q.validate(d, {"map": ["front.head"]}, final=True).ok
    with_worst = {"map": {"regions": ["back.sacrum"], "worst": "back.sacrum"}}
    assert "one of the areas" in q.validate(d, with_worst, final=True).errors["map"][0]


def test_a_list_keeps_the_valid_part_of_each_row() -> None:
    raw = [{"name": "Aspirin", "dose": "lots"}, {"name": "", "dose": 100}, {"name": "Zinc"}]
    draft = only("meds", raw)
    assert draft.answers == {"meds": [{"name": "Aspirin"}, {"dose": 100}, {"name": "Zinc"}]}
    assert len(draft.errors["meds"]) == 1  # a nameless row is fine in a draft
    final = only("meds", raw, final=True)
    assert any("Medicine 2, Question name: Please answer" in m for m in final.errors["meds"])
    assert final.invalid["meds"] == raw


def test_only_blank_rows_is_no_answer() -> None:
    blank = [{"name": " ", "dose": ""}, {}, None]
    assert only("meds", blank).answers == {}
    assert only("meds", blank).errors == {}


def test_a_duration_without_an_amount_is_unanswered() -> None:
    """The unit is preselected in the form; the amount is what the patient types."""
    assert only("since", {"amount": "", "unit": "weeks"}).answers == {}
    result = check({**ANSWERED, "since": {"amount": " ", "unit": "weeks"}})
    assert result.errors == {"since": ["Please answer this question."]}


def test_unknown_answers_are_ignored() -> None:
    result = check({**ANSWERED, "password": "hunter2", "__all__": 1})
    assert result.ok
    assert "password" not in result.answers


# --- drafts and final -----------------------------------------------------------------------


def test_a_draft_may_be_half_filled() -> None:
    draft = check({"pain": 6}, final=False)
    assert draft.ok
    assert draft.answers == {"pain": 6}
    final = check({"pain": 6})
    assert set(final.errors) == {"name", "smokes", "since", "where"}
    assert final.errors["name"] == ["Please answer this question."]
    assert final.answers == {"pain": 6}


def test_a_draft_keeps_valid_answers_beside_invalid_ones_and_the_invalid_input() -> None:
    draft = check({"pain": "12", "name": "Ana", "weight": "72,55", "side": "left"}, final=False)
    assert draft.answers == {"name": "Ana", "side": "left"}
    assert set(draft.errors) == {"pain", "weight"}
    assert draft.invalid == {"pain": "12", "weight": "72,55"}  # to show back in the form


def test_nothing_at_all_is_an_empty_draft_and_not_an_object_is_an_error() -> None:
    assert check(None, final=False).ok
    assert check({}, final=False).ok
    for junk in [[], "answers", 3, [{"name": "Ana"}]]:
        result = check(junk, final=False)
        assert result.errors == {q.NON_QUESTION: ["The answers could not be read."]}
        assert result.answers == {}


def test_the_invalid_input_kept_is_safe_to_store() -> None:
    nasty = {
        "text": "a\x00b",
        "big": 10**100,
        "nan": math.nan,
        "deep": [[[[["x"]]]]],
        "long": "z" * 20_000,
        "many": list(range(500)),
    }
    result = only("side", nasty)
    kept = result.invalid["side"]
    assert kept["text"] == "ab"
    assert kept["big"] is None and kept["nan"] is None
    assert kept["deep"] == [[None]]
    assert len(kept["long"]) == q.MAX_KEPT_TEXT
    assert len(kept["many"]) == q.MAX_KEPT_ITEMS
    json.dumps(result.invalid, allow_nan=False)


# --- conditions -----------------------------------------------------------------------------

CONDITIONAL = make(
    question("scan", "yes_no", required=True),
    question(
        "kind",
        "single_choice",
        options=options("xray", "mri"),
        required=True,
        show_if={"question": "scan", "equals": True},
    ),
    question("mri_when", "date", required=True, show_if={"question": "kind", "in": ["mri"]}),
    question("no_scan_why", "short_text", show_if={"question": "scan", "equals": False}),
    question("pain", "scale", min=0, max=10),
    question(
        "bad",
        "yes_no",
        show_if=[{"question": "pain", "answered": True}, {"question": "scan", "equals": True}],
    ),
    question("where", "body_map"),
    question(
        "leg",
        "yes_no",
        required=True,
        show_if={"question": "where", "contains_any": ["back.thigh.left", "back.thigh.right"]},
    ),
)


def conditional(raw: dict[str, Any], *, final: bool = True) -> q.Result:
    return q.validate(CONDITIONAL, raw, final=final, today=TODAY)


def test_hidden_questions_are_not_asked_and_their_answers_dropped() -> None:
    result = conditional({"scan": False, "kind": "mri", "mri_when": "2025-01-01", "bad": True})
    assert result.ok, result.errors
    assert result.answers == {"scan": False}
    assert result.visible == ("scan", "no_scan_why", "pain", "where")


def test_shown_questions_follow_the_answers() -> None:
    raw = {
        "scan": "yes",
        "kind": "mri",
        "mri_when": "2025-01-01",
        "pain": 4,
        "bad": "no",
        "where": ["back.thigh.right"],
        "leg": True,
    }
    result = conditional(raw)
    assert result.ok, result.errors
    assert result.visible == ("scan", "kind", "mri_when", "pain", "bad", "where", "leg")
    assert result.answers["mri_when"] == "2025-01-01"


def test_a_required_question_counts_only_when_shown() -> None:
    assert conditional({"scan": True}).errors.keys() == {"kind"}
    assert conditional({"scan": True, "kind": "mri"}).errors.keys() == {"mri_when"}
    assert conditional({"scan": True, "kind": "xray"}).ok
    assert conditional({"scan": True, "kind": "xray", "where": ["back.thigh.left"]}).errors == {
        "leg": ["Please answer this question."]
    }


def test_hiding_cascades() -> None:
    """`mri_when` hangs on `kind`, which is hidden when there was no scan."""
    result = conditional({"scan": False, "kind": "mri", "mri_when": "2025-01-01"})
    assert "mri_when" not in result.visible
    assert "mri_when" not in result.answers


def test_a_draft_does_not_drop_what_hangs_on_an_invalid_answer() -> None:
    """While `kind` is invalid nobody knows whether `mri_when` shows: keep it, do not want it."""
    draft = conditional({"scan": True, "kind": "ultrasound", "mri_when": "2025-01-01"}, final=False)
    assert draft.answers == {"scan": True, "mri_when": "2025-01-01"}
    assert draft.errors.keys() == {"kind"}
    final = conditional({"scan": True, "kind": "ultrasound"})
    assert final.errors.keys() == {"kind"}  # `mri_when` is not wanted while `kind` is unknown


# --- never an exception ---------------------------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.text(alphabet="0123456789²³\u0661\u0662\u0663\x00 -.,:+e")
    | st.sampled_from(
        [
            "yes",
            "no",
            "7",
            "2024-02-29",
            "2024-13",
            "back.sacrum",
            "mri",
            "nothing",
            "weeks",
            "front.knee.left",
            "\x00",
            "1e309",
            "٣",
            "²",
        ]
    )
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=6)
        | st.dictionaries(
            st.sampled_from(["amount", "unit", "regions", "worst", "name", "dose"]) | st.text(),
            children,
            max_size=6,
        )
    ),
    max_leaves=30,
)
SHIPPED = q.get_definition("intake-back-pain", 1)
QUESTION_IDS = sorted({x.id for d in (EVERY_TYPE, SHIPPED, CONDITIONAL) for x in d.questions})
raw_answer_sets = st.dictionaries(st.sampled_from(QUESTION_IDS) | st.text(), json_values)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_sane(result: q.Result, definition: q.Definition) -> None:
    dumped = json.dumps([result.answers, result.invalid], allow_nan=False)
    assert "\\u0000" not in dumped
    ids = {x.id for x in definition.questions}
    assert set(result.answers) <= ids
    assert set(result.errors) <= ids | {q.NON_QUESTION}
    assert all(m and type(m) is str for ms in result.errors.values() for m in ms)
    # What was cleaned stays clean, and cleaning it again changes nothing.
    again = q.validate(definition, result.answers, final=False, today=TODAY)
    assert again.answers == result.answers
    assert not set(again.errors) - set(result.errors)


@FUZZ
@given(raw=raw_answer_sets | json_values, final=st.booleans())
def test_any_json_gives_errors_never_an_exception(raw: object, final: bool) -> None:
    for definition in (EVERY_TYPE, SHIPPED, CONDITIONAL):
        assert_sane(q.validate(definition, raw, final=final, today=TODAY), definition)


@FUZZ
@given(qid=st.sampled_from([x["id"] for x in ALL_TYPES]), value=json_values)
def test_any_value_for_any_type_is_cleaned_or_refused(qid: str, value: object) -> None:
    result = only(qid, value)
    assert_sane(result, EVERY_TYPE)
    if qid in result.errors:
        assert qid in result.invalid


@FUZZ
@given(data=json_values)
def test_any_json_as_a_definition_is_refused_cleanly(data: object) -> None:
    with pytest.raises(DefinitionError):
        q.parse_definition(data)


@FUZZ
@given(
    index=st.integers(0, len(ALL_TYPES) - 1),
    key=st.sampled_from(
        [
            "id",
            "type",
            "label",
            "help",
            "required",
            "show_if",
            "options",
            "min",
            "max",
            "max_length",
            "none_option",
            "max_choices",
            "fields",
            "max_items",
            "figures",
            "worst",
            "units",
            "earliest",
            "precision",
            "decimals",
            "unit",
            "role",
            "red_flag",
            "min_label",
            "item_label",
        ]
    ),
    value=json_values,
)
def test_a_definition_with_any_value_anywhere_loads_or_says_why(
    index: int, key: str, value: object
) -> None:
    data = broken([*QS, index, key], value)
    try:
        d = q.parse_definition(data, red_flag_codes=CODES)
    except DefinitionError as e:
        assert e.path.startswith(f"sections[0].questions[{index}]") or e.path in ("", "key")
    else:
        assert_sane(q.validate(d, ANSWERED, final=True, today=TODAY), d)


# --- pain duration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [
        (1, "days", Chronicity.ACUTE),
        (41, "days", Chronicity.ACUTE),
        (5, "weeks", Chronicity.ACUTE),
        (1, "months", Chronicity.ACUTE),
        (42, "days", Chronicity.SUBACUTE),
        (6, "weeks", Chronicity.SUBACUTE),
        (2, "months", Chronicity.SUBACUTE),
        (83, "days", Chronicity.SUBACUTE),
        (11, "weeks", Chronicity.SUBACUTE),
        (84, "days", Chronicity.CHRONIC),
        (12, "weeks", Chronicity.CHRONIC),
        (3, "months", Chronicity.CHRONIC),
        (1, "years", Chronicity.CHRONIC),
    ],
)
def test_classify_duration(amount: int, unit: str, expected: Chronicity) -> None:
    assert q.classify_duration({"amount": amount, "unit": unit}) is expected


def test_classify_duration_of_anything_else_is_none() -> None:
    for junk in [
        None,
        "3 weeks",
        {"amount": 3},
        {"amount": "3", "unit": "weeks"},
        {"amount": True, "unit": "days"},
        {"amount": -1, "unit": "days"},
        {"amount": 3, "unit": "fortnights"},
        [3, "weeks"],
    ]:
        assert q.classify_duration(junk) is None
    assert q.duration_days({"amount": 2, "unit": "weeks"}) == 14
    assert Chronicity.CHRONIC.label == "chronic (12 weeks or more)"
