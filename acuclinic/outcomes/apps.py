from typing import Any

from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "acuclinic.outcomes"
    verbose_name = "Outcomes"

    def ready(self) -> None:
        # Signals, though STYLE.md keeps domain logic out of them: CourseSummary is a derived
        # cache of a patient's scores and attended visits, not domain state, and it must follow
        # every write of those rows wherever it happens (portal, desk, charting, imports)
        # without each writer knowing about it. The recompute itself runs after the commit,
        # once per patient per transaction (summary.schedule).
        from django.db.models.signals import post_delete, post_init, post_save

        from acuclinic.outcomes.models import Score
        from acuclinic.scheduling.models import Appointment

        for model in (Score, Appointment):
            post_save.connect(_changed, sender=model, dispatch_uid=f"outcomes-save-{model}")
            post_delete.connect(_changed, sender=model, dispatch_uid=f"outcomes-del-{model}")
        post_init.connect(_remember_status, sender=Appointment, dispatch_uid="outcomes-init")


def _remember_status(sender: Any, instance: Any, **kwargs: Any) -> None:
    # The status the appointment had when loaded: an appointment that was not a visit and is
    # not one now (a booking made, moved or cancelled) changes no course of treatment.
    instance._status_when_loaded = instance.__dict__.get("status")


def _changed(
    sender: Any, instance: Any, raw: bool = False, created: bool = False, **kwargs: Any
) -> None:
    if raw:  # loaddata: rebuild_outcome_summaries afterwards
        return
    from acuclinic.outcomes import data, summary
    from acuclinic.outcomes.models import Score

    if sender is not Score:
        was = None if created else getattr(instance, "_status_when_loaded", None)
        unknown = not created and was is None  # loaded without its status: follow it
        if not unknown and instance.status not in data.ATTENDED and was not in data.ATTENDED:
            # Not a visit before this save and not one after (a booking made, moved or
            # cancelled): no course changes, and the booking path stays free of the recompute.
            instance._status_when_loaded = instance.status
            return
        instance._status_when_loaded = instance.status

    summary.schedule(instance.patient_id)
