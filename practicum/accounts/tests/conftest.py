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
    ):
        yield


@pytest.fixture
def world(stand_in_ranker, site_rules):
    return site_world.build()
