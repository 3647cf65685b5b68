from django.core.management.base import BaseCommand, CommandError

from practicum.supervision.loader import RulesFileError, rules_load_all


class Command(BaseCommand):
    help = (
        "Load the supervision rules in practicum/supervision/data: supervisor eligibility "
        "criteria and group reflection models (idempotent)."
    )

    def handle(self, *args, **options):
        try:
            results = rules_load_all()
        except RulesFileError as exc:
            raise CommandError(str(exc)) from exc
        for result in results:
            self.stdout.write(f"{result.label}: {'loaded' if result.created else 'already loaded'}")
