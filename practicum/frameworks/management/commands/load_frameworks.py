from django.core.management.base import BaseCommand, CommandError

from practicum.frameworks import ranking
from practicum.frameworks.loader import FrameworkFileError, framework_load_all


class Command(BaseCommand):
    help = "Load the framework versions in practicum/frameworks/data (idempotent)."

    def handle(self, *args, **options):
        try:
            results = framework_load_all()
        except FrameworkFileError as exc:
            raise CommandError(str(exc)) from exc
        for result in results:
            verb = "loaded" if result.created else "already loaded"
            self.stdout.write(f"{result.framework}: {verb}")
            # The clause ranker's vectors, computed once per Code version and kept in the cache
            # table, so that no request pays for them (needs the cache table: `make setup`
            # creates it before loading).
            ranking.warm(result.framework)
