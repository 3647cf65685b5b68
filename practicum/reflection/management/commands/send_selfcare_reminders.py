from django.core.management.base import BaseCommand

from practicum.reflection.services import selfcare_reminders_send


class Command(BaseCommand):
    help = (
        "Email this month's self-care check reminders (idempotent: at most one per mentor per "
        "calendar month, however often it runs)."
    )

    def handle(self, *args, **options):
        sent = selfcare_reminders_send()
        self.stdout.write(f"self-care reminders sent: {sent}")
