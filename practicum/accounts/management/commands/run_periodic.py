"""Run the periodic jobs (reminders, expiry) named in settings.PERIODIC_COMMANDS.

Each job is an idempotent management command: running it twice sends nothing twice. In
production run this once a few minutes from cron or a timer (`--once`), or as a long-lived
process; `make run` starts it alongside the web server and the worker.
"""

import time

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the idempotent periodic jobs, once or every --every seconds."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every job once and exit")
        parser.add_argument("--every", type=int, default=300, help="seconds between rounds")

    def handle(self, *args, once=False, every=300, **options):
        while True:
            self.run_round()
            if once:
                return
            time.sleep(max(every, 10))

    def run_round(self) -> None:
        available = get_commands()
        for name in settings.PERIODIC_COMMANDS:
            if name not in available:
                continue  # an app that is not installed here
            try:
                call_command(name)
            except Exception as exc:  # one failing job must not stop the others
                self.stderr.write(f"{name} failed: {type(exc).__name__}")
