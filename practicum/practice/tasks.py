"""Background work of the practice app, run by `manage.py db_worker`."""

from django_tasks import task

from practicum.practice import importer
from practicum.practice.models import ImportBatch


@task()
def parse_import_batch(*, batch_id: int) -> None:
    """Check an uploaded import file row by row (see `importer.batch_parse`)."""
    batch = ImportBatch.objects.select_related("mentor").filter(pk=batch_id).first()
    if batch is None:
        return  # deleted meanwhile, with its mentor's account
    importer.batch_parse(batch=batch)
