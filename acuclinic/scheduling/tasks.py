"""Background work for scheduling (decision 6). Each task is safe to run twice."""

from django.tasks import task

from . import waitlist


@task()
def offer_freed_time(appointment_id: int) -> None:
    waitlist.offer_freed_time(appointment_id)
