"""Fixtures for the browser checks that visit every page (axe, reflow, keyboard journeys)."""

import pytest
from django.core.management import call_command

from practicum.accounts.tests import site_pages


@pytest.fixture
def site_rules(frameworks):
    for command in ("load_supervision_rules", "load_reflection_tools", "load_credential_rules"):
        call_command(command, verbosity=0)


@pytest.fixture
def site_people(site_rules):
    return site_pages.make_people()
