"""In Chromium: the readiness questionnaire, the self-care check and the competency
self-assessment, each answered with the keyboard-reachable radio buttons, to its result page."""

import pytest

from conftest import PASSWORD
from practicum.reflection.models import CompetencyAssessment, ReadinessAttempt, SelfCareCheck

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()


def answer_every_question(page, value: str) -> int:
    """Choose `value` in every radio group of the form; returns how many were answered."""
    radios = page.locator(f"form input[type=radio][value='{value}']")
    count = radios.count()
    for index in range(count):
        radios.nth(index).check()
    return count


@pytest.mark.parametrize(
    ("path", "value", "result_heading", "model"),
    [
        ("/reflection/readiness/new/", "3", "Your supervision readiness", ReadinessAttempt),
        ("/reflection/self-care/new/", "2", "Your self-care check", SelfCareCheck),
        (
            "/reflection/competencies/new/",
            "4",
            "Your competency self-assessment",
            CompetencyAssessment,
        ),
    ],
)
def test_a_mentor_completes_a_self_assessment(
    page, mentor, tools, path, value, result_heading, model
):
    sign_in(page, mentor.email)
    page.goto(path)
    assert answer_every_question(page, value) > 0
    page.get_by_role("button", name="See my result").click()
    page.get_by_role("heading", name=result_heading).wait_for()
    assert model.objects.filter(mentor=mentor).count() == 1
