"""django-tasks-db's `db_worker` with durable tasks (`lib.durable_tasks`): leases, retries with
backoff, reconnection after a database outage.

It never runs under Django's autoreloader unless asked (`--reload`): the reloader runs the
worker in a thread, and a worker thread that died left a process that looked alive and sent
nothing. With `--reload`, a worker that dies ends the process (exit 1) for its supervisor.
"""

import logging
import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from practicum.lib.durable_tasks import DurableWorker

logger = logging.getLogger("practicum.tasks")


def _or_exit(run):
    def guarded():
        try:
            run()
        except BaseException:
            logger.exception("worker stopped")
            os._exit(1)
        os._exit(0)

    return guarded


class Command(db_worker.Command):
    help = "Run a durable database background worker (leases, retries, reconnection)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(reload=False)

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay,
               reload, max_tasks, worker_id, exclude_queues, **options):  # fmt: skip
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = DurableWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(_or_exit(worker.run))
        else:
            worker.configure_signals()
            worker.run()
