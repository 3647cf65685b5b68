"""Set-ups of the ethics tests: a professional (member, credential holder, supervisor), ethics
staff enough for two panels, and a case at each step."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from conftest import make_user
from practicum.accounts.models import Role, User
from practicum.credentials.loader import rule_set_load_all
from practicum.credentials.models import body_today
from practicum.credentials.tests import builders
from practicum.ethics import services
from practicum.ethics.loader import rules_load_all
from practicum.frameworks.models import Sanction


@pytest.fixture
def ethics_rules(db):
    return rules_load_all()


@pytest.fixture
def professional(frameworks, ethics_rules):
    rule_set_load_all()
    user = make_user(
        "pat@example.org",
        Role.MENTOR,
        Role.SUPERVISOR,
        full_name="Pat Professional",
        membership_status=User.Membership.MEMBER,
        membership_number="IMC-0042",
        membership_valid_until=body_today() + datetime.timedelta(days=300),
    )
    builders.credential(user, "CMM", body_today() - datetime.timedelta(days=200))
    return user


@pytest.fixture
def team(frameworks):
    """Seven ethics staff: an owner, an investigator, three panel members, two for appeal."""
    names = ["owen", "ivy", "pia", "pablo", "penny", "ava", "abe", "ali"]
    return [
        make_user(f"{n}@example.org", Role.ETHICS_STAFF, full_name=n.title(), mfa=True)
        for n in names
    ]


def sanction(framework, position: int) -> Sanction:
    return Sanction.objects.get(framework=framework, position=position)


@pytest.fixture
def concern(professional):
    clause = (
        professional
        and __import__("practicum.frameworks.services", fromlist=["current_code"])
        .current_code()
        .clauses.first()
    )
    case, token = services.concern_submit(
        complainant_name="Carla Client",
        complainant_email="carla@example.net",
        relation="client",
        professional_query="IMC-0042",
        professional_description="",
        what_happened="My mentor shared what I told in confidence with my manager.",
        happened_on=body_today() - datetime.timedelta(days=20),
        clauses=[clause],
        share_identity=False,
        consent=True,
    )
    case.token = token
    return case


@pytest.fixture
def investigated(concern, team):
    owner, investigator = team[0], team[1]
    services.case_assign(case=concern, owner=owner, by=owner)
    services.investigation_open(case=concern, by=owner, investigators=[investigator])
    concern.refresh_from_db()
    return concern


@pytest.fixture
def at_panel(investigated, team, professional):
    services.answer_submit(case=investigated, by=professional, text="I did not share anything.")
    services.panel_form(case=investigated, by=team[0], members=team[2:5])
    investigated.refresh_from_db()
    return investigated


def vote_all(case, members, vote, sanction_row=None):
    clauses = {c.pk: True for c in case.clauses.all()}
    for m in members:
        services.vote_record(
            case=case, member=m, vote=vote, findings=clauses, sanction=sanction_row
        )


def now_plus(days: int):
    return timezone.now() + datetime.timedelta(days=days)


@pytest.fixture
def travel():
    """Move the clock: travel(date) makes timezone.now() noon UTC of that day."""
    patches = []

    def to(day: datetime.date, hour: int = 12):
        for patch in patches:
            patch.stop()
        patches.clear()
        patch = mock.patch("django.utils.timezone.now", return_value=builders.now_on(day, hour))
        patch.start()
        patches.append(patch)

    yield to
    for patch in patches:
        patch.stop()
