"""A backup of everything Practicum keeps, in one archive, and its restore.

Why not `dumpdata`/`loaddata`: they go through the models, so every confidential field is
decrypted and encrypted again, signals fire, and a large database takes hours. The database's
own tools copy the rows as stored (ciphertext stays ciphertext):

- PostgreSQL: `pg_dump --format=custom` (a consistent snapshot taken while the site runs), put
  back with `pg_restore`. The client tools must be on PATH, of the server's major version or newer.
- SQLite: the online backup API, which copies a consistent snapshot page by page.

Files are read through Django's storage API, so a local folder and an S3 bucket are backed up
and restored alike. The archive is a gzipped tar:

    manifest.json            vendor, time, row counts per table, each file's SHA-256
    database/postgresql.dump or database/sqlite3.db
    files/<stored name>      every object of the default storage

Confidential fields stay encrypted in the archive: restoring needs the same FIELD_ENCRYPTION_KEYS
(keep them apart from the backups). The archive itself holds personal data: store it encrypted.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import dj_database_url
from django.core.files.base import File
from django.core.files.storage import Storage, storages
from django.db import connections
from django.utils import timezone

FORMAT = 1
DUMPS = {"postgresql": "database/postgresql.dump", "sqlite": "database/sqlite3.db"}


class BackupError(Exception):
    pass


@dataclass
class Summary:
    vendor: str
    tables: dict[str, int] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # stored name -> SHA-256


# --- helpers -------------------------------------------------------------------------------


def _vendor(settings_dict: dict) -> str:
    engine = settings_dict["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise BackupError(f"no backup for the database engine {engine}")


def _pg_env(settings_dict: dict) -> dict:
    """libpq's variables for a connection: no password on a command line."""
    env = {**os.environ}
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def _run(command: list[str], env: dict) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed (apt-get install postgresql-client, of the "
            "server's major version or newer)"
        )
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _table_counts(connection) -> dict[str, int]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(name)}")  # noqa: S608 (introspected names)
            counts[name] = cursor.fetchone()[0]
    return counts


def stored_names(storage: Storage, path: str = "") -> list[str]:
    """Every file's name in `storage`, walking its folders (or an S3 bucket's prefixes)."""
    try:
        folders, files = storage.listdir(path)
    except FileNotFoundError:
        return []
    names = [f"{path}/{name}" if path else name for name in files]
    for folder in folders:
        names += stored_names(storage, f"{path}/{folder}" if path else folder)
    return sorted(names)


def _safe_name(name: str) -> str:
    parts = PurePosixPath(name).parts
    if not parts or name.startswith("/") or ".." in parts:
        raise BackupError(f"refusing a file name from the archive: {name!r}")
    return name


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


# --- backup --------------------------------------------------------------------------------


def backup(destination: Path, *, alias: str = "default", storage: Storage | None = None) -> Summary:
    """Write an archive of the database `alias` and every stored file to `destination`."""
    connection = connections[alias]
    vendor = _vendor(connection.settings_dict)
    storage = storage or storages["default"]
    summary = Summary(vendor=vendor)
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / "dump"
        if vendor == "postgresql":
            command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges"]
            _run([*command, "--file", str(dump)], _pg_env(connection.settings_dict))
        else:
            connection.ensure_connection()
            target = sqlite3.connect(dump)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        summary.tables = _table_counts(connection)
        partial = destination.with_name(destination.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(dump, arcname=DUMPS[vendor])
            for name in stored_names(storage):
                with storage.open(name, "rb") as handle:
                    data = handle.read()
                summary.files[name] = hashlib.sha256(data).hexdigest()
                _add_bytes(archive, f"files/{name}", data)
            manifest = {
                "format": FORMAT,
                "created": timezone.now().isoformat(),
                "vendor": vendor,
                "tables": summary.tables,
                "files": summary.files,
            }
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
        partial.replace(destination)  # never a half-written archive under the real name
    return summary


# --- restore -------------------------------------------------------------------------------


def _target_settings(database_url: str | None, alias: str) -> dict:
    if database_url:
        return dj_database_url.parse(database_url)
    return connections[alias].settings_dict


def _has_tables(settings_dict: dict, vendor: str, *, alias: str | None) -> bool:
    if alias is not None:  # the configured database: ask its own connection
        connection = connections[alias]
        with connection.cursor() as cursor:
            if connection.introspection.table_names(cursor):
                return True
        if vendor == "sqlite" and connection.is_in_memory_db():
            raise BackupError("cannot restore into an in-memory SQLite database")
        return False
    if vendor == "sqlite":
        path = settings_dict["NAME"]
        if not path or not Path(str(path)).exists():
            return False
        with sqlite3.connect(path) as db:
            return bool(db.execute("SELECT 1 FROM sqlite_master WHERE type='table'").fetchone())
    import psycopg

    params = {
        "dbname": settings_dict.get("NAME"),
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v}) as db:
        row = db.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' LIMIT 1"
        ).fetchone()
    return row is not None


def restore(
    source: Path,
    *,
    database_url: str | None = None,
    alias: str = "default",
    storage: Storage | None = None,
    replace: bool = False,
) -> Summary:
    """Put an archive back: the database into `database_url` (default: the database `alias`),
    every file into `storage` (default: the default storage). Refuses a database that already
    has tables unless `replace`."""
    storage = storage or storages["default"]
    target = _target_settings(database_url, alias)
    vendor = _vendor(target)
    with tarfile.open(source, "r:gz") as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
        if manifest.get("format") != FORMAT:
            raise BackupError("this archive was made by another version of the backup format")
        if manifest["vendor"] != vendor:
            raise BackupError(
                f"the archive holds a {manifest['vendor']} database; the target is {vendor}"
            )
        configured = None if database_url else alias
        if _has_tables(target, vendor, alias=configured) and not replace:
            raise BackupError(
                "the target database already has tables: restore into an empty database, "
                "or pass --replace to overwrite it"
            )
        with tempfile.TemporaryDirectory() as work:
            dump = Path(work) / "dump"
            with archive.extractfile(DUMPS[vendor]) as packed, dump.open("wb") as out:
                shutil.copyfileobj(packed, out)
            _restore_database(dump, target, vendor, replace=replace)
        summary = Summary(vendor=vendor, tables=manifest["tables"])
        for name, digest in manifest["files"].items():
            data = archive.extractfile(f"files/{_safe_name(name)}").read()
            if hashlib.sha256(data).hexdigest() != digest:
                raise BackupError(f"the archive's copy of {name} is damaged")
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, File(io.BytesIO(data), name=name))
            if saved != name:
                raise BackupError(f"{name} was stored as {saved}")
            summary.files[name] = digest
    return summary


def _restore_database(dump: Path, target: dict, vendor: str, *, replace: bool) -> None:
    if vendor == "postgresql":
        command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
        if replace:
            command += ["--clean", "--if-exists"]
        _run([*command, "--dbname", str(target["NAME"]), str(dump)], _pg_env(target))
        return
    connections.close_all()  # no open handle on the file being replaced
    source = sqlite3.connect(dump)
    destination = sqlite3.connect(str(target["NAME"]))
    try:
        source.backup(destination)
    finally:
        source.close()
        destination.close()
