"""Real `db_worker` and `run_periodic` processes on PostgreSQL: a worker killed with `kill -9`
mid-send, two of each at once, and connections cut under them (`pg_terminate_backend`, never a
restart of the shared server). Emails are counted in a spool file (`mail_spool.py`)."""

import datetime
import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import make_user
from practicum.accounts.models import PeriodicClaim, Role
from practicum.lib.emails import enqueue_email
from practicum.lib.tests.mail_spool import spooled
from practicum.supervision import services
from practicum.supervision.models import Booking, ReminderSent
from practicum.supervision.tests.conftest import make_supervisor, next_weekday

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]


@pytest.fixture
def spool(tmp_path):
    return tmp_path / "mail.jsonl"


@pytest.fixture
def processes(spool):
    """Start management commands as separate processes on the test database; all stopped after."""
    started: list[subprocess.Popen] = []
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )

    def start(*command: str, **env: str) -> subprocess.Popen:
        environment = {
            **os.environ,
            "DATABASE_URL": url,
            "DEBUG": "1",
            "SECRET_KEY": settings.SECRET_KEY,
            "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
            "EMAIL_BACKEND": "practicum.lib.tests.mail_spool.SpoolBackend",
            "MAIL_SPOOL": str(spool),
            "TASK_LEASE_SECONDS": "3",
            "TASK_RETRY_BACKOFF_SECONDS": "1",
            "DATABASE_RECONNECT_SECONDS": "60",
            **env,
        }
        process = subprocess.Popen(
            [sys.executable, "manage.py", *command],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def worker(start, **env):
    return start("db_worker", "--interval", "0.2", "--no-startup-delay", **env)


def until(condition, *, timeout: float = 90, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.2)


def statuses() -> Counter:
    return Counter(DBTaskResult.objects.values_list("status", flat=True))


@pytest.mark.parametrize("dies", ["before the mail server accepts", "after it accepts"])
def test_a_worker_killed_mid_send_loses_nothing(processes, spool, dies):
    enqueue_email(to=["a@example.org"], subject="Once", text="Hi")
    row = DBTaskResult.objects.get()
    delay = "MAIL_DELAY_BEFORE" if dies.startswith("before") else "MAIL_DELAY_AFTER"
    doomed = worker(processes, **{delay: "30"})
    if delay == "MAIL_DELAY_BEFORE":
        until(lambda: statuses()["RUNNING"] == 1, what="the claim")
        time.sleep(0.5)
    else:
        until(lambda: len(spooled(spool)) == 1, what="the mail server's acceptance")
    doomed.send_signal(signal.SIGKILL)
    doomed.wait()
    worker(processes)
    until(lambda: statuses() == Counter(SUCCESSFUL=1), what="the retry")
    sent = [entry["id"] for entry in spooled(spool)]
    expected = 1 if delay == "MAIL_DELAY_BEFORE" else 2  # the one allowed duplicate
    assert sent == [f"<task-{row.pk}@practicum.localhost>"] * expected
    assert len(DBTaskResult.objects.get().worker_ids) == 2


def _bookings_within_a_day(count: int) -> None:
    sam = make_supervisor("sam.sup@example.org", name="Sam", windows=((0, "08:00", "12:00"),))
    now = timezone.now()
    for n in range(count):
        mentor = make_user(f"mentor{n}@example.org", Role.MENTOR, full_name=f"Mentor {n}")
        booking = services.booking_create(
            mentor=mentor, supervisor=sam, starts_at=next_weekday(0, "Europe/London", at="09:00")
            + datetime.timedelta(hours=n)
        )  # fmt: skip
        Booking.objects.filter(pk=booking.pk).update(
            starts_at=now + datetime.timedelta(hours=2 + n)
        )


def test_two_workers_and_two_periodic_runners_send_everything_exactly_once(
    processes, spool, frameworks
):
    _bookings_within_a_day(3)  # 6 reminders: mentor and supervisor of each
    for n in range(30):
        enqueue_email(to=[f"person{n}@example.org"], subject=f"Message {n}", text="Hi")
    runners = [processes("run_periodic", "--every", "10") for _ in range(2)]
    # Each send takes a moment, so the first worker up cannot drain the queue before the second
    # has started (on a fast machine it did, and the test saw one worker do everything).
    workers = [worker(processes, MAIL_DELAY_BEFORE="0.3") for _ in range(2)]
    until(lambda: ReminderSent.objects.count() == 6, what="the reminders")
    # Bookings' confirmations and other jobs queue emails too: every queued one goes once.
    until(lambda: set(statuses()) == {"SUCCESSFUL"}, what="every email")
    # A later round claimed by one runner or the other, still nothing twice.
    first = PeriodicClaim.objects.order_by("round_start").first().round_start
    until(lambda: PeriodicClaim.objects.filter(round_start__gt=first).exists(), what="round 2")
    until(lambda: set(statuses()) == {"SUCCESSFUL"}, what="every email")
    queued = {
        f"<task-{pk}@practicum.localhost>"
        for pk in DBTaskResult.objects.values_list("pk", flat=True)
    }
    sent = Counter(entry["id"] for entry in spooled(spool))
    assert set(sent) == queued and set(sent.values()) == {1}
    assert len(queued) >= 36
    reminders = [e for e in spooled(spool) if "Reminder" in e["subject"]]
    assert len(reminders) == 6
    assert all(p.poll() is None for p in runners + workers)
    assert len({entry["pid"] for entry in spooled(spool)}) == 2  # both workers did some
    claims = Counter(PeriodicClaim.objects.values_list("job", "round_start"))
    assert set(claims.values()) == {1}


def _cut_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_worker_and_periodic_runner_reconnect_after_their_connections_are_cut(processes, spool):
    runner = processes("run_periodic", "--every", "10")
    work = worker(processes)
    enqueue_email(to=["a@example.org"], subject="Before", text="Hi")
    until(lambda: len(spooled(spool)) == 1, what="the first email")
    until(lambda: PeriodicClaim.objects.exists(), what="a first round")
    assert _cut_connections() >= 2
    cut_at = timezone.now()
    enqueue_email(to=["a@example.org"], subject="After", text="Hi")
    until(lambda: len(spooled(spool)) == 2, timeout=30, what="an email after the cut")
    until(
        lambda: PeriodicClaim.objects.filter(claimed_at__gt=cut_at).exists(),
        timeout=30,
        what="a round after the cut",
    )
    assert runner.poll() is None and work.poll() is None


def test_a_database_gone_for_good_ends_the_worker_with_an_error(processes):
    work = worker(processes, DATABASE_URL="postgres://postgres@127.0.0.1:5432/no_such_database",
                  DATABASE_RECONNECT_SECONDS="2")  # fmt: skip
    assert work.wait(timeout=60) == 1
