"""The intake before the first visit: open a draft, save as the patient types, submit, review.

The questionnaire engine (questionnaire.py) and the red-flag screen (red_flags.py) are pure;
this module is their edge: it stores a patient's answers in an IntakeResponse, runs the screen
on every save, copies the pain scores into outcomes once the intake is submitted, and writes
an audit entry for each change (decision 4). Views load an intake only through
`access_intake`.
"""

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from acuclinic.clinic import audit

from . import red_flags
from .access import Purpose, load
from .models import IntakeResponse, IntakeStatus, Patient
from .questionnaire import Definition, Result, get_definition, latest_version, validate

INTAKE_KEY = "intake-back-pain"  # what a new patient is asked (the clinic's default intake)

# The intake's pain questions, by role, as outcome scores (outcomes.models.PainItem).
PAIN_ROLES = {"pain_now": "now", "pain_average": "average", "pain_worst": "worst"}


def current_definition(key: str = INTAKE_KEY) -> Definition:
    return get_definition(key, latest_version(key))


def definition_of(intake: IntakeResponse) -> Definition:
    """The version the answers were given to (not today's), so old answers keep their meaning."""
    return get_definition(intake.questionnaire, intake.version)


def access_intake(request: HttpRequest, intake_id: object, purpose: Purpose) -> IntakeResponse:
    """The intake, if the user may see it for `purpose` (a patient: their own); else 404.

    Intake answers are clinical: the front desk gets 404 for CLINICAL. CONTACT is only for
    the patient's own portal page that lists what is due (a status, no answers)."""
    queryset = IntakeResponse.objects.select_related("patient")
    return load(request, queryset, intake_id, purpose, patient_path="patient")


def latest(patient: Patient, key: str = INTAKE_KEY) -> IntakeResponse | None:
    """The patient's newest intake of this questionnaire, draft or submitted."""
    return patient.intakes.filter(questionnaire=key).order_by("-started_at", "-pk").first()


def is_due(patient: Patient, key: str = INTAKE_KEY) -> bool:
    """Whether the patient still has to send this intake (none yet, or only a draft)."""
    return not patient.intakes.filter(questionnaire=key, status=IntakeStatus.SUBMITTED).exists()


def open_draft(
    patient: Patient,
    *,
    request: HttpRequest | None = None,
    appointment: Any = None,
    key: str = INTAKE_KEY,
) -> IntakeResponse:
    """The patient's open draft, or a new one on the latest version. Two tabs (or two quick
    taps) opening it at once get the same draft: the database allows one per questionnaire."""
    draft = patient.intakes.filter(questionnaire=key, status=IntakeStatus.DRAFT).first()
    if draft is not None:
        return draft
    try:
        with transaction.atomic():
            draft = IntakeResponse.objects.create(
                patient=patient,
                appointment=appointment,
                questionnaire=key,
                version=latest_version(key),
            )
            _audit(audit.Action.CREATE, draft, request)
    except IntegrityError:  # the other request made it first
        return patient.intakes.get(questionnaire=key, status=IntakeStatus.DRAFT)
    return draft


class IntakeClosed(ValueError):
    """The intake was submitted already: it is part of the record now and is not edited."""


@dataclass(frozen=True)
class Saved:
    result: Result
    flags: list[red_flags.Flag]
    submitted: bool


def save(
    intake: IntakeResponse,
    raw_answers: object,
    *,
    submit: bool,
    request: HttpRequest | None = None,
) -> Saved:
    """Check `raw_answers` against the intake's version and keep them.

    A draft save keeps every valid answer and the raw text of invalid ones (nothing typed is
    lost); a submit that does not validate is kept as a draft the same way, and reports the
    errors. A submitted intake also records its pain scores as outcome scores (baseline).
    """
    definition = definition_of(intake)
    today = timezone.localdate()
    result = validate(definition, raw_answers, final=submit, today=today)
    flags = red_flags.screen(
        definition, result.answers, date_of_birth=intake.patient.date_of_birth, today=today
    )
    severity = red_flags.highest_severity(flags)
    submitted = submit and result.ok
    with transaction.atomic():
        locked = IntakeResponse.objects.select_for_update().get(pk=intake.pk)
        if locked.status != IntakeStatus.DRAFT:
            raise IntakeClosed
        codes = [f.code for f in flags]
        if codes != locked.red_flags:
            # A changed screen is a new alert: it needs reviewing again.
            intake.flag_reviewed_by = None
            intake.flag_reviewed_at = None
        intake.answers = result.answers
        intake.invalid = result.invalid
        intake.red_flags = codes
        intake.red_flag_severity = str(severity) if severity else ""
        fields = ["answers", "invalid", "red_flags", "red_flag_severity", "updated_at"]
        fields += ["flag_reviewed_by", "flag_reviewed_at"]
        if submitted:
            intake.status = IntakeStatus.SUBMITTED
            intake.submitted_at = timezone.now()
            fields += ["status", "submitted_at"]
        intake.save(update_fields=fields)
        if submitted:
            _record_pain_scores(intake, definition, result)
        _audit(
            audit.Action.SIGN if submitted else audit.Action.UPDATE,
            intake,
            request,
            fields=sorted(result.answers),
            version=intake.version,
            **({"reason": "submitted"} if submitted else {}),
        )
        if submitted and severity:
            # The practitioner of the next visit hears of it (no clinical detail in the mail).
            from acuclinic.notifications import red_flag_notice  # notifications builds on us

            transaction.on_commit(lambda: red_flag_notice.queue(intake.pk))
    return Saved(result, flags, submitted)


def _record_pain_scores(intake: IntakeResponse, definition: Definition, result: Result) -> None:
    from acuclinic.outcomes.models import Score, Source

    scores = []
    for role, item in PAIN_ROLES.items():
        question = definition.by_role(role)
        value = result.answers.get(question.id) if question else None
        if isinstance(value, int) and not isinstance(value, bool):
            scores.append(
                Score(
                    patient=intake.patient,
                    measure="nprs",
                    item=item,
                    value=value,
                    observed_at=intake.submitted_at,
                    source=Source.INTAKE,
                    appointment=intake.appointment,
                )
            )
    Score.objects.bulk_create(scores)


def review_flag(intake: IntakeResponse, *, request: HttpRequest) -> None:
    """A practitioner has read the red-flag alert (and acted on it outside the software)."""
    with transaction.atomic():
        intake.flag_reviewed_by = request.user
        intake.flag_reviewed_at = timezone.now()
        intake.save(update_fields=["flag_reviewed_by", "flag_reviewed_at"])
        _audit(audit.Action.UPDATE, intake, request, reason="red_flag_reviewed")


def flags_of(intake: IntakeResponse) -> list[red_flags.Flag]:
    """The stored flags again as Flag objects (for the practitioner's view)."""
    return red_flags.screen(
        definition_of(intake),
        intake.answers,
        date_of_birth=intake.patient.date_of_birth,
        today=timezone.localdate(intake.updated_at) if intake.updated_at else None,
    )


def _audit(
    action: audit.Action, intake: IntakeResponse, request: HttpRequest | None, **detail: Any
) -> None:
    audit.record(
        action=action,
        record_type=intake,
        record_id=intake.pk,
        patient_id=intake.patient_id,
        request=request,
        detail=detail or None,
    )
