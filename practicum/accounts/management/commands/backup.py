"""`manage.py backup ARCHIVE`: the database and every stored file in one archive (lib/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from practicum.lib.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write the database and every stored file (local or S3) to one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="where to write it, e.g. practicum-2026-12-02.tar.gz")
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, **options):
        try:
            summary = backup(Path(options["archive"]), alias=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{options['archive']}: {summary.vendor} database, "
            f"{sum(summary.tables.values())} rows in {len(summary.tables)} tables, "
            f"{len(summary.files)} files"
        )
