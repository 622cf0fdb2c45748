"""Back-pain red flags: every flag fires when it should and only then.

Plain functions, no database: the screen is pure.
"""

from datetime import date
from typing import Any

import pytest
from django.utils.functional import Promise
from hypothesis import given, settings
from hypothesis import strategies as st

from acuclinic.patients import questionnaire as q
from acuclinic.patients import red_flags
from acuclinic.patients.red_flags import CATALOGUE, CODES, Severity, screen

TODAY = date(2026, 3, 15)
INTAKE = q.get_definition("intake-back-pain", 1)
RED_FLAG_QUESTIONS = [x for x in INTAKE.questions if x.red_flag]
EMERGENCIES = {"bladder_dysfunction", "bowel_dysfunction", "saddle_numbness", "leg_weakness"}


def all_clear(**changes: Any) -> dict[str, Any]:
    """Cleaned answers of a 35-year-old with two weeks of pain who says no to every red flag."""
    answers: dict[str, Any] = {x.id: False for x in RED_FLAG_QUESTIONS}
    answers["date_of_birth"] = "1990-06-01"
    answers["pain_duration"] = {"amount": 2, "unit": "weeks"}
    return {**answers, **changes}


def codes(answers: dict[str, Any], **kwargs: Any) -> list[str]:
    return [f.code for f in screen(INTAKE, answers, **{"today": TODAY, **kwargs})]


def test_every_red_flag_question_maps_to_a_flag_and_every_flag_is_asked() -> None:
    asked = {x.red_flag for x in RED_FLAG_QUESTIONS}
    asked |= {o.red_flag for x in INTAKE.questions for o in x.options if o.red_flag}
    assert asked <= CODES
    # The one flag no question asks directly is derived from two roles.
    assert CODES - asked == {red_flags.AGE_OVER_50_NEW_PAIN}
    assert INTAKE.by_role("date_of_birth") is not None
    assert INTAKE.by_role("pain_duration") is not None
    for x in RED_FLAG_QUESTIONS:
        assert x.type == q.YES_NO
        assert x.required, x.id  # a skipped safety question must not pass as "no"


def test_all_clear_raises_nothing() -> None:
    assert screen(INTAKE, all_clear(), today=TODAY) == []
    assert screen(INTAKE, {}, today=TODAY) == []


@pytest.mark.parametrize("flagged", RED_FLAG_QUESTIONS, ids=lambda x: x.id)
def test_each_red_flag_fires_on_yes_only(flagged: q.Question) -> None:
    flags = screen(INTAKE, all_clear(**{flagged.id: True}), today=TODAY)
    assert [f.code for f in flags] == [flagged.red_flag]
    flag = flags[0]
    assert flag.question_ids == (flagged.id,)
    expected = Severity.EMERGENCY if flag.code in EMERGENCIES else Severity.SEE_PHYSICIAN
    assert flag.severity is expected
    for not_yes in [False, None, "yes", 1, [True]]:  # cleaned answers are True or False
        assert codes(all_clear(**{flagged.id: not_yes})) == []


def test_the_screen_reads_answers_as_validate_cleans_them() -> None:
    raw = {"rf_saddle": "yes", "rf_cancer": "no", "date_of_birth": "1990-06-01"}
    cleaned = q.validate(INTAKE, raw, final=False, today=TODAY).answers
    assert codes(cleaned) == ["saddle_numbness"]


def test_emergencies_come_first_and_share_one_piece_of_advice() -> None:
    answers = all_clear(rf_cancer=True, rf_bowel=True, rf_bladder=True, rf_fever=True)
    flags = screen(INTAKE, answers, today=TODAY)
    assert [f.code for f in flags] == [
        "bladder_dysfunction",
        "bowel_dysfunction",
        "fever_infection",
        "cancer_history",
    ]
    advice = red_flags.advice(flags)
    assert len(advice) == 3
    assert "emergency" in advice[0]
    assert red_flags.highest_severity(flags) is Severity.EMERGENCY
    assert red_flags.highest_severity(flags[2:]) is Severity.SEE_PHYSICIAN
    assert red_flags.highest_severity([]) is None


def test_every_flag_has_advice_a_staff_label_and_a_desk_label() -> None:
    for flag in CATALOGUE.values():
        assert isinstance(flag.advice, Promise)  # translated when shown
        assert isinstance(flag.staff_label, Promise)
        assert len(str(flag.staff_label)) <= 60
        assert "doctor" in str(flag.advice) or "emergency" in str(flag.advice)
    # The front desk sees that there is an alert, not what it is about.
    assert Severity.EMERGENCY.label == "Red flag: advised to seek emergency care"
    assert "physician" in Severity.SEE_PHYSICIAN.label


def test_the_guidelines_are_cited() -> None:
    assert red_flags.__doc__ is not None
    for source in ["NICE NG59", "ACP 2017", "cauda equina"]:
        assert source in red_flags.__doc__


# --- age 50 or over with new pain -----------------------------------------------------------


def born_years_before(years: int, today: date = TODAY, days: int = 0) -> str:
    return date.fromordinal(today.replace(year=today.year - years).toordinal() + days).isoformat()


