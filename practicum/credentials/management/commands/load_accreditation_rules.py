from django.core.management.base import BaseCommand, CommandError

from practicum.credentials.accreditation import AccreditationRulesError, rules_load_all


class Command(BaseCommand):
    help = "Load the accreditation rules (data/accreditation/*.yaml); idempotent."

    def handle(self, *args, **options):
        try:
            loaded = rules_load_all()
        except AccreditationRulesError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(", ".join(f"accreditation rules {r.version}" for r in loaded))
