"""Counting what a request commits: everything one POST changes commits once (issue 14)."""

import contextlib
from types import SimpleNamespace
from unittest import mock

from django.db import connection

WRITES = ("INSERT", "UPDATE", "DELETE")


@contextlib.contextmanager
def transactions_counted():
    """`seen.commits`: the transactions committed meanwhile, atomic blocks and writes made outside
    one alike (in autocommit each is a transaction of its own); `seen.queries`: the statements.

    Only a `django_db(transaction=True)` test sees commits: otherwise the test's own transaction
    holds everything."""
    seen = SimpleNamespace(commits=0, queries=0)
    commit = connection.commit

    def counted_commit():
        seen.commits += 1
        commit()

    def count(execute, sql, params, many, context):
        seen.queries += 1
        if not connection.in_atomic_block and sql.lstrip()[:6].upper() in WRITES:
            seen.commits += 1
        return execute(sql, params, many, context)

    with mock.patch.object(connection, "commit", counted_commit), connection.execute_wrapper(count):
        yield seen