@pytest.mark.parametrize(
    ("born", "fires"),
    [
        (born_years_before(50), True),  # the 50th birthday is today
        (born_years_before(50, days=1), False),  # ... tomorrow
        (born_years_before(50, days=-1), True),  # ... yesterday
        (born_years_before(49), False),
        (born_years_before(51, days=1), True),  # 50, nearly 51
        (born_years_before(90), True),
        (born_years_before(20), False),
    ],
)
def test_age_over_50_around_the_birthday(born: str, fires: bool) -> None:
    flagged = codes(all_clear(date_of_birth=born)) == [red_flags.AGE_OVER_50_NEW_PAIN]
    assert flagged is fires


def test_a_leap_day_birthday() -> None:
    answers = all_clear(date_of_birth="1976-02-29")
    assert codes(answers, today=date(2026, 2, 28)) == []
    assert codes(answers, today=date(2026, 3, 1)) == [red_flags.AGE_OVER_50_NEW_PAIN]
    assert red_flags.age_on(date(1976, 2, 29), date(2024, 2, 29)) == 48


@pytest.mark.parametrize(
    ("duration", "fires"),
    [
        ({"amount": 1, "unit": "days"}, True),
        ({"amount": 6, "unit": "weeks"}, True),
        ({"amount": 83, "unit": "days"}, True),
        ({"amount": 12, "unit": "weeks"}, False),  # chronic: not new
        ({"amount": 3, "unit": "months"}, False),
        ({"amount": 10, "unit": "years"}, False),
        (None, False),  # unknown: the question is required when the intake is sent
    ],
)
def test_only_new_pain_counts(duration: object, fires: bool) -> None:
    answers = all_clear(date_of_birth=born_years_before(60), pain_duration=duration)
    assert (codes(answers) == [red_flags.AGE_OVER_50_NEW_PAIN]) is fires


def test_the_record_s_date_of_birth_wins_over_the_answer() -> None:
    answers = all_clear(date_of_birth=born_years_before(30))
    older = date(1950, 1, 1)
    flags = screen(INTAKE, answers, date_of_birth=older, today=TODAY)
    assert [f.code for f in flags] == [red_flags.AGE_OVER_50_NEW_PAIN]
    assert flags[0].question_ids == ("pain_duration",)
    young = date(2000, 1, 1)
    assert codes(all_clear(date_of_birth="1950-01-01"), date_of_birth=young) == []
    missing = all_clear()
    del missing["date_of_birth"]
    assert codes(missing) == []
    assert codes(missing, date_of_birth=older) == [red_flags.AGE_OVER_50_NEW_PAIN]


def test_the_age_flag_names_both_answers() -> None:
    flags = screen(INTAKE, all_clear(date_of_birth="1950-01-01"), today=TODAY)
    assert flags[0].question_ids == ("date_of_birth", "pain_duration")


def test_a_definition_without_the_roles_cannot_raise_the_age_flag() -> None:
    data = {
        "key": "short",
        "version": 1,
        "title": "Short",
        "sections": [
            {"id": "s", "title": "S", "questions": [{"id": "a", "type": "yes_no", "label": "A"}]}
        ],
    }
    d = q.parse_definition(data, red_flag_codes=CODES)
    assert screen(d, {"a": True}, date_of_birth=date(1940, 1, 1), today=TODAY) == []


def test_flags_on_choice_options() -> None:
    data = {
        "key": "choices",
        "version": 1,
        "title": "Choices",
        "sections": [
            {
                "id": "s",
                "title": "S",
                "questions": [
                    {
                        "id": "since",
                        "type": "multiple_choice",
                        "label": "Since the pain began",
                        "none_option": "none",
                        "options": [
                            {"value": "fever", "label": "Fever", "red_flag": "fever_infection"},
                            {"value": "numb", "label": "Numb", "red_flag": "saddle_numbness"},
                            {"value": "tired", "label": "Tired"},
                            {"value": "none", "label": "None"},
                        ],
                    },
                    {
                        "id": "cause",
                        "type": "single_choice",
                        "label": "It began",
                        "options": [
                            {"value": "fall", "label": "After a fall", "red_flag": "trauma"},
                            {"value": "slowly", "label": "Slowly"},
                        ],
                    },
                ],
            }
        ],
    }
    d = q.parse_definition(data, red_flag_codes=CODES)
    flags = screen(d, {"since": ["fever", "numb", "tired"], "cause": "fall"}, today=TODAY)
    assert [(f.code, f.question_ids) for f in flags] == [
        ("saddle_numbness", ("since",)),
        ("fever_infection", ("since",)),
        ("trauma", ("cause",)),
    ]
    assert screen(d, {"since": ["tired"], "cause": "slowly"}, today=TODAY) == []
    assert screen(d, {"since": ["none"]}, today=TODAY) == []


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
ANSWER_IDS = [x.id for x in INTAKE.questions]


@settings(max_examples=200, deadline=None)
@given(answers=st.dictionaries(st.sampled_from(ANSWER_IDS) | st.text(max_size=8), json_values))
def test_the_screen_never_raises(answers: dict[str, Any]) -> None:
    """Even on answers nobody cleaned: the screen runs on drafts as they are saved."""
    for flag in screen(INTAKE, answers, today=TODAY):
        assert flag.code in CODES
