from django.core.management.base import BaseCommand

from practicum.credentials.badges import key_rotate


class Command(BaseCommand):
    help = (
        "Start a new Ed25519 key for signing Open Badges. The old key is retired but stays "
        "published (JWKS), so badges it signed still verify."
    )

    def handle(self, *args, **options):
        key = key_rotate()
        self.stdout.write(f"Badges are now signed with key {key.kid}")
