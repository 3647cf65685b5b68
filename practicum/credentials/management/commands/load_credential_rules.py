from django.core.management.base import BaseCommand, CommandError

from practicum.credentials.loader import RuleFileError, rule_set_load_all


class Command(BaseCommand):
    help = "Load the credential rule sets in practicum/credentials/data/rules (idempotent)."

    def handle(self, *args, **options):
        try:
            results = rule_set_load_all()
        except RuleFileError as exc:
            raise CommandError(str(exc)) from exc
        for result in results:
            verb = "loaded" if result.created else "already loaded"
            self.stdout.write(f"{result.rule_set}: {verb}")
