"""In the browser: credentialing staff match a training record whose centre was typed in to a
registry centre and its programme; the mentor's record then shows Verified by the centre."""

import datetime
from decimal import Decimal

import pytest

from conftest import make_user
from practicum.accounts.models import Role
from practicum.institutions import services as institutions
from practicum.institutions.tests.conftest import make_centre, make_cohort, make_programme
from practicum.institutions.tests.test_browser import sign_in, sign_out
from practicum.practice.models import TrainingRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_link_a_typed_in_centre_and_the_training_shows_verified(page, frameworks):
    centre = make_centre(name="Instituto de Mentoría Práctica")
    institutions.recognition_grant(
        centre=centre,
        kind="accredited",
        valid_from=datetime.date(2023, 1, 1),
        valid_until=datetime.date.today() + datetime.timedelta(days=365),
        by=None,
    )
    make_centre(name="Nordic Coaching Academy", country="Norway")
    programme = make_programme(centre, name="Mentoring Foundations", hours="60")
    maya = make_user("maya@example.org", Role.MENTOR, full_name="Maya Mentor")
    institutions.graduate_record(
        cohort=make_cohort(programme), by=None, name="Maya Mentor", email=maya.email
    )
    TrainingRecord.objects.create(
        mentor=maya,
        centre_name="Instituto de Mentoria Practica",
        centre_type=TrainingRecord.CentreType.NON_ACCREDITED,
        programme_name="Foundations course",
        hours=Decimal("60"),
        mode="blended",
        started_on=datetime.date(2024, 1, 10),
        ended_on=datetime.date(2024, 6, 30),
        instructor_name="Ines Instructor",
        instructor_email="ines@centre.example.org",
    )
    make_user("chloe@example.org", Role.CREDENTIALING_STAFF, full_name="Chloé Staff", mfa=True)

    # staff find the record in the queue with the registry's best match, and link it
    sign_in(page, "chloe@example.org", totp=True)
    page.goto("/institution/staff/centres/")
    page.get_by_role("link", name="match them to the registry").click()
    page.get_by_role("cell", name="Instituto de Mentoría Práctica").wait_for()
    page.get_by_role("link", name="Instituto de Mentoria Practica").click()
    page.get_by_role("link", name="Instituto de Mentoría Práctica").click()
    page.get_by_label("Programme").select_option(label="Mentoring Foundations (60 h)")
    page.get_by_role("button", name="Link the record").click()
    page.get_by_text("The record is linked to the centre; the mentor is told.").wait_for()
    page.get_by_text("No training record is waiting to be matched.").wait_for()
    sign_out(page)

    # the mentor's training now counts as accredited and verified by the centre
    sign_in(page, "maya@example.org")
    page.goto("/mentor/training/")
    page.get_by_text("Verified by the centre").first.wait_for()
