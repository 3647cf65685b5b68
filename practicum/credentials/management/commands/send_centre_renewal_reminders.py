from django.core.management.base import BaseCommand

from practicum.credentials.accreditation import renewal_reminders_send


class Command(BaseCommand):
    help = "Remind training centres to renew their accreditation (idempotent)."

    def handle(self, *args, **options):
        self.stdout.write(f"{renewal_reminders_send()} centre reminder(s) sent")
