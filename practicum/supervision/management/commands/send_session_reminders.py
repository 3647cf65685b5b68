from django.core.management.base import BaseCommand

from practicum.supervision.services import reminders_send


class Command(BaseCommand):
    help = (
        "Queue reminder emails for supervision sessions starting in the next 24 hours. "
        "Idempotent: run it every few minutes; each person is reminded of each session once."
    )

    def handle(self, *args, **options):
        count = reminders_send()
        if options["verbosity"]:
            self.stdout.write(f"{count} reminders queued")
