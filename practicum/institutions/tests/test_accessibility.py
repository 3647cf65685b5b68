"""axe-core on the institutions' pages (public, the centre's administrator, staff) and the
mentor's training list with its registry column: no violation. On the page checks' demo world
(load_demo and more, built once per test process and restored per test, its clause ranking
stood in for): building the demo here with the real language models was most of this test's
minute of CPU."""

import pytest

from conftest import make_user
from practicum.accounts.models import Role
from practicum.accounts.tests.test_accessibility import audit, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_institution_pages_have_no_accessibility_violations(page, live_server, world):
    from practicum.accounts.models import User
    from practicum.institutions.models import Cohort, TrainingCentre

    centre = TrainingCentre.objects.get()
    cohort = Cohort.objects.get()
    assert (
        audit(page, ["/centres/", "/centres/check/?q=institute", f"/centres/{centre.code}/"]) == {}
    )
    sign_in_as(page, live_server, User.objects.get(email="institution@demo.practicum.test"))
    found = audit(
        page,
        [
            f"/institution/centres/{centre.pk}/",
            f"/institution/programmes/{cohort.programme_id}/",
            f"/institution/cohorts/{cohort.pk}/",
            f"/institution/cohorts/{cohort.pk}/import/",
            f"/institution/centres/{centre.pk}/mentors/",
            f"/credentials/accreditation/centres/{centre.pk}/apply/",
            f"/supervision/centres/{centre.pk}/",
            f"/supervision/centres/{centre.pk}/groups/new/",
            f"/supervision/centres/{centre.pk}/labs/new/",
        ],
    )
    assert found == {}
    from practicum.practice.models import TrainingRecord

    typed = TrainingRecord.objects.filter(mentor__email="mentor@demo.practicum.test").first()
    typed.pk, typed.centre, typed.programme = None, None, None
    typed.centre_name = "Institute of Mentoring Practise"
    typed.save()
    page.context.clear_cookies()
    sign_in_as(page, live_server, make_user("st@example.org", Role.CREDENTIALING_STAFF, mfa=True))
    assert (
        audit(
            page,
            [
                "/institution/staff/centres/",
                f"/institution/staff/centres/{centre.pk}/",
                "/credentials/accreditation/staff/",
                "/mentor/staff/training-centres/",
                f"/mentor/staff/training-centres/{typed.pk}/?centre={centre.pk}",
            ],
        )
        == {}
    )
    page.context.clear_cookies()
    sign_in_as(page, live_server, User.objects.get(email="mentor@demo.practicum.test"))
    assert audit(page, ["/mentor/training/", "/institution/memberships/"]) == {}
