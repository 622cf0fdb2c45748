"""Back-pain red flags: the answers that call for a physician before acupuncture.

The list follows DOMAIN.md, which draws on:
- NICE NG59, "Low back pain and sciatica in over 16s: assessment and management" (2016,
  updated 2020): rule out specific causes (cancer, infection, trauma, inflammatory disease)
  before treating non-specific low back pain. The red flags for those causes are spelled out
  in NICE's Clinical Knowledge Summary on low back pain: fever or recent infection, IV drug
  use and immunosuppression (infection); history of cancer, unexplained weight loss, age over
  50 and night pain that does not ease (cancer); significant trauma (fracture).
- ACP 2017, Qaseem et al., "Noninvasive treatments for acute, subacute, and chronic low back
  pain" (Ann Intern Med 166:514), and the ACP/APS 2007 guideline on diagnosis it builds on
  (Chou et al., Ann Intern Med 147:478): the same history, with age over 50 as a risk factor
  for cancer, and cauda equina signs calling for prompt evaluation.
- NICE's Clinical Knowledge Summary on cauda equina syndrome and the NHS page on it: new
  bladder or bowel dysfunction, numbness around the genitals and anus ("saddle"), and
  progressive weakness of the legs are an emergency: hospital care the same day, not a
  referral.

Each red-flag question in a definition carries a `red_flag` code (or an option does), so the
screen depends on codes, never on wording. "Age over 50 with new pain" is derived from the
questions with the roles `date_of_birth` and `pain_duration`.

Pure: cleaned answers in, flags out.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from acuclinic.patients.questionnaire import (
    MULTIPLE_CHOICE,
    SINGLE_CHOICE,
    YES_NO,
    Chronicity,
    Definition,
    Question,
    classify_duration,
    parse_date,
)


class Severity(StrEnum):
    EMERGENCY = "emergency"  # emergency care today
    SEE_PHYSICIAN = "see_physician"  # a physician before the first acupuncture visit

    @property
    def label(self) -> str:
        """What the front desk may see: the alert, never the clinical detail behind it."""
        return str(_SEVERITY_LABELS[self])


_SEVERITY_LABELS = {
    Severity.EMERGENCY: _("Red flag: advised to seek emergency care"),
    Severity.SEE_PHYSICIAN: _("Red flag: advised to see a physician first"),
}


@dataclass(frozen=True)
class RedFlag:
    code: str
    severity: Severity
    advice: str | Promise  # shown to the patient
    staff_label: str | Promise  # short, for the practitioner


@dataclass(frozen=True)
class Flag:
    """A red flag raised by one patient's answers."""

    code: str
    severity: Severity
    advice: str | Promise
    staff_label: str | Promise
    question_ids: tuple[str, ...]  # the answers that raised it


CAUDA_EQUINA_ADVICE = _(
    "Some of your answers can be a sign of pressure on the nerves at the base of the spine. "
    "This is rare, but it needs a doctor's care today. Please go to an emergency department "
    "now, or call your local emergency number. Do not wait for your acupuncture appointment; "
    "we will be glad to see you once a doctor has checked you."
)

CATALOGUE: Mapping[str, RedFlag] = MappingProxyType(
    {
        flag.code: flag
        for flag in [
            # Cauda equina syndrome (NICE CKS; NHS): emergency.
            RedFlag(
                "bladder_dysfunction",
                Severity.EMERGENCY,
                CAUDA_EQUINA_ADVICE,
                _("New bladder problem (possible cauda equina)"),
            ),
            RedFlag(
                "bowel_dysfunction",
                Severity.EMERGENCY,
                CAUDA_EQUINA_ADVICE,
                _("New bowel problem (possible cauda equina)"),
            ),
            RedFlag(
                "saddle_numbness",
                Severity.EMERGENCY,
                CAUDA_EQUINA_ADVICE,
                _("Saddle numbness (possible cauda equina)"),
            ),
            RedFlag(
                "leg_weakness",
                Severity.EMERGENCY,
                CAUDA_EQUINA_ADVICE,
                _("Progressive leg weakness"),
            ),
            # Serious specific causes (NICE NG59; ACP 2007/2017): a physician first.
            RedFlag(
                "fever_infection",
                Severity.SEE_PHYSICIAN,
                _(
                    "You told us about a fever or a recent infection. With back pain, a doctor "
                    "should check this before acupuncture, to rule out an infection near the "
                    "spine. Please see your doctor before your first visit; if you feel very "
                    "unwell, seek care today."
                ),
                _("Fever or recent infection"),
            ),
            RedFlag(
                "weight_loss",
                Severity.SEE_PHYSICIAN,
                _(
                    "You told us you have lost weight without trying. Please ask your doctor to "
                    "look into this, together with your back pain, before your first visit."
                ),
                _("Unexplained weight loss"),
            ),
            RedFlag(
                "cancer_history",
                Severity.SEE_PHYSICIAN,
                _(
                    "Because you have had cancer, new back pain should be checked by your "
                    "doctor before acupuncture. Please see your doctor before your first visit."
                ),
                _("History of cancer"),
            ),
            RedFlag(
                "trauma",
                Severity.SEE_PHYSICIAN,
                _(
                    "Because your pain started after a fall, an accident or a hard knock, please "
                    "see a doctor first to make sure nothing is broken or damaged."
                ),
                _("Significant trauma"),
            ),
            RedFlag(
                "age_over_50_new_pain",
                Severity.SEE_PHYSICIAN,
                _(
                    "New back pain at the age of 50 or over should be checked by a doctor "
                    "before treatment. Please see your doctor before your first visit."
                ),
                _("Age 50 or over with new back pain"),
            ),
            RedFlag(
                "night_pain",
                Severity.SEE_PHYSICIAN,
                _(
                    "Pain that stays bad at night, whatever position you lie in, should be "
                    "checked by a doctor. Please see your doctor before your first visit."
                ),
                _("Night pain not eased by rest"),
            ),
            RedFlag(
                "immunosuppression",
                Severity.SEE_PHYSICIAN,
                _(
                    "When the immune system is weakened, back pain can have causes a doctor "
                    "should rule out. Please see your doctor before your first visit."
                ),
                _("Weakened immune system"),
            ),
            RedFlag(
                "iv_drug_use",
                Severity.SEE_PHYSICIAN,
                _(
                    "Injecting drugs raises the risk of an infection near the spine, so please "
                    "see a doctor about your back pain before your first visit. Your answers "
                    "are confidential."
                ),
                _("Injected drug use"),
            ),
        ]
    }
)
CODES: frozenset[str] = frozenset(CATALOGUE)
AGE_OVER_50_NEW_PAIN = "age_over_50_new_pain"

