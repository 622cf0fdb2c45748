"""Background work for messages (decision 6). Every task is safe to run twice or at once in two
workers: composing writes rows under unique dedupe keys, sending claims its row first."""

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.tasks import task
from django.utils import translation

from . import compose, outbox


def _compose(make: Callable[[], list[compose.Draft]]) -> int:
    # A worker has no request: messages are in the clinic's language.
    with translation.override(settings.LANGUAGE_CODE):
        return outbox.post(make())


@task()
def compose_booked(appointment_id: int, series: bool = False) -> int:
    return _compose(lambda: compose.for_booking(appointment_id, series=series))


@task()
def compose_moved(appointment_id: int, previous_start: str) -> int:
    start = datetime.fromisoformat(previous_start)
    return _compose(lambda: compose.for_move(appointment_id, previous_start=start))


@task()
def compose_cancelled(appointment_id: int) -> int:
    return _compose(lambda: compose.for_cancellation(appointment_id))


@task()
def compose_waitlist_offer(offer_id: int) -> int:
    return _compose(lambda: compose.waitlist_offer(offer_id))


@task()
def send_message(message_id: int) -> str:
    return outbox.deliver(message_id)
