"""The intake as rows for the staff page (desk/intake_display.py): labels from the version
answered, cautions picked out by role, and no failure on whatever is stored."""

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from acuclinic.desk import intake_display
from acuclinic.patients.intake import current_definition
from acuclinic.patients.tests.intake_answers import complete_answers

DEFINITION = current_definition()


def rows(view: intake_display.IntakeView) -> dict[str, intake_display.Answer]:
    return {a.question_id: a for s in view.sections for a in s.answers}


def test_every_answered_question_has_a_row_under_its_label() -> None:
    view = intake_display.build(DEFINITION, complete_answers())
    found = rows(view)
    assert set(complete_answers()) <= set(found)
    assert found["pain_now"].label == "How much does it hurt right now?"
    assert found["pain_now"].value == "6 of 10"
    assert found["pain_duration"].value == "4 months: chronic (12 weeks or more)"
    assert found["takes_medications"].value == "Yes"
    assert found["imaging"].value == "MRI scan"
    # A question hidden by an earlier answer is not listed; a visible unanswered one is.
    assert "allergies" not in found  # has_allergies is False
    assert found["eases_other"].answered is False


def test_the_worst_region_comes_first_and_the_figures_mark_it() -> None:
    answers = complete_answers(
        pain_map={"regions": ["back.sacrum", "back.lower.left"], "worst": "back.sacrum"}
    )
    view = intake_display.build(DEFINITION, answers)
    assert view.pain_map is not None
    assert [(r.label, r.worst) for r in view.pain_map.regions] == [
        ("Base of the spine (sacrum)", True),
        ("Left lower back", False),
    ]
    states = {r.code: state for f in view.figures for r, state in f.regions if state}
    assert states == {"back.sacrum": "worst", "back.lower.left": "chosen"}


def test_cautions_are_the_risky_answers_only() -> None:
    quiet = intake_display.build(DEFINITION, complete_answers())
    assert quiet.cautions == []
    risky = intake_display.build(
        DEFINITION,
        complete_answers(pacemaker=True, needle_fear=True, fainting=True, pregnancy=["trying"]),
    )
    assert [a.question_id for a in risky.cautions] == [
        "pregnancy",
        "pacemaker",
        "needle_fear",
        "fainting",
    ]
    assert risky.medications is not None and risky.medications.items[0].startswith("Name: Ibu")


def test_a_drafts_invalid_input_is_shown_as_such() -> None:
    view = intake_display.build(DEFINITION, {"pain_now": 7}, {"pain_worst": "eleven"})
    found = rows(view)
    assert found["pain_worst"].invalid and found["pain_worst"].value == "eleven"
    assert found["pain_now"].value == "7 of 10"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=10,
)


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(st.sampled_from([q.id for q in DEFINITION.questions]), JSON),
    st.dictionaries(st.sampled_from([q.id for q in DEFINITION.questions]), JSON),
)
def test_whatever_is_stored_renders(answers: dict[str, Any], invalid: dict[str, Any]) -> None:
    view = intake_display.build(DEFINITION, answers, invalid)
    for answer in rows(view).values():
        assert isinstance(answer.value, str)
        assert all(isinstance(item, str) for item in answer.items)