# The ACP/APS 2007 guideline lists "age > 50"; the study behind it (Deyo and Diehl, J Gen Intern
# Med 1988) used 50 or older. A screen errs towards caution: it flags from the 50th birthday.
AGE_THRESHOLD = 50
# "New" pain: this episode began less than 12 weeks ago (not yet chronic, see Chronicity).
NEW_PAIN = (Chronicity.ACUTE, Chronicity.SUBACUTE)

_ORDER = {code: i for i, code in enumerate(CATALOGUE)}
_SEVERITY_ORDER = {Severity.EMERGENCY: 0, Severity.SEE_PHYSICIAN: 1}


def age_on(date_of_birth: date, today: date) -> int:
    """Age in whole years (someone born on 29 February turns a year older on 1 March)."""
    before_birthday = (today.month, today.day) < (date_of_birth.month, date_of_birth.day)
    return today.year - date_of_birth.year - before_birthday


def screen(
    definition: Definition,
    answers: Mapping[str, object],
    *,
    date_of_birth: date | None = None,
    today: date | None = None,
) -> list[Flag]:
    """The red flags raised by cleaned `answers` to `definition`: emergencies first.

    Works on drafts too (the advice can show as soon as a question is answered). The date of
    birth comes from the patient's record when given, else from the `date_of_birth` question.
    """
    raised: dict[str, list[str]] = {}
    for question in definition.questions:
        for code in _codes_raised(question, answers.get(question.id)):
            raised.setdefault(code, []).append(question.id)
    age_flag = _age_over_50_new_pain(definition, answers, date_of_birth, today)
    if age_flag:
        raised.setdefault(AGE_OVER_50_NEW_PAIN, []).extend(age_flag)
    flags = [_flag(code, tuple(ids)) for code, ids in raised.items() if code in CATALOGUE]
    return sorted(flags, key=lambda f: (_SEVERITY_ORDER[f.severity], _ORDER[f.code]))


def advice(flags: list[Flag]) -> list[str]:
    """The advice to show the patient, each message once (the cauda equina flags share one)."""
    messages: list[str] = []
    for flag in flags:
        if str(flag.advice) not in messages:
            messages.append(str(flag.advice))
    return messages


def highest_severity(flags: list[Flag]) -> Severity | None:
    return min((f.severity for f in flags), key=_SEVERITY_ORDER.__getitem__, default=None)


def _codes_raised(question: Question, answer: object) -> list[str]:
    if question.type == YES_NO:
        return [question.red_flag] if question.red_flag and answer is True else []
    if question.type in (SINGLE_CHOICE, MULTIPLE_CHOICE):
        chosen = answer if isinstance(answer, list) else [answer]
        return [o.red_flag for o in question.options if o.red_flag and o.value in chosen]
    return []


def _age_over_50_new_pain(
    definition: Definition,
    answers: Mapping[str, object],
    date_of_birth: date | None,
    today: date | None,
) -> list[str] | None:
    """The question ids behind the flag when it is raised, else None."""
    ids: list[str] = []
    birth_question = definition.by_role("date_of_birth")
    if date_of_birth is None and birth_question is not None:
        date_of_birth = parse_date(answers.get(birth_question.id))
        ids.append(birth_question.id)
    duration_question = definition.by_role("pain_duration")
    if date_of_birth is None or duration_question is None:
        return None
    chronicity = classify_duration(answers.get(duration_question.id))
    if chronicity not in NEW_PAIN:
        return None
    today = today or timezone.localdate()
    if age_on(date_of_birth, today) < AGE_THRESHOLD:
        return None
    return [*ids, duration_question.id]


def _flag(code: str, question_ids: tuple[str, ...]) -> Flag:
    info = CATALOGUE[code]
    return Flag(code, info.severity, info.advice, info.staff_label, question_ids)
