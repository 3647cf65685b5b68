"""What a mentor sees before applying: the dashboard panel, the credentials page, each type."""

import datetime

import pytest
from django.urls import reverse

from practicum.credentials.models import add_years, body_today
from practicum.credentials.tests import builders

pytestmark = pytest.mark.django_db


def test_the_panel_lists_each_credential_with_what_is_missing(client, rules, mentor):
    builders.training(mentor, "49.5")
    client.force_login(mentor)
    response = client.get(reverse("credentials:dashboard_panel"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # a fragment, for htmx
    assert "Certified Master Mentor (CMM)" in html and "Certified Professional Mentor (CPM)" in html
    assert "0.5 more hours of mentoring training" in html
    assert "10 more completed engagements" in html
    assert reverse("credentials:type_detail", args=["CMM"]) in html


def test_the_panel_says_eligible_when_everything_is_met(client, eligible, mentor):
    client.force_login(mentor)
    html = client.get(reverse("credentials:dashboard_panel")).content.decode()
    assert "Your records meet every requirement." in html


def test_a_holder_sees_confirmed_sessions_per_credential_year_with_pending_apart(
    client, rules, mentor
):
    today = body_today()
    start = add_years(today, -1) - datetime.timedelta(days=30)  # in year 2 of the cycle
    credential = builders.credential(mentor, "CMM", start)
    relationship = builders.supervisor(mentor)
    for i in range(5):
        builders.session(mentor, relationship, start + datetime.timedelta(days=10 + i))
    builders.session(mentor, relationship, today - datetime.timedelta(days=3))
    builders.session(mentor, relationship, today - datetime.timedelta(days=2), status="pending")
    builders.session(mentor, relationship, today - datetime.timedelta(days=1), status="disputed")
    client.force_login(mentor)
    html = client.get(reverse("credentials:dashboard_panel")).content.decode()
    assert credential.number in html
    year1 = f"Year 1 ({start:%-d %b %Y}"
    assert year1 in html
    rows = html.split("<tr")
    first = next(r for r in rows if "Year 1" in r)
    second = next(r for r in rows if "Year 2" in r)
    assert "5 / 5" in first
    assert "1 / 5" in second and "(4 more)" in second and "<td>1</td>" in second


def test_the_panel_is_a_fixed_number_of_queries(
    client, eligible, mentor, django_assert_max_num_queries
):
    for n in range(20, 60):
        builders.reference(builders.engagement(mentor, n))
    client.force_login(mentor)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("credentials:dashboard_panel")).status_code == 200


def test_the_panel_is_for_mentors(client, staff, rules):
    assert client.get(reverse("credentials:dashboard_panel")).status_code == 302
    client.force_login(staff)
    assert client.get(reverse("credentials:dashboard_panel")).status_code == 403


def test_the_credential_page_shows_rules_fees_and_each_requirement(client, rules, mentor):
    client.force_login(mentor)
    response = client.get(reverse("credentials:type_detail", args=["CMM"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Members: 450.00 USD" in html and "Non-members: 598.00 USD" in html
    assert "Accredited centre: 4 weeks" in html and "Non-Accredited centre: 10 weeks" in html
    assert "At least 50 hours of mentoring training" in html
    assert "non-member fee applies" in html
    assert "Start a draft application" in html


def test_the_cpm_page_prints_no_builder_note(client, rules, mentor):
    # Where the rules come from is provenance for the data files, not the body's page.
    client.force_login(mentor)
    for url in (reverse("credentials:type_detail", args=["cpm"]), reverse("credentials:index")):
        html = client.get(url).content.decode()
        assert "platform" not in html


def test_an_unknown_credential_type_is_404(client, rules, mentor):
    client.force_login(mentor)
    assert client.get(reverse("credentials:type_detail", args=["XYZ"])).status_code == 404


def test_the_credentials_page_lists_types_applications_and_credentials(client, eligible, mentor):
    client.force_login(mentor)
    html = client.get(reverse("credentials:index")).content.decode()
    assert "Eligible" in html
    assert eligible["cpm"].number in html
