from django.core.management.base import BaseCommand

from practicum.credentials.services import credentials_expire


class Command(BaseCommand):
    help = (
        "Expire credentials past their expiry date and lift suspensions whose set period has "
        "ended (idempotent; run daily or more often)."
    )

    def handle(self, *args, **options):
        count = credentials_expire()
        if options["verbosity"] > 1 or count:
            self.stdout.write(f"{count} credential status(es) updated")
