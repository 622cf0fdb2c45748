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
        from django.db.models.signals import post_delete, post_save

        from acuclinic.outcomes.models import Score
        from acuclinic.scheduling.models import Appointment

        for model in (Score, Appointment):
            post_save.connect(_changed, sender=model, dispatch_uid=f"outcomes-save-{model}")
            post_delete.connect(_changed, sender=model, dispatch_uid=f"outcomes-del-{model}")


def _changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loaddata: rebuild_outcome_summaries afterwards
        return
    from acuclinic.outcomes import summary

    summary.schedule(instance.patient_id)
