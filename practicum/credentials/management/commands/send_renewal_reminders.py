from django.core.management.base import BaseCommand

from practicum.credentials.services import renewal_reminders_send


class Command(BaseCommand):
    help = (
        "Email the renewal reminders due (90, 30 and 7 days before expiry, as the rules say). "
        "Idempotent: each reminder is sent once per credential."
    )

    def handle(self, *args, **options):
        count = renewal_reminders_send()
        if options["verbosity"] > 1 or count:
            self.stdout.write(f"{count} renewal reminder(s) queued")
