"""Delete finished background-task rows after settings.TASK_RETENTION_HOURS (a periodic job).

A sent email's payload is cleared as soon as it is sent (`lib.emails`); this removes the rows
themselves, and failed ones with their tracebacks, so the task table keeps no history of who was
written to. Idempotent: a second run finds nothing more to delete.
"""

from django.core.management.base import BaseCommand

from practicum.lib.emails import prune_finished_tasks


class Command(BaseCommand):
    help = "Delete finished task rows older than TASK_RETENTION_HOURS."

    def handle(self, *args, **options):
        deleted = prune_finished_tasks()
        if options["verbosity"] > 1:
            self.stdout.write(f"{deleted} finished task rows deleted")
