"""axe-core and reflow on every page a mentor can reach (see test_accessibility.py)."""

import pytest

from practicum.accounts.tests.test_accessibility import check_persona

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mentor_pages(page, live_server, world):
    check_persona(page, live_server, world, "mentor")
