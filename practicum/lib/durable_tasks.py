"""Durable background work: leases, retries with backoff, failure visible to administrators.

django-tasks-db marks a row RUNNING when a worker claims it and relies on that worker to mark
it finished: a worker killed mid-run (`kill -9`, a lost machine) leaves the row RUNNING for ever,
and a task that raises is FAILED at once. This module adds what a fleet of workers needs,
without a schema change and keeping the django-tasks API (`@task`, `.enqueue`):

- **Lease.** While a task runs, its worker keeps `run_after` of the RUNNING row a lease ahead of
  now (`run_after` means nothing for a running row otherwise). A RUNNING row claimed over a lease
  ago whose `run_after` has passed lost its worker; any worker requeues it.
- **Attempts.** Each claim appends the worker's id to `worker_ids`, so their number counts the
  attempts. A failed attempt (an exception, or a lost lease) is queued again `run_after` an
  exponential backoff, until `TASK_MAX_ATTEMPTS`; then the row is FAILED and listed for site
  administrators (the admin's task list, filtered on Failed), who may queue it again.
- **Ownership.** A worker that lost its lease (it stalled, and another attempt began) does not
  record its result over the newer attempt's.

`DurableWorker` is django-tasks-db's worker with these rules; `manage.py db_worker` runs it.
"""

import contextlib
import logging
import threading
import time
import traceback
from datetime import timedelta

from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    transaction,
)
from django.db import connection as default_connection
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskContext
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger("practicum.tasks")

RUNNING = TaskResultStatus.RUNNING
READY = TaskResultStatus.READY
FAILED = TaskResultStatus.FAILED


class LeaseExpired(Exception):
    """Recorded on a task whose worker stopped renewing its lease (it died, or hung)."""


def lease() -> timedelta:
    return timedelta(seconds=settings.TASK_LEASE_SECONDS)


def attempts(row: DBTaskResult) -> int:
    return len(row.worker_ids or [])


def backoff(attempt: int) -> timedelta:
    """Wait before attempt `attempt + 1`: the base, doubled after each attempt, at most an hour."""
    base = settings.TASK_RETRY_BACKOFF_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempt - 1, 0), 3600))


def is_database_outage(exc: BaseException) -> bool:
    return isinstance(exc, (OperationalError, InterfaceError))


def lease_renew(task_id, worker_id: str) -> bool:
    """Push the lease of a running task a lease ahead; False when this worker no longer owns it."""
    with transaction.atomic():
        row = (
            DBTaskResult.objects.select_for_update()
            .filter(pk=task_id, status=RUNNING)
            .only("worker_ids")
            .first()
        )
        if row is None or (row.worker_ids or [None])[-1] != worker_id:
            return False
        DBTaskResult.objects.filter(pk=task_id).update(run_after=timezone.now() + lease())
    return True


def _retry_or_fail(row: DBTaskResult, exc: BaseException, now) -> None:
    """After a failed attempt: queue the row again after a backoff, or mark it FAILED."""
    row.exception_class_path = f"{type(exc).__module__}.{type(exc).__qualname__}"
    row.traceback = "".join(traceback.format_exception(exc))[-20000:]
    if attempts(row) >= settings.TASK_MAX_ATTEMPTS:
        row.status = FAILED
        row.finished_at = now
    else:
        row.status = READY
        row.run_after = now + backoff(attempts(row))
    row.return_value = None
    row.save(
        update_fields=[
            "status",
            "finished_at",
            "run_after",
            "exception_class_path",
            "traceback",
            "return_value",
        ]
    )


def requeue_expired(*, now=None) -> int:
    """Requeue (or fail, after the last attempt) RUNNING rows whose worker's lease ran out.
    Safe from any number of workers at once: each row is taken under a skip-locked lock."""
    now = now or timezone.now()
    stale = DBTaskResult.objects.filter(status=RUNNING, started_at__lt=now - lease()).filter(
        Q(run_after__lt=now) | Q(run_after=get_date_max())
    )
    count = 0
    with transaction.atomic():
        for row in stale.select_for_update(skip_locked=True).order_by("started_at")[:100]:
            error = LeaseExpired(
                f"worker {(row.worker_ids or ['?'])[-1]} stopped renewing its lease "
                f"(claimed at {row.started_at:%Y-%m-%d %H:%M:%S} UTC)"
            )
            _retry_or_fail(row, error, now)
            logger.warning("task %s (%s) lost its worker: %s", row.pk, row.task_path, row.status)
            count += 1
    return count


def _owned(task_id, worker_id: str) -> DBTaskResult | None:
    row = DBTaskResult.objects.select_for_update().filter(pk=task_id, status=RUNNING).first()
    if row is None or (row.worker_ids or [None])[-1] != worker_id:
        logger.warning("task %s: lease lost to another attempt; result not recorded", task_id)
        return None
    return row


