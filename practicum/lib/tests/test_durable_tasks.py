"""Durable background tasks (lib/durable_tasks.py), in one process: leases, retries with
backoff, failure shown to site administrators. Real worker processes: test_worker_processes.py."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult, get_date_max

from practicum.audit.models import AuditEntry
from practicum.lib import durable_tasks
from practicum.lib.emails import CLEARED, enqueue_email

pytestmark = pytest.mark.django_db

CALLS: list[str] = []


@task()
def flaky(*, label: str) -> None:
    CALLS.append(label)
    raise RuntimeError("the far end said no")


@pytest.fixture(autouse=True)
def _quick(settings):
    settings.TASK_LEASE_SECONDS = 60
    settings.TASK_MAX_ATTEMPTS = 3
    settings.TASK_RETRY_BACKOFF_SECONDS = 30
    CALLS.clear()


def _orphan(row: DBTaskResult, *, claimed_ago: float, lease_left: float | None) -> DBTaskResult:
    """Make `row` look claimed by a worker that then died (or is still alive)."""
    now = timezone.now()
    row.status = "RUNNING"
    row.started_at = now - datetime.timedelta(seconds=claimed_ago)
    row.worker_ids = [*row.worker_ids, "dead-worker"]
    row.run_after = (
        get_date_max() if lease_left is None else now + datetime.timedelta(seconds=lease_left)
    )
    row.save()
    return row


def test_a_task_whose_worker_died_is_queued_again_after_its_lease_with_backoff():
    enqueue_email(to=["a@example.org"], subject="Hello", text="Hi")
    row = _orphan(DBTaskResult.objects.get(), claimed_ago=120, lease_left=-30)
    assert durable_tasks.requeue_expired() == 1
    row.refresh_from_db()
    assert row.status == "READY"
    assert row.exception_class_path.endswith("LeaseExpired")
    wait = row.run_after - timezone.now()
    assert datetime.timedelta(seconds=25) < wait <= datetime.timedelta(seconds=30)


def test_a_worker_that_died_before_its_first_renewal_is_caught_too():
    enqueue_email(to=["a@example.org"], subject="Hello", text="Hi")
    _orphan(DBTaskResult.objects.get(), claimed_ago=120, lease_left=None)
    assert durable_tasks.requeue_expired() == 1


def test_a_live_lease_or_a_fresh_claim_is_left_alone():
    enqueue_email(to=["a@example.org"], subject="One", text="Hi")
    enqueue_email(to=["b@example.org"], subject="Two", text="Hi")
    one, two = DBTaskResult.objects.order_by("enqueued_at")
    _orphan(one, claimed_ago=600, lease_left=20)  # a long task, still renewed
    _orphan(two, claimed_ago=5, lease_left=None)  # claimed a moment ago, lease not yet taken
    assert durable_tasks.requeue_expired() == 0
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"RUNNING"}


def test_after_the_last_attempt_the_task_is_failed():
    enqueue_email(to=["a@example.org"], subject="Hello", text="Hi")
    row = DBTaskResult.objects.get()
    row.worker_ids = ["w1", "w2"]
    row.save()
    _orphan(row, claimed_ago=120, lease_left=-1)  # the third attempt, of three
    durable_tasks.requeue_expired()
    row.refresh_from_db()
    assert row.status == "FAILED" and row.finished_at is not None


def test_backoff_doubles_and_is_capped():
    assert [durable_tasks.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert durable_tasks.backoff(30).total_seconds() == 3600


def test_a_task_that_raises_is_retried_then_failed(run_tasks, settings):
    settings.TASK_RETRY_BACKOFF_SECONDS = 0  # the batch worker finds each retry due at once
    flaky.enqueue(label="x")
    run_tasks()
    row = DBTaskResult.objects.get()
    assert CALLS == ["x", "x", "x"]
    assert row.status == "FAILED" and len(row.worker_ids) == 3
    assert row.exception_class_path == "builtins.RuntimeError"


def test_a_retry_waits_its_backoff(run_tasks):
    flaky.enqueue(label="x")
    run_tasks()
    row = DBTaskResult.objects.get()
    assert CALLS == ["x"] and row.status == "READY" and row.run_after > timezone.now()


def test_an_email_whose_worker_died_before_sending_is_sent_once(run_tasks):
    enqueue_email(to=["a@example.org"], subject="Hello", text="Hi")
    _orphan(DBTaskResult.objects.get(), claimed_ago=120, lease_left=-1)
    durable_tasks.requeue_expired()
    DBTaskResult.objects.update(run_after=get_date_max())  # its backoff has passed
    run_tasks()
    run_tasks()
    assert [m.subject for m in mail.outbox] == ["Hello"]
    row = DBTaskResult.objects.get()
    assert row.status == "SUCCESSFUL" and row.args_kwargs == CLEARED
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<task-{row.pk}@practicum.localhost>"


def test_an_email_whose_worker_died_after_the_commit_is_not_sent_again(run_tasks):
    enqueue_email(to=["a@example.org"], subject="Hello", text="Hi")
    row = DBTaskResult.objects.get()
    row.args_kwargs = CLEARED  # sent, and the row cleared, then the worker died
    row.save()
    _orphan(row, claimed_ago=120, lease_left=-1)
    durable_tasks.requeue_expired()
    DBTaskResult.objects.update(run_after=get_date_max())
    run_tasks()
    assert mail.outbox == []
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_worker_that_lost_its_lease_does_not_overwrite_the_newer_attempt():
    enqueue_email(to=["a@example.org"], subject="Hello", text="Hi")
    row = _orphan(DBTaskResult.objects.get(), claimed_ago=1, lease_left=60)
    row.worker_ids = ["stalled", "newer"]
    row.save()
    assert durable_tasks.attempt_succeeded(row.pk, "stalled", None) is None
    assert durable_tasks.lease_renew(row.pk, "stalled") is False
    assert DBTaskResult.objects.get().status == "RUNNING"
    assert durable_tasks.lease_renew(row.pk, "newer") is True


# --- the failed tasks in the admin ----------------------------------------------------------


@pytest.fixture
def failed_row():
    flaky.enqueue(label="x")
    row = DBTaskResult.objects.get()
    row.status, row.worker_ids, row.exception_class_path = "FAILED", ["a", "b", "c"], "x.Boom"
    row.finished_at = timezone.now()
    row.save()
    return row


def test_site_administrators_see_failed_tasks_and_queue_them_again(client, site_admin, failed_row):
    enqueue_email(to=["a@example.org"], subject="Queued", text="Hi")
    client.force_login(site_admin)
    url = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    page = client.get(url)
    assert page.status_code == 200
    assert "flaky" in page.content.decode() and "deliver_email" not in page.content.decode()
    assert "deliver_email" in client.get(url + "?state=all").content.decode()
    response = client.post(url, {"action": "retry", "_selected_action": [str(failed_row.pk)]})
    assert response.status_code == 302
    failed_row.refresh_from_db()
    assert failed_row.status == "READY" and failed_row.worker_ids == []
    entry = AuditEntry.objects.get(action="task.retried")
    assert entry.actor == site_admin and entry.before["attempts"] == 3


def test_the_task_list_is_for_site_administrators_with_mfa_only(client, staff, mentor, failed_row):
    url = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    for user in (mentor, staff):
        client.force_login(user)
        assert client.get(url).status_code == 302
        client.post(url, {"action": "retry", "_selected_action": [str(failed_row.pk)]})
    failed_row.refresh_from_db()
    assert failed_row.status == "FAILED"


def test_the_batch_worker_sweeps_expired_leases_first(run_tasks):
    enqueue_email(to=["a@example.org"], subject="Hello", text="Hi")
    _orphan(DBTaskResult.objects.get(), claimed_ago=120, lease_left=-1)
    with mock.patch.object(durable_tasks, "backoff", return_value=datetime.timedelta(0)):
        run_tasks()
    assert [m.subject for m in mail.outbox] == ["Hello"]


# --- no live process that does nothing ------------------------------------------------------


def test_the_worker_runs_without_the_autoreloader_unless_asked(settings):
    from practicum.accounts.management.commands.db_worker import Command

    settings.DEBUG = True
    parser = Command().create_parser("manage.py", "db_worker")
    assert parser.parse_args([]).reload is False
    assert parser.parse_args(["--reload"]).reload is True


def test_under_the_reloader_a_worker_that_dies_ends_its_process():
    from practicum.accounts.management.commands.db_worker import _or_exit

    def dies():
        raise RuntimeError("the main thread's end")

    with mock.patch("os._exit", side_effect=SystemExit) as exit_, pytest.raises(SystemExit):
        _or_exit(dies)()
    exit_.assert_called_once_with(1)
