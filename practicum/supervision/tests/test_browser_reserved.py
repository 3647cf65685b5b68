"""In the browser: a training centre's administrator arranges a supervision group for the
centre's mentors; one of them asks to join; a mentor outside the centre never sees it."""

import pytest

from conftest import make_user
from practicum.accounts.models import Role
from practicum.institutions import services as institutions
from practicum.institutions.tests.conftest import make_centre
from practicum.institutions.tests.test_browser import sign_in, sign_out
from practicum.supervision.loader import rules_load_all
from practicum.supervision.models import SupervisionGroup
from practicum.supervision.tests.conftest import make_supervisor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_centre_arranges_a_group_its_mentor_joins_and_an_outsider_never_sees_it(page, frameworks):
    rules_load_all()
    admin = make_user("carla@centre.example.org", Role.INSTITUTION_ADMIN, mfa=True)
    centre = make_centre(name="Lisbon Mentoring School", admin=admin)
    make_supervisor("fay@example.org", name="Fay Facilitator", offers_group=True)
    ivy = make_user("ivy@example.org", Role.MENTOR, full_name="Ivy Insider")
    _member, token = institutions.member_invite(
        centre=centre, email=ivy.email, role="mentor", by=None
    )
    institutions.member_join(token=token, user=ivy)
    make_user("oscar@example.org", Role.MENTOR, full_name="Oscar Outsider")

    # the centre's administrator arranges the group from the centre's page
    sign_in(page, "carla@centre.example.org", totp=True)
    page.goto("/institution/")
    page.get_by_role("link", name="Groups and labs for your mentors").click()
    page.get_by_role("link", name="Arrange a supervision group").click()
    page.get_by_label("Facilitator").select_option(label="Fay Facilitator")
    page.get_by_label("Name").fill("Graduates' circle")
    page.get_by_label("Description").fill("Monthly reflective practice for our graduates.")
    page.get_by_label("Reflection model").select_option(index=1)
    page.get_by_role("button", name="Arrange the group").click()
    page.get_by_text("The group is arranged").wait_for()
    page.get_by_role("cell", name="Fay Facilitator").wait_for()
    sign_out(page)

    # a mentor of the centre finds it and asks to join
    sign_in(page, "ivy@example.org")
    page.goto("/supervision/groups/")
    page.get_by_text("For the mentors of Lisbon Mentoring School").wait_for()
    page.get_by_role("link", name="Graduates' circle").click()
    page.get_by_role("button", name="Ask to join").click()
    page.get_by_text("Your request is sent to the facilitator.").wait_for()
    sign_out(page)

    # a mentor outside the centre does not see it, and its page is not found
    sign_in(page, "oscar@example.org")
    page.goto("/supervision/groups/")
    assert "Graduates' circle" not in page.locator("main").inner_text()
    code = SupervisionGroup.objects.get().code
    # (asked without navigating: a 404 page would be a console error)
    response = page.context.request.get(
        f"{page.url.split('/supervision')[0]}/supervision/groups/{code}/"
    )
    assert response.status == 404
