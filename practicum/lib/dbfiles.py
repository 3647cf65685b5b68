"""What the database keeps on disk after a row is gone.

With `PRAGMA secure_delete` (settings) SQLite zeroes deleted content in the pages it rewrites,
but in WAL mode the old versions of those pages still sit in the write-ahead log until a
checkpoint copies the new ones into the main file. `checkpoint_wal()` forces that and truncates
the log, so an erasure leaves no readable copy behind. PostgreSQL needs nothing here: no
file-level reader sees dead tuples, and autovacuum reclaims them.
"""

import logging

from django.db import connections

logger = logging.getLogger(__name__)


def checkpoint_wal(connection=None) -> bool:
    """Checkpoint and truncate SQLite's write-ahead log (of the default database unless a
    connection is given); True when it completed (a reader holding an old snapshot can make it
    partial: the next checkpoint finishes it)."""
    connection = connection or connections["default"]
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        busy, _log, _done = cursor.fetchone()
    if busy:
        logger.warning("write-ahead log checkpoint was blocked by a reader; it will complete later")
    return not busy
