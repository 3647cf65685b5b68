from django.core.management.base import BaseCommand

from practicum.credentials.badge_keys import ALGORITHMS, key_rotate


class Command(BaseCommand):
    help = (
        "Start a new key for signing Open Badges (RS256 by default, or --algorithm EdDSA). The "
        "old key is retired but stays published (JWKS), so badges it signed still verify."
    )

    def add_arguments(self, parser):
        parser.add_argument("--algorithm", choices=ALGORITHMS, default=None)

    def handle(self, *args, **options):
        key = key_rotate(options["algorithm"])
        self.stdout.write(f"Badges are now signed with key {key.kid} ({key.algorithm})")
