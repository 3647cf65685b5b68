"""Django's database sessions, read with one plain SELECT, keeping the stored text.

Every signed-in page starts by loading its session. Through the ORM that load cost more than
the query itself (a queryset built and compiled on every request); here it is one statement.
The stored text (`raw`) is what the page cache keys a visitor by: it holds who is signed in, how
(the password's hash, the second factor) and any state a page can show (a pending message), and
it changes whenever the session is saved. Saving, creating and deleting are Django's own.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    raw: str | None = None

    def load(self):
        self.raw = None
        row = None
        if self.session_key:
            connection = connections[router.db_for_read(self.model)]
            table = connection.ops.quote_name(self.model._meta.db_table)
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            # The table's name is the model's own, quoted; the values are parameters.
            sql = f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s"  # noqa: S608
            with connection.cursor() as cursor:
                cursor.execute(sql, [self.session_key, now])
                row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        self.raw = row[0]
        return self.decode(row[0])  # a tampered text decodes to {} (Django logs it)
