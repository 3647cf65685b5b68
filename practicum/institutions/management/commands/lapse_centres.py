from django.core.management.base import BaseCommand

from practicum.institutions.services import centres_lapse


class Command(BaseCommand):
    help = "Lapse the accreditation of centres whose period has ended (idempotent)."

    def handle(self, *args, **options):
        count = centres_lapse()
        self.stdout.write(f"{count} centre(s) lapsed")
