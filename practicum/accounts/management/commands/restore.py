"""`manage.py restore ARCHIVE`: put a backup back into an empty database and the file storage."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from practicum.lib.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore an archive from `manage.py backup` into the configured (or --database-url) "
        "database, which must be empty unless --replace, and the configured file storage."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--database-url", help="restore into this database instead of DATABASE_URL's"
        )
        parser.add_argument(
            "--replace", action="store_true", help="overwrite a database that has tables"
        )

    def handle(self, *args, **options):
        try:
            summary = restore(
                Path(options["archive"]),
                database_url=options["database_url"],
                replace=options["replace"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored: {summary.vendor} database ({sum(summary.tables.values())} rows in "
            f"{len(summary.tables)} tables at backup time), {len(summary.files)} files"
        )
