"""Comment notices go through the real task queue and the real worker (decision 6)."""

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from acuclinic.website.models import Comment

from .helpers import ARTICLE, comment_data

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_db_worker_sends_the_staff_notice_once(demo, client, settings, smtp_server) -> None:
    settings.TASKS = DB_TASKS
    assert client.post(ARTICLE, comment_data(client)).status_code == 303
    comment = Comment.objects.get()
    queued = DBTaskResult.objects.filter(task_path__endswith="notify_staff_of_comment")
    assert queued.count() == 1 and smtp_server.messages == []

    call_command("db_worker", "--batch", "--queue-name", "*")
    assert len(smtp_server.messages) == 1
    assert queued.get().status == "SUCCESSFUL"

    # The same task enqueued again (a retry after a crash, say) sends nothing more.
    from acuclinic.website.tasks import notify_staff_of_comment

    notify_staff_of_comment.enqueue(comment.pk)
    call_command("db_worker", "--batch", "--queue-name", "*")
    assert len(smtp_server.messages) == 1
