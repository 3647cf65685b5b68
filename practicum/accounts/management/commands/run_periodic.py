"""Run the periodic jobs (reminders, expiry) named in settings.PERIODIC_COMMANDS.

Each job is an idempotent management command, and each runs once per round of `--every`
seconds however many `run_periodic` processes there are: a process claims (job, round) in
`PeriodicClaim` before running it, and the one that loses the claim skips it. Run it as a
long-lived process (`make periodic`, a systemd unit) or from cron with `--once`.

Between rounds and before each job stale connections are closed, so a database restart costs at
most the job that was running; a database gone for over DATABASE_RECONNECT_SECONDS ends the
process with status 1 for its supervisor to restart, never a live process that does nothing.
"""

import datetime
import os
import socket
import time

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.db import DatabaseError, IntegrityError, close_old_connections, transaction
from django.utils import timezone

from practicum.accounts.models import PeriodicClaim
from practicum.lib.durable_tasks import is_database_outage, wait_for_database

CLAIMS_KEPT = datetime.timedelta(days=2)


def round_start(now: datetime.datetime, every: int) -> datetime.datetime:
    seconds = int(now.timestamp()) // every * every
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)


def job_claim(job: str, start: datetime.datetime, claimant: str) -> bool:
    """True when this process won `job` for the round starting at `start`."""
    try:
        with transaction.atomic():
            PeriodicClaim.objects.create(job=job, round_start=start, claimed_by=claimant)
    except IntegrityError:
        return False
    return True


class Command(BaseCommand):
    help = "Run the idempotent periodic jobs, once or every --every seconds."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run one round and exit")
        parser.add_argument("--every", type=int, default=300, help="seconds between rounds")

    def handle(self, *args, once=False, every=300, **options):
        every = max(every, 10)
        self.claimant = f"{socket.gethostname()}:{os.getpid()}"
        while True:
            self.run_round(round_start(timezone.now(), every))
            if once:
                return
            # Sleep to the next round boundary, so every process's rounds line up.
            time.sleep(every - time.time() % every + 0.5)

    def run_round(self, start: datetime.datetime) -> None:
        available = get_commands()
        for name in settings.PERIODIC_COMMANDS:
            if name not in available:
                continue  # an app that is not installed here
            self.run_job(name, start)
        self.run_job_step(
            "claims",
            lambda: PeriodicClaim.objects.filter(round_start__lt=start - CLAIMS_KEPT).delete(),
        )

    def run_job(self, name: str, start: datetime.datetime) -> None:
        def step():
            if job_claim(name, start, self.claimant):
                call_command(name)

        self.run_job_step(name, step)

    def run_job_step(self, name: str, step) -> None:
        # A dead connection (the database restarted) is dropped here rather than reused.
        close_old_connections()
        try:
            step()
        except DatabaseError as exc:
            self.stderr.write(f"{name} failed: {type(exc).__name__}")
            if is_database_outage(exc):
                wait_for_database(give_up_after=settings.DATABASE_RECONNECT_SECONDS)
        except Exception as exc:  # one failing job must not stop the others
            self.stderr.write(f"{name} failed: {type(exc).__name__}")
