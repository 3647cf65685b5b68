"""The process rules: intake, jurisdiction, conflicts, investigation, quorum and majority."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection

from practicum.audit.models import AuditEntry
from practicum.credentials.models import body_today
from practicum.ethics import services
from practicum.ethics.models import Case, Decision
from practicum.ethics.tests.conftest import sanction, vote_all
from practicum.practice.models import SupervisionRelationship, token_digest

pytestmark = pytest.mark.django_db


def test_a_concern_opens_a_case_with_a_private_link_and_encrypted_text(concern, run_tasks):
    assert concern.stage == Case.Stage.RECEIVED
    assert concern.professional.email == "pat@example.org"
    assert concern.token_hash == token_digest(concern.token)
    assert services.case_for_token(concern.token) == concern
    with connection.cursor() as cursor:
        cursor.execute("SELECT what_happened FROM ethics_case WHERE id = %s", [concern.pk])
        raw = cursor.fetchone()[0]
    assert "confidence" not in raw  # ciphertext at rest
    assert AuditEntry.objects.filter(action="ethics.concern_received").exists()
    run_tasks()
    (message,) = mail.outbox
    assert concern.reference in message.subject
    assert concern.token in message.body
    assert "confidence" not in message.body


def test_consent_is_required(professional):
    with pytest.raises(ValidationError):
        services.concern_submit(
            complainant_name="A",
            complainant_email="a@example.net",
            relation="public",
            professional_query="IMC-0042",
            professional_description="",
            what_happened="x",
            happened_on=body_today(),
            share_identity=False,
            consent=False,
        )


def test_the_complainant_adds_information_and_withdraws(concern):
    services.information_add(case=concern, party="complainant", text="Also this.")
    services.concern_withdraw(case=concern)
    concern.refresh_from_db()
    assert concern.stage == Case.Stage.WITHDRAWN
    with pytest.raises(ValidationError):
        services.information_add(case=concern, party="complainant", text="More.")


def test_jurisdiction_needs_a_member_or_holder_at_the_time_and_within_the_time_limit(concern):
    assert services.jurisdiction_check(concern) == []
    concern.happened_on = body_today() - datetime.timedelta(days=2000)
    assert any("out of time" in p for p in services.jurisdiction_check(concern))
    concern.happened_on = body_today() - datetime.timedelta(days=10)
    pro = concern.professional
    pro.membership_status = "non_member"
    pro.save()
    pro.credentials.all().delete()
    assert any("neither a member" in p for p in services.jurisdiction_check(concern))


def test_an_unidentified_professional_cannot_be_investigated(concern, team):
    concern.professional = None
    concern.save()
    services.case_assign(case=concern, owner=team[0], by=team[0])
    with pytest.raises(ValidationError):
        services.investigation_open(case=concern, by=team[0], investigators=[team[1]])


def test_staff_sharing_a_training_centre_with_the_professional_cannot_be_assigned(concern, team):
    from django.utils import timezone

    from practicum.institutions.models import CentreMember, TrainingCentre

    centre = TrainingCentre.objects.create(name="Shared Academy", kind="accredited", country="ES")
    for n, (user, role) in enumerate(((team[0], "admin"), (concern.professional, "mentor"))):
        CentreMember.objects.create(
            centre=centre,
            role=role,
            email=user.email,
            user=user,
            token_hash=f"{n}" * 64,
            joined_at=timezone.now(),
        )
    assert "training centre" in services.staff_conflict(team[0], concern)
    assert services.staff_conflict(team[1], concern) is None
    with pytest.raises(ValidationError):
        services.case_assign(case=concern, owner=team[0], by=team[1])


def test_the_professionals_supervisor_cannot_be_assigned(concern, team):
    SupervisionRelationship.objects.create(
        mentor=concern.professional,
        supervisor=team[0],
        focus_area="both",
        started_on=body_today() - datetime.timedelta(days=100),
    )
    assert services.staff_conflict(team[0], concern)
    with pytest.raises(ValidationError):
        services.case_assign(case=concern, owner=team[0], by=team[1])


def test_a_declared_conflict_removes_the_owner_and_blocks_reassignment(concern, team):
    services.case_assign(case=concern, owner=team[0], by=team[0])
    services.conflict_declare(case=concern, staff=team[0], reason="Old colleague")
    concern.refresh_from_db()
    assert concern.owner is None
    with pytest.raises(ValidationError):
        services.case_assign(case=concern, owner=team[0], by=team[1])


def test_investigation_notifies_the_professional_without_the_complainants_name(
    investigated, run_tasks
):
    assert investigated.stage == Case.Stage.INVESTIGATION
    assert investigated.answer_due > body_today()
    run_tasks()
    to_pro = [m for m in mail.outbox if m.to == ["pat@example.org"]]
    assert to_pro and "Carla" not in to_pro[0].body


def test_dismissal_needs_reasons_and_closes(concern, team):
    services.case_assign(case=concern, owner=team[0], by=team[0])
    with pytest.raises(ValidationError):
        services.case_dismiss(case=concern, by=team[0], reasons=" ")
    services.case_dismiss(case=concern, by=team[0], reasons="Outside our remit.")
    concern.refresh_from_db()
    assert concern.stage == Case.Stage.DISMISSED


def test_informal_resolution_records_the_outcome(concern, team):
    services.case_assign(case=concern, owner=team[0], by=team[0])
    services.case_resolve(case=concern, by=team[0], outcome="Apology accepted.")
    concern.refresh_from_db()
    assert concern.stage == Case.Stage.RESOLVED and concern.outcome_text == "Apology accepted."


def test_answer_deadline_extension_and_late_answer(investigated, team, professional, travel):
    travel(investigated.answer_due + datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.answer_submit(case=investigated, by=professional, text="Late")
    services.answer_extend(case=investigated, by=team[0], days=7)
    services.answer_submit(case=investigated, by=professional, text="Now")
    investigated.refresh_from_db()
    assert investigated.answered_at is not None


def test_answer_reminders_are_sent_once(investigated, travel, run_tasks):
    travel(investigated.answer_due - datetime.timedelta(days=3))
    assert services.ethics_periodic()["reminders"] == 1
    assert services.ethics_periodic()["reminders"] == 0


def test_a_panel_needs_three_members_none_of_them_investigators(investigated, team):
    with pytest.raises(ValidationError, match="at least 3"):
        services.panel_form(case=investigated, by=team[0], members=team[2:4])
    with pytest.raises(ValidationError, match="investigated"):
        services.panel_form(case=investigated, by=team[0], members=[team[1], *team[2:4]])
    services.panel_form(case=investigated, by=team[0], members=team[2:5])


def test_the_decision_needs_two_thirds_of_the_panel(at_panel, team):
    members = team[2:5]
    framework = at_panel.framework
    vote_all(at_panel, members[:1], "uphold", sanction(framework, 1))
    with pytest.raises(ValidationError, match="majority"):
        services.case_decide(
            case=at_panel, by=team[0], reasons="r", sanction=sanction(framework, 1)
        )
    vote_all(at_panel, members[1:2], "uphold", sanction(framework, 1))
    vote_all(at_panel, members[2:], "not_uphold")
    decision = services.case_decide(
        case=at_panel, by=team[0], reasons="Two of three.", sanction=sanction(framework, 1)
    )
    assert decision.outcome == Decision.Outcome.UPHELD and decision.votes_for == 2
    with pytest.raises(ValidationError):
        services.case_decide(case=at_panel, by=team[0], reasons="again")


def test_not_upheld_carries_no_sanction(at_panel, team):
    vote_all(at_panel, team[2:5], "not_uphold")
    decision = services.case_decide(case=at_panel, by=team[0], reasons="No breach.")
    assert decision.sanction is None and not at_panel.effects.exists()


def test_every_alleged_clause_needs_a_finding(at_panel, team):
    with pytest.raises(ValidationError, match="finding"):
        services.vote_record(case=at_panel, member=team[2], vote="uphold", findings={})


def test_only_panel_members_vote(at_panel, team):
    with pytest.raises(ValidationError):
        vote_all(at_panel, [team[1]], "uphold")


def test_the_appeal_panel_excludes_the_first_panel(at_panel, team, professional):
    framework = at_panel.framework
    vote_all(at_panel, team[2:5], "uphold", sanction(framework, 1))
    services.case_decide(case=at_panel, by=team[0], reasons="r", sanction=sanction(framework, 1))
    services.appeal_file(case=at_panel, party="professional", grounds="Unfair", by=professional)
    with pytest.raises(ValidationError, match="first panel"):
        services.panel_form(case=at_panel, by=team[0], members=[team[2], team[5], team[6]])
    services.panel_form(case=at_panel, by=team[0], members=[team[5], team[6], team[7]])


def test_the_appeal_window_closes(at_panel, team, professional, travel):
    framework = at_panel.framework
    vote_all(at_panel, team[2:5], "uphold", sanction(framework, 1))
    services.case_decide(case=at_panel, by=team[0], reasons="r", sanction=sanction(framework, 1))
    at_panel.refresh_from_db()
    travel(at_panel.appeal_until + datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.appeal_file(case=at_panel, party="professional", grounds="late", by=professional)


def test_the_complainant_may_not_appeal_under_the_default_rules(at_panel, team):
    framework = at_panel.framework
    vote_all(at_panel, team[2:5], "not_uphold")
    services.case_decide(case=at_panel, by=team[0], reasons="r")
    at_panel.refresh_from_db()
    assert not services.appeal_open_to(at_panel, "complainant")
    assert framework