def attempt_succeeded(task_id, worker_id: str, return_value) -> DBTaskResult | None:
    with transaction.atomic():
        row = _owned(task_id, worker_id)
        if row is not None:
            row.set_successful(return_value)
        return row


def attempt_failed(task_id, worker_id: str, exc: BaseException) -> DBTaskResult | None:
    with transaction.atomic():
        row = _owned(task_id, worker_id)
        if row is not None:
            _retry_or_fail(row, exc, timezone.now())
        return row


def retry_failed(rows) -> int:
    """Queue FAILED rows again with a fresh set of attempts (an administrator's retry).
    Returns how many were queued."""
    count = 0
    with transaction.atomic():
        for row in rows.select_for_update().filter(status=FAILED):
            row.status = READY
            row.run_after = get_date_max()  # django-tasks-db's "no delay"
            row.worker_ids = []
            row.started_at = row.finished_at = None
            row.exception_class_path = row.traceback = ""
            row.save()
            count += 1
    return count


def wait_for_database(*, give_up_after: float, log=logger) -> None:
    """Block until the database answers again, closing the dead connection first; SystemExit(1)
    after `give_up_after` seconds so a supervisor restarts the process instead."""
    deadline = time.monotonic() + give_up_after
    pause = 0.5
    while True:
        with contextlib.suppress(DatabaseError):
            default_connection.close()
        try:
            default_connection.ensure_connection()
            return
        except DatabaseError as exc:
            if time.monotonic() >= deadline:
                log.error("database unreachable for %ss (%s): exiting", give_up_after, exc)
                raise SystemExit(1) from exc
            log.warning("database unreachable (%s); retrying in %.1fs", exc, pause)
            time.sleep(pause)
            pause = min(pause * 2, 5)


class DurableWorker(Worker):
    """django-tasks-db's worker, with leases, retries, and reconnection after an outage."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.current_task_id = None
        self._stop = threading.Event()
        self._keeper = threading.Thread(target=self._keep_leases, name="lease-keeper", daemon=True)

    def run(self) -> None:
        # In --batch mode (tests, a cron job) no thread: one sweep, and leases taken at the start.
        if not self.batch:
            self._keeper.start()
        try:
            while True:
                try:
                    if self.batch:
                        requeue_expired()
                    return super().run()
                except DatabaseError as exc:
                    if not is_database_outage(exc):
                        raise
                    logger.warning("worker %s: database went away (%s)", self.worker_id, exc)
                    wait_for_database(give_up_after=settings.DATABASE_RECONNECT_SECONDS)
        finally:
            self._stop.set()

    def _keep_leases(self) -> None:
        # Its own thread (and so its own connection): the lease of a long task is renewed while
        # the task runs, and rows abandoned by dead workers are requeued even when this one is busy.
        tick = max(min(settings.TASK_LEASE_SECONDS / 4, 10), 0.2)
        next_sweep = 0.0
        while not self._stop.wait(tick):
            try:
                close_old_connections()
                if self.current_task_id is not None:
                    lease_renew(self.current_task_id, self.worker_id)
                if time.monotonic() >= next_sweep:
                    requeue_expired()
                    next_sweep = time.monotonic() + settings.TASK_LEASE_SECONDS / 2
            except Exception as exc:  # an outage: try again at the next tick
                logger.warning("lease keeper: %s", exc)
                with contextlib.suppress(DatabaseError):
                    default_connection.close()
        default_connection.close()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        task_id = db_task_result.pk
        self.current_task_id = task_id
        self.running_task = True
        backend_type = row = None
        try:
            lease_renew(task_id, self.worker_id)
            task = db_task_result.task
            task_result = db_task_result.task_result
            backend_type = type(task.get_backend())
            task_started.send(sender=backend_type, task_result=task_result)
            if task.takes_context:
                value = task.call(
                    TaskContext(task_result=task_result), *task_result.args, **task_result.kwargs
                )
            else:
                value = task.call(*task_result.args, **task_result.kwargs)
            row = attempt_succeeded(task_id, self.worker_id, value)
        except BaseException as exc:
            if is_database_outage(exc):
                raise  # the row stays RUNNING; its lease runs out and it is tried again
            logger.warning("task %s (%s) raised %s", task_id, db_task_result.task_path, exc)
            row = attempt_failed(task_id, self.worker_id, exc)
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
        finally:
            self.current_task_id = None
            self.running_task = False
            self._run_tasks += 1
        if row is not None and backend_type is not None and row.status != READY:
            task_finished.send(sender=backend_type, task_result=row.task_result)
