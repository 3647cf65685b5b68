"""axe-core and reflow on every page of a supervisor and of each staff role (see
test_accessibility.py)."""

import pytest

from practicum.accounts.tests.test_accessibility import check_persona

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "persona", ["supervisor", "staff", "ethics", "panel", "institution", "editor"]
)
def test_pages_of_each_role(page, live_server, world, persona):
    check_persona(page, live_server, world, persona)
