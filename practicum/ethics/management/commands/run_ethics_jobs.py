from django.core.management.base import BaseCommand

from practicum.ethics.services import ethics_periodic


class Command(BaseCommand):
    help = (
        "Ethics upkeep (idempotent): answer reminders, sanction periods that end, overdue "
        "training escalated to the case owner."
    )

    def handle(self, *args, **options):
        counts = ethics_periodic()
        if options["verbosity"] > 1 or any(counts.values()):
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
