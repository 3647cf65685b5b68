from django.core.management.base import BaseCommand, CommandError

from practicum.ethics.loader import RuleFileError, rules_load_all


class Command(BaseCommand):
    help = "Load the ethics process rules in practicum/ethics/data/rules (idempotent)."

    def handle(self, *args, **options):
        try:
            results = rules_load_all()
        except RuleFileError as exc:
            raise CommandError(str(exc)) from exc
        for rules, created in results:
            self.stdout.write(f"{rules}: {'loaded' if created else 'already loaded'}")
