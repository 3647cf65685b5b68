"""Fixtures for the browser checks that visit every page (axe, reflow, keyboard journeys)."""

import hashlib
from unittest import mock

import numpy as np
import pytest
from django.core.management import call_command

from practicum.accounts.tests import site_world
from practicum.lib import embeddings


@pytest.fixture
def site_rules(frameworks):
    for command in ("load_supervision_rules", "load_reflection_tools", "load_credential_rules"):
        call_command(command, verbosity=0)


def stand_in_vectors(texts, *, dimensions=embeddings.DIMENSIONS, **_options):
    """Unit vectors seeded by each text: the pages show ranked clauses either way, and the
    language models cost minutes of CPU per process that the page checks do not need."""
    out = np.zeros((len(texts), dimensions), dtype=np.float32)
    for row, text in enumerate(texts):
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
        vector = np.random.default_rng(seed).standard_normal(dimensions)
        out[row] = vector / np.linalg.norm(vector)
    return out


def stand_in_multilingual_vectors(texts):
    return stand_in_vectors(texts, dimensions=embeddings.MULTILINGUAL_DIMENSIONS)


@pytest.fixture
def stand_in_ranker():
    # Before the frameworks load (their loader warms the ranker). The memo of clause vectors
    # is swapped too, so that no later test in this process meets the stand-ins.
    with (
        mock.patch.object(embeddings, "encode", stand_in_vectors),
        mock.patch.object(embeddings, "encode_multilingual", stand_in_multilingual_vectors),
        mock.patch("practicum.frameworks.ranking._VECTORS", {}),
        mock.patch.object(embeddings, "stored_vectors", lambda key, rows: None),
        mock.patch.object(embeddings, "store_vectors", lambda key, vectors: None),
    ):
        yield


# The world takes load_demo and more to build: once per test process for the browser checks.
# Those tests run on a live server, so each one ends by emptying the database; on SQLite's
# in-memory test database (what `make test-browser` uses) the built world is copied aside with
# SQLite's backup API and copied back for the next test in a few milliseconds. Elsewhere (the
# non-browser tests roll back a transaction; PostgreSQL) each test builds its own.
_SNAPSHOT: dict = {}


def _snapshot_possible(request, connection) -> bool:
    marker = request.node.get_closest_marker("django_db")
    transactional = "live_server" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction", False)
    )
    return transactional and connection.vendor == "sqlite" and connection.is_in_memory_db()


def _restore(snapshot, connection) -> None:
    from django.contrib.contenttypes.models import ContentType

    connection.ensure_connection()
    snapshot.backup(connection.connection)
    # The previous test's teardown emptied and refilled the content types (new ids): the
    # process-wide cache must forget them and read the world's again.
    ContentType.objects.clear_cache()


@pytest.fixture(scope="session")
def world_media(tmp_path_factory):
    # One folder per process even where another conftest imports these fixtures (each import
    # is a fixture of its own): the world's snapshot names the files of the first.
    if "media" not in _SNAPSHOT:
        _SNAPSHOT["media"] = tmp_path_factory.mktemp("world-media")
    return _SNAPSHOT["media"]


@pytest.fixture
def world(request, stand_in_ranker, settings, world_media):
    import sqlite3

    from django.db import connection

    # The world's files live as long as the copy of its database that names them.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(world_media)},
        },
    }
    if not _snapshot_possible(request, connection):
        request.getfixturevalue("site_rules")
        return site_world.build()
    if "world" in _SNAPSHOT:
        _restore(_SNAPSHOT["database"], connection)
        return _SNAPSHOT["world"]
    request.getfixturevalue("site_rules")
    built = site_world.build()
    snapshot = sqlite3.connect(":memory:", check_same_thread=False)
    connection.connection.backup(snapshot)
    _SNAPSHOT.update(world=built, database=snapshot)
    return built
