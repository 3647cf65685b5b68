"""An erased account leaves no trace: not in any table (task queue, audit details, sessions), not
in SQLite's free pages, not in its write-ahead log. Greps the raw bytes (SQLite) and every
table as text (PostgreSQL) for the person's email and a marker from their notes and emails."""

import sqlite3

import pytest
from django.db import connection
from django.db.utils import ConnectionHandler
from django.test import Client
from django_tasks_db.models import DBTaskResult

from practicum.audit.services import audit_record
from practicum.lib.dbfiles import checkpoint_wal
from practicum.lib.emails import enqueue_email
from practicum.practice import erasure
from practicum.practice.tests.test_exports import relationship_for, session_for

EMAIL = "maya@example.org"
MARKER = "ZEBRA-MARKER-7731"


def _grep_database(needles: list[str]) -> list[str]:
    """Which needles the database still holds anywhere."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection.serialize()  # every page, free ones included
        return [n for n in needles if n.encode() in raw or n.upper().encode() in raw.upper()]
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for needle in needles:
                cursor.execute(
                    f'SELECT count(*) FROM "{table}" t WHERE t::text ILIKE %s',  # noqa: S608
                    [f"%{needle}%"],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{needle} in {table}")
    return found


@pytest.mark.django_db
def test_erasure_leaves_neither_the_email_nor_a_note_in_the_database(
    mentor, supervisor, run_tasks, django_capture_on_commit_callbacks
):
    # Their records, with the marker in their (encrypted) notes
    session_for(relationship_for(mentor), key_learnings=f"{MARKER} learned", actions=MARKER)
    # A sent email and a queued one, both to them, both carrying the marker
    enqueue_email(to=[EMAIL], subject="Welcome", text=f"Reset: /reset/{MARKER}/")
    run_tasks()
    enqueue_email(to=[EMAIL], subject="Later", text=f"Sign off: {MARKER}")
    # A failed task whose error names them, and a queued task of another app naming them
    DBTaskResult.objects.create(
        task_path="practicum.lib.emails.deliver_email",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=mentor.date_joined,
        status="FAILED",
        traceback=f"SMTPRecipientsRefused: {{'{EMAIL}': (550, b'no')}}",
    )
    DBTaskResult.objects.create(
        task_path="practicum.supervision.tasks.deliver_calendar_email",
        args_kwargs={"args": [], "kwargs": {"to": [EMAIL], "text": MARKER}},
        backend_name="default",
        run_after=mentor.date_joined,
    )
    # Audit entries they made and that concern them; and an open session
    audit_record(actor=mentor, action="account.active", subject=mentor, person=mentor,
                 after={"email": EMAIL, "note": MARKER})  # fmt: skip
    client = Client()
    client.force_login(mentor)
    # The admin's history of a change to their email address row
    from allauth.account.models import EmailAddress
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    address = EmailAddress.objects.get(user=mentor)
    LogEntry.objects.create(
        user=supervisor,
        content_type=ContentType.objects.get_for_model(EmailAddress),
        object_id=str(address.pk),
        object_repr=str(address),
        action_flag=CHANGE,
        change_message=f'[{{"changed": {{"fields": ["{MARKER}"]}}}}]',
    )
    # Someone else's queued email stays
    enqueue_email(to=["sam@example.org"], subject="Yours", text="Kept")

    with django_capture_on_commit_callbacks(execute=True):
        erasure.account_erase(user=mentor)

    assert _grep_database([EMAIL, MARKER]) == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1  # Sam's email still goes
    assert client.get("/account/profile/").status_code == 302


def test_a_sqlite_file_keeps_nothing_deleted_in_its_pages_or_its_log(db, tmp_path, settings):
    """The project's SQLite options (secure_delete, WAL) and `checkpoint_wal` on a real file."""
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        options = {"init_command": "PRAGMA journal_mode=WAL; PRAGMA secure_delete=ON;"}
    path = tmp_path / "erasure.sqlite3"
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(path),
                "OPTIONS": {k: v for k, v in options.items() if k != "transaction_mode"},
            }
        }
    )
    conn = handler["default"]
    try:
        with conn.cursor() as cursor:
            cursor.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, email TEXT, note TEXT)")
            for i in range(200):  # enough rows to span several pages
                cursor.execute(
                    "INSERT INTO person (email, note) VALUES (%s, %s)",
                    [f"other{i}@example.org", "x" * 200],
                )
            cursor.execute("INSERT INTO person (email, note) VALUES (%s, %s)", [EMAIL, MARKER])
            cursor.execute("DELETE FROM person WHERE email = %s", [EMAIL])
        assert checkpoint_wal(conn)
        files = [path, path.with_name(path.name + "-wal")]
        raw = b"".join(f.read_bytes() for f in files if f.exists())
        assert EMAIL.encode() not in raw
        assert MARKER.encode() not in raw
        assert b"other7@example.org" in raw  # the grep does see what was not deleted
    finally:
        conn.close()
    assert sqlite3.connect(path).execute("SELECT count(*) FROM person").fetchone()[0] == 200
