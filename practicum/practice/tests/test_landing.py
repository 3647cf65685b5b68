"""After signing in, each person lands where their waiting work is."""

import pytest
from django.urls import reverse

from practicum.practice.tests.test_supervision_log import declare, log

pytestmark = pytest.mark.django_db


def test_a_supervisor_with_sign_offs_waiting_lands_on_the_supervisors_page(
    client, mentor, supervisor
):
    log(mentor, declare(mentor, supervisor))
    client.force_login(supervisor)
    landing = client.get(reverse("dashboard"))["Location"]
    assert landing == reverse("supervision:supervisor_dashboard")
    page = client.get(landing).content.decode()
    assert reverse("practice:sign_off_queue") in page


def test_a_supervisor_with_nothing_waiting_lands_on_their_mentor_dashboard(client, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("dashboard"))["Location"] == reverse("practice:mentor_dashboard")


def test_the_sign_off_queue_is_one_of_the_supervisors_pages(client, supervisor):
    assert reverse("practice:sign_off_queue").startswith("/supervision/")
    client.force_login(supervisor)
    html = client.get(reverse("practice:mentor_dashboard")).content.decode()
    # In the supervisor's section of the menu, under a name no other item has.
    assert html.count("Sessions to sign off") == 1
    assert html.count(">Supervision<") == 0


def test_next_steps_ask_for_a_supervisor_before_sessions(client, mentor, supervisor):
    client.force_login(mentor)
    steps = client.get(reverse("practice:mentor_dashboard")).context["progress"].next_steps
    assert steps[0].url_name == "practice:relationship_create"
    assert steps[1].startswith("Log ") and not steps[1].url_name
    declare(mentor, supervisor)
    steps = client.get(reverse("practice:mentor_dashboard")).context["progress"].next_steps
    assert steps[0].startswith("Log ") and steps[0].url_name == "practice:session_create"
    engagements = next(i for i, s in enumerate(steps) if "engagement" in s)
    references = next(i for i, s in enumerate(steps) if "reference" in s)
    assert engagements < references
