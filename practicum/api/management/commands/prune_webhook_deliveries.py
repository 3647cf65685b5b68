"""Delete finished webhook deliveries after settings.WEBHOOK_DELIVERY_RETENTION_DAYS (a periodic
job). Idempotent: a second run finds nothing more to delete."""

from django.core.management.base import BaseCommand

from practicum.api.services import deliveries_prune


class Command(BaseCommand):
    help = "Delete delivered or given-up webhook deliveries older than the retention period."

    def handle(self, *args, **options):
        deleted = deliveries_prune()
        if options["verbosity"] > 1:
            self.stdout.write(f"{deleted} webhook deliveries deleted")
