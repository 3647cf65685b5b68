from django.core.management.base import BaseCommand, CommandError

from practicum.reflection.loader import ToolFileError, tool_load_all


class Command(BaseCommand):
    help = "Load the reflective tools' prompts and statements from reflection/data (idempotent)."

    def handle(self, *args, **options):
        try:
            results = tool_load_all()
        except ToolFileError as exc:
            raise CommandError(str(exc)) from exc
        for result in results:
            verb = "loaded" if result.created else "already loaded"
            self.stdout.write(f"{result.tool}: {verb}")
