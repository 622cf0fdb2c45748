"""The cautions, rule by rule (cautions.py), and the facts read from an intake's answers."""

from hypothesis import given
from hypothesis import strategies as st

from acuclinic.charting import cautions, points
from acuclinic.charting.cautions import Facts, facts_from_answers, warnings_for
from acuclinic.patients import intake as intakes
from acuclinic.patients.tests.intake_answers import complete_answers

PREGNANT = Facts(pregnant=True)


def codes(needles=(), modalities=(), facts=None) -> list[str]:  # type: ignore[no-untyped-def]
    return [w.code for w in warnings_for(needles, modalities, facts or Facts())]


def needle(code: str, side: str = "bilateral", **extra):  # type: ignore[no-untyped-def]
    return {"code": code, "side": side, **extra}


def test_pregnant_patient_with_li4_and_sp6_warns_for_both() -> None:
    found = warnings_for([needle("LI4"), needle("SP6"), needle("BL23")], [], PREGNANT)
    assert [w.code for w in found] == ["pregnancy:LI4", "pregnancy:SP6"]
    assert "LI4" in found[0].message and "pregnancy" in found[0].message


def test_every_point_flagged_for_pregnancy_warns_and_none_other() -> None:
    flagged = {p.code for p in points.all_points() if "pregnancy" in p.cautions}
    assert {"LI4", "SP6", "BL60", "BL67", "GB21"} <= flagged
    every = [needle(p.code) for p in points.all_points()]
    warned = {c.split(":")[1] for c in codes(every, facts=PREGNANT) if c.startswith("pregnancy:")}
    assert warned == flagged


def test_no_pregnancy_warning_when_not_pregnant() -> None:
    assert codes([needle("LI4"), needle("SP6")]) == []


def test_electro_with_a_pacemaker_warns_once_naming_the_points() -> None:
    electro = [
        needle("BL23", electro_hz=2, electro_min=20),
        needle("BL25", electro_hz=2, electro_min=20),
    ]
    found = warnings_for(electro, [], Facts(pacemaker=True))
    assert [w.code for w in found] == ["electro-pacemaker"]
    assert "BL23, BL25" in found[0].message
    assert codes(electro) == []  # no pacemaker
    assert codes([needle("BL23")], facts=Facts(pacemaker=True)) == []  # no electro


def test_cupping_and_gua_sha_with_bleeding_risk() -> None:
    modalities = [
        {"kind": "cupping"},
        {"kind": "gua_sha"},
        {"kind": "massage"},
        {"kind": "cupping"},
    ]
    assert codes(modalities=modalities, facts=Facts(bleeding_risk=True)) == [
        "bleeding:cupping",
        "bleeding:gua_sha",
    ]
    assert codes(modalities=modalities) == []


def test_depth_over_the_lung_and_kidney_beyond_the_limits() -> None:
    # BL13 lies over the lung, BL23 over the kidney (points.py's caution flags).
    assert "over-lung" in points.get("BL13").cautions
    assert "over-kidney" in points.get("BL23").cautions
    at_limit = [
        needle("BL13", depth_mm=cautions.LUNG_DEPTH_MM),
        needle("BL23", depth_mm=cautions.KIDNEY_DEPTH_MM),
    ]
    assert codes(at_limit) == []
    beyond = [
        needle("BL13", depth_mm=cautions.LUNG_DEPTH_MM + 1),
        needle("BL23", depth_mm=cautions.KIDNEY_DEPTH_MM + 1),
    ]
    assert codes(beyond) == ["depth-lung:BL13", "depth-kidney:BL23"]
    assert codes([needle("BL13")]) == []  # depth not recorded
    assert codes([needle("BL40", depth_mm=40)]) == []  # not over an organ


def test_a_point_that_is_not_needled() -> None:
    assert codes([needle("CV8", "midline")]) == ["no-needling:CV8"]


def test_facts_from_the_intake_by_role() -> None:
    definition = intakes.current_definition()
    assert facts_from_answers(definition, complete_answers()) == Facts()
    answers = complete_answers(pregnancy=["pregnant"], pacemaker=True, bleeding_risk=True)
    assert facts_from_answers(definition, answers) == Facts(True, True, True)
    assert facts_from_answers(definition, complete_answers(pregnancy=["trying"])).pregnant is False
    assert facts_from_answers(None, {}) == Facts()
    assert facts_from_answers(definition, "not answers") == Facts()
    assert facts_from_answers(definition, {"pacemaker": "yes"}) == Facts()  # only a real True


def test_unacknowledged() -> None:
    found = warnings_for([needle("LI4"), needle("SP6")], [], PREGNANT)
    assert [w.code for w in cautions.unacknowledged(found, ["pregnancy:LI4"])] == ["pregnancy:SP6"]
    assert cautions.unacknowledged(found, ["pregnancy:LI4", "pregnancy:SP6", "other"]) == []


CODES = [p.code for p in points.all_points()]
needles_st = st.lists(
    st.fixed_dictionaries(
        {
            "code": st.sampled_from(CODES) | st.text(max_size=8),
            "depth_mm": st.none() | st.integers(-5, 200),
            "electro_hz": st.none() | st.integers(1, 200),
        }
    ),
    max_size=12,
)
modalities_st = st.lists(
    st.fixed_dictionaries(
        {"kind": st.sampled_from(["cupping", "gua_sha", "massage", "moxa", "?"])}
    ),
    max_size=5,
)
facts_st = st.builds(Facts, st.booleans(), st.booleans(), st.booleans())


@given(needles_st, modalities_st, facts_st)
def test_properties(needles, modalities, facts) -> None:  # type: ignore[no-untyped-def]
    found = warnings_for(needles, modalities, facts)
    found_codes = [w.code for w in found]
    assert len(found_codes) == len(set(found_codes))  # each code once
    assert all(w.message for w in found)
    assert found == warnings_for(needles, modalities, facts)  # deterministic
    # More facts never take a warning away; with no facts only the depth and no-needling rules.
    worse = warnings_for(needles, modalities, Facts(True, True, True))
    assert set(found_codes) <= {w.code for w in worse}
    plain = {c.split(":")[0] for c in codes(needles, modalities)}
    assert plain <= {"depth-lung", "depth-kidney", "no-needling"}
    # Adding a point never removes a warning.
    more = warnings_for([*needles, {"code": "LI4"}], modalities, facts)
    assert set(found_codes) <= {w.code for w in more}
