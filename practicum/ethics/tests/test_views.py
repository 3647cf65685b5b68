"""The pages: the public form, the private link, the professional's case, the staff case."""

import datetime
import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import make_user
from practicum.accounts.models import Role
from practicum.credentials.models import body_today
from practicum.ethics import services
from practicum.ethics.models import Case, CaseEvidence
from practicum.ethics.tests.conftest import sanction, vote_all
from practicum.lib.tests.samples import MINIMAL_PDF

pytestmark = pytest.mark.django_db

PDF = MINIMAL_PDF


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def _form(**extra) -> dict:
    data = {
        "complainant_name": "Carla Client",
        "complainant_email": "carla@example.net",
        "relation": "client",
        "professional_query": "IMC-0042",
        "what_happened": "My mentor disclosed my private information to my employer.",
        "happened_on": (body_today() - datetime.timedelta(days=10)).isoformat(),
        "consent": "on",
        "website": "",
        "started": signing.dumps(time.time() - 30, salt="ethics-concern-form"),
    }
    data.update(extra)
    return data


def test_the_public_raises_a_concern_with_evidence(client, professional):
    page = client.get(reverse("ethics:raise_concern"))
    assert page.status_code == 200 and b"website" in page.content
    response = client.post(
        reverse("ethics:raise_concern"),
        {**_form(), "evidence": SimpleUploadedFile("a.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.professional == professional and CaseEvidence.objects.filter(case=case).count() == 1
    sent = client.get(response["Location"])
    assert case.reference in sent.content.decode()


def test_a_fake_file_is_refused_and_nothing_is_saved(client, professional):
    response = client.post(
        reverse("ethics:raise_concern"),
        {**_form(), "evidence": SimpleUploadedFile("a.pdf", b"not a pdf", "application/pdf")},
    )
    assert response.status_code == 400 and not Case.objects.exists()


def test_the_honeypot_and_the_time_check_stop_bots(client, professional):
    assert client.post(reverse("ethics:raise_concern"), _form(website="x")).status_code == 400
    quick = signing.dumps(time.time(), salt="ethics-concern-form")
    assert client.post(reverse("ethics:raise_concern"), _form(started=quick)).status_code == 400
    assert not Case.objects.exists()


def test_the_rate_limit_answers_429(client, professional):
    for _n in range(5):
        client.post(reverse("ethics:raise_concern"), _form())
    assert client.post(reverse("ethics:raise_concern"), _form()).status_code == 429
    assert Case.objects.count() == 5


def test_the_rate_limit_holds_in_redis_per_address(client, professional, redis_cache):
    for _n in range(5):
        client.post(reverse("ethics:raise_concern"), _form(), REMOTE_ADDR="203.0.113.7")
    refused = client.post(reverse("ethics:raise_concern"), _form(), REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 429
    other = client.post(reverse("ethics:raise_concern"), _form(), REMOTE_ADDR="203.0.113.8")
    assert other.status_code == 302
    assert Case.objects.count() == 6


def test_the_private_link_shows_and_withdraws(client, concern):
    url = reverse("ethics:follow", args=[concern.token])
    page = client.get(url)
    assert page.status_code == 200 and concern.reference in page.content.decode()
    assert client.post(url, {"action": "withdraw"}).status_code == 302
    concern.refresh_from_db()
    assert concern.stage == Case.Stage.WITHDRAWN
    assert client.get(reverse("ethics:follow", args=["nope"])).status_code == 404


def test_the_professional_sees_the_case_only_once_investigated(client, concern, team, professional):
    client.force_login(professional)
    url = reverse("ethics:my_case", args=[concern.pk])
    assert client.get(url).status_code == 404
    services.case_assign(case=concern, owner=team[0], by=team[0])
    services.investigation_open(case=concern, by=team[0], investigators=[team[1]])
    page = client.get(url)
    assert page.status_code == 200
    assert "Carla" not in page.content.decode()  # did not agree to be named
    response = client.post(url, {"action": "answer", "text": "My side."})
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.answered_at is not None


def test_another_member_gets_404(client, investigated, mentor):
    client.force_login(mentor)
    assert client.get(reverse("ethics:my_case", args=[investigated.pk])).status_code == 404


def test_staff_page_hides_content_from_unassigned_staff(client, concern, team):
    client.force_login(team[4])
    page = client.get(reverse("ethics:case", args=[concern.pk])).content.decode()
    assert "disclosed" not in page and "confidence" not in page
    client.post(reverse("ethics:case_act", args=[concern.pk, "take"]))
    page = client.get(reverse("ethics:case", args=[concern.pk])).content.decode()
    assert "confidence" in page


def test_staff_walk_the_case_through_the_pages(client, concern, team, professional):
    owner = team[0]
    client.force_login(owner)
    act = lambda action, data=None: client.post(  # noqa: E731
        reverse("ethics:case_act", args=[concern.pk, action]), data or {}
    )
    act("take")
    act("investigate", {"investigators": [team[1].pk]})
    concern.refresh_from_db()
    assert concern.stage == "investigation"
    act("note", {"text": "Call the sponsor."})
    act("panel", {"members": [m.pk for m in team[2:5]]})
    concern.refresh_from_db()
    assert concern.stage == "panel"
    vote_all(concern, team[2:5], "uphold", sanction(concern.framework, 4))
    ends = (body_today() + datetime.timedelta(days=90)).isoformat()
    act(
        "decide",
        {"reasons": "Upheld", "sanction": sanction(concern.framework, 4).pk, "ends_on": ends},
    )
    concern.refresh_from_db()
    assert concern.stage == "decided"
    page = client.get(reverse("ethics:case", args=[concern.pk])).content.decode()
    assert "Suspension" in page


def test_the_queue_filters_and_counts_its_queries(
    client, concern, team, django_assert_max_num_queries
):
    client.force_login(team[0])
    with django_assert_max_num_queries(20):
        page = client.get(reverse("ethics:staff_dashboard"), {"assigned": "nobody"})
    assert concern.reference in page.content.decode()
    page = client.get(reverse("ethics:staff_dashboard"), {"assigned": "me"})
    assert concern.reference not in page.content.decode()


def test_a_reviewer_sees_the_flag_not_the_content(at_panel, team, professional):
    vote_all(at_panel, team[2:5], "uphold", sanction(at_panel.framework, 1))
    services.case_decide(
        case=at_panel, by=team[0], reasons="r", sanction=sanction(at_panel.framework, 1)
    )
    from practicum.credentials.hooks import applicant_flags

    flags = " ".join(applicant_flags(professional))
    assert "Warning" in flags and "confidence" not in flags


def test_the_mentor_dashboard_panel_lists_sanctions(client, at_panel, team, professional):
    due = body_today() + datetime.timedelta(days=30)
    vote_all(at_panel, team[2:5], "uphold", sanction(at_panel.framework, 2))
    services.case_decide(
        case=at_panel,
        by=team[0],
        reasons="r",
        sanction=sanction(at_panel.framework, 2),
        terms={"due_on": due, "terms": "Ethics course"},
    )
    client.force_login(professional)
    page = client.get(reverse("ethics:member_panel")).content.decode()
    assert "Ethics course" in page


def test_a_signed_in_member_raises_a_concern_from_their_account(client, professional, frameworks):
    member = make_user("mo@example.org", Role.MENTOR, full_name="Mo Member")
    client.force_login(member)
    page = client.get(reverse("ethics:raise_concern")).content.decode()
    assert "mo@example.org" in page
    client.post(reverse("ethics:raise_concern"), _form(complainant_email="mo@example.org"))
    case = Case.objects.get()
    assert case.complainant == member
    assert client.get(reverse("ethics:my_concern", args=[case.pk])).status_code == 200


def test_clause_suggestions_come_from_the_code_in_force(client, frameworks):
    response = client.post(
        reverse("ethics:suggest"),
        {"what_happened": "My mentor broke confidentiality and shared my records with others."},
    )
    assert response.status_code == 200
    assert "1.B" in response.content.decode()
