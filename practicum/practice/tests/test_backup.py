"""`manage.py backup` then `manage.py restore` into a fresh database and a fresh storage: every
row of every table and every file comes back, confidential fields still encrypted and readable.
On SQLite (the backup API) and, under `make test-postgres`, PostgreSQL (pg_dump/pg_restore)."""

import sqlite3
import uuid
from contextlib import closing

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from practicum.lib import crypto
from practicum.lib.backup import stored_names
from practicum.practice.tests.test_exports import (
    PDF_BYTES,
    cpd_for,
    relationship_for,
    session_for,
    training_for,
)


def rows(cursor, tables) -> dict[str, list]:
    quote = connection.ops.quote_name
    found = {}
    for table in tables:
        cursor.execute(f"SELECT * FROM {quote(table)}")
        found[table] = sorted(cursor.fetchall(), key=repr)
    return found


@pytest.fixture
def fresh_database(tmp_path):
    """The URL of an empty database of the suite's kind, dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"practicum_restore_{uuid.uuid4().hex[:10]}"
    params = connection.get_connection_params()
    server = {k: params[k] for k in ("host", "port", "user", "password") if params.get(k)}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield _pg_url(server, name)
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_url(server: dict, name: str) -> str:
    return "postgres://{user}{password}@{host}:{port}/{name}".format(
        user=server.get("user", ""),
        password=f":{server['password']}" if server.get("password") else "",
        host=server.get("host", "127.0.0.1"),
        port=server.get("port", 5432),
        name=name,
    )


def source_rows(tables) -> dict[str, list]:
    """The suite's database as a plain client reads it (Django's own PostgreSQL cursor leaves
    JSON as text, a plain one parses it)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            return rows(cursor, tables)
    params = connection.get_connection_params()
    server = {k: params[k] for k in ("host", "port", "user", "password") if params.get(k)}
    return restored_rows(_pg_url(server, connection.settings_dict["NAME"]), tables)


def restored_rows(url: str, tables) -> dict[str, list]:
    if url.startswith("sqlite:///"):
        # read with the converters Django's own connection uses, so values compare alike
        types = sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"), detect_types=types)) as db:
            return rows(db.cursor(), tables)
    with psycopg.connect(url) as db, db.cursor() as cursor:
        return rows(cursor, tables)


@pytest.mark.django_db(transaction=True)
def test_a_restore_finds_every_record_and_file(
    mentor, supervisor, s3_storage, fresh_database, tmp_path, settings
):
    # files in the S3 bucket, rows in every app the mentor touches, encrypted fields among them
    mentor.photo.save("me.png", ContentFile(b"a photo"), save=True)
    relationship = relationship_for(mentor, supervisor, contract_fees="Forty pounds an hour")
    session_for(relationship)
    training_for(mentor)
    cpd_for(mentor, evidence=PDF_BYTES)
    files = {name: default_storage.open(name).read() for name in stored_names(default_storage)}
    assert len(files) == 3
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    before = source_rows(tables)
    assert sum(map(len, before.values())) > 50

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)

    # a fresh database and a fresh (local) storage
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "restored-media")},
        },
    }
    call_command("restore", str(archive), database_url=fresh_database, verbosity=0)

    after = restored_rows(fresh_database, tables)
    assert after == before
    assert {name: default_storage.open(name).read() for name in files} == files
    assert stored_names(default_storage) == sorted(files)
    # the confidential field came back as ciphertext that the same keys read
    table = relationship._meta.db_table
    query = f"SELECT contract_fees FROM {table} WHERE id = {relationship.pk}"  # noqa: S608
    stored = restored_value(fresh_database, query)
    assert stored.startswith(crypto.PREFIX) and "Forty" not in stored
    assert crypto.decrypt(stored) == "Forty pounds an hour"


def restored_value(url: str, query: str):
    if url.startswith("sqlite:///"):
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db:
            return db.execute(query).fetchone()[0]
    with psycopg.connect(url) as db:
        return db.execute(query).fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_restore_over_a_database_that_has_tables(mentor, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    with pytest.raises(CommandError, match="already has tables"):
        call_command("restore", str(archive), verbosity=0)
