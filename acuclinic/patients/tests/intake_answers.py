"""A complete, valid set of answers to the shipped back-pain intake (v1), for tests that need
one: a 41-year-old with chronic low back pain, an MRI showing a disc protrusion, no red flags.
Change one answer with `complete_answers(rf_saddle=True)`."""

from typing import Any


def complete_answers(**changes: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "date_of_birth": "1985-04-12",
        "chief_complaint": "Low back pain on the left side that stops me sitting at work.",
        "pain_map": {"regions": ["back.lower.left", "back.sacrum"], "worst": "back.lower.left"},
        "pain_now": 6,
        "pain_average": 5,
        "pain_worst": 8,
        "pain_duration": {"amount": 4, "unit": "months"},
        "eases": ["heat", "moving"],
        "worsens": ["sitting", "bending"],
        "imaging": ["mri"],
        "imaging_finding": ["disc"],
        "imaging_date": "2026-01",
        "takes_medications": True,
        "medications": [{"name": "Ibuprofen", "dose": "400 mg", "frequency": "as needed"}],
        "has_allergies": False,
        "pregnancy": ["none"],
        "bleeding_risk": False,
        "pacemaker": False,
        "needle_fear": False,
        "fainting": False,
        "rf_bladder": False,
        "rf_bowel": False,
        "rf_saddle": False,
        "rf_leg_weakness": False,
        "rf_fever": False,
        "rf_weight_loss": False,
        "rf_cancer": False,
        "rf_trauma": False,
        "rf_night_pain": False,
        "rf_immunosuppression": False,
        "rf_iv_drugs": False,
    }
    return {**answers, **changes}
