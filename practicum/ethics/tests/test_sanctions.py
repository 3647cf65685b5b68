"""Each sanction's effect, its end and its reversal on appeal."""

import datetime

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.urls import reverse

from practicum.accounts.models import Role, User
from practicum.audit.models import AuditEntry
from practicum.credentials import badges
from practicum.credentials.models import Credential, body_today
from practicum.ethics import services
from practicum.ethics.models import Case, SanctionEffect
from practicum.ethics.tests.conftest import sanction, vote_all
from practicum.practice.models import CpdEntry

pytestmark = pytest.mark.django_db


def _session_for(user) -> str:
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store.create()
    return store.session_key


def decide(case, team, position, **terms):
    framework = case.framework
    vote_all(case, team[2:5], "uphold", sanction(framework, position))
    return services.case_decide(
        case=case,
        by=team[0],
        reasons="Upheld.",
        sanction=sanction(framework, position),
        terms=terms,
    )


def appeal(case, team, professional, vote, **kwargs):
    services.appeal_file(case=case, party="professional", grounds="Unfair", by=professional)
    services.panel_form(case=case, by=team[0], members=team[5:8])
    case.refresh_from_db()
    for m in team[5:8]:
        services.vote_record(case=case, member=m, vote=vote)
    return services.appeal_decide(case=case, by=team[0], reasons="On appeal.", **kwargs)


def test_suspension_acts_on_credentials_badges_directory_and_sessions(
    at_panel, team, professional, client
):
    key = _session_for(professional)
    ends = body_today() + datetime.timedelta(days=90)
    decide(at_panel, team, 4, ends_on=ends)
    credential = Credential.objects.get(holder=professional)
    assert credential.status == Credential.Status.SUSPENDED and credential.suspended_until == ends
    assert not professional.role_grants.filter(role=Role.SUPERVISOR).exists()
    assert not Session.objects.filter(session_key=key).exists()
    listed = badges.revocation_list()["revokedCredentials"]
    assert any(
        e["id"] == f"urn:uuid:{credential.vc_id}" and "Suspended" in e["revocationReason"]
        for e in listed
    )
    page = client.get(reverse("credentials:verify_code", args=[credential.verification_code]))
    assert "Suspended" in page.content.decode()
    assert "confidence" not in page.content.decode()
    effect = SanctionEffect.objects.get(case=at_panel)
    assert effect.kind == "suspension" and effect.status == "active"
    assert AuditEntry.objects.filter(action="ethics.sanction_started").exists()


def test_suspension_ends_by_itself_at_its_end_date(at_panel, team, professional, travel):
    ends = body_today() + datetime.timedelta(days=90)
    decide(at_panel, team, 4, ends_on=ends)
    travel(ends)
    counts = services.ethics_periodic()
    assert counts["ended"] == 1
    assert services.ethics_periodic()["ended"] == 0
    credential = Credential.objects.get(holder=professional)
    assert credential.status == Credential.Status.ACTIVE
    assert professional.role_grants.filter(role=Role.SUPERVISOR).exists()
    assert SanctionEffect.objects.get(case=at_panel).status == "ended"
    assert badges.revocation_list(today=ends)["revokedCredentials"] == []


def test_overturned_suspension_restores_everything(at_panel, team, professional):
    decide(at_panel, team, 4, ends_on=body_today() + datetime.timedelta(days=90))
    at_panel.refresh_from_db()
    decision = appeal(at_panel, team, professional, "overturn")
    assert decision.outcome == "overturned"
    credential = Credential.objects.get(holder=professional)
    assert credential.status == Credential.Status.ACTIVE
    assert professional.role_grants.filter(role=Role.SUPERVISOR).exists()
    effect = SanctionEffect.objects.get(case=at_panel)
    assert effect.status == "reversed" and "Overturned" in effect.end_reason
    assert badges.revocation_list()["revokedCredentials"] == []
    at_panel.refresh_from_db()
    assert at_panel.stage == Case.Stage.CLOSED


def test_revocation_ends_membership_credentials_role_and_restricts_the_account(
    at_panel, team, professional
):
    key = _session_for(professional)
    decide(at_panel, team, 5)
    professional.refresh_from_db()
    assert professional.membership_status == User.Membership.NON_MEMBER
    assert professional.account_status == User.AccountStatus.RESTRICTED
    assert Credential.objects.get(holder=professional).status == Credential.Status.REVOKED
    assert not professional.role_grants.filter(role=Role.SUPERVISOR).exists()
    assert not Session.objects.filter(session_key=key).exists()


def test_a_revoked_professional_still_reaches_their_case_and_appeal(
    at_panel, team, professional, client
):
    decide(at_panel, team, 5)
    professional.refresh_from_db()
    client.force_login(professional)
    assert client.get(reverse("ethics:my_case", args=[at_panel.pk])).status_code == 200
    assert client.get(reverse("practice:mentor_dashboard")).status_code == 302
    response = client.post(
        reverse("ethics:my_case", args=[at_panel.pk]), {"action": "appeal", "grounds": "Unfair"}
    )
    assert response.status_code == 302
    at_panel.refresh_from_db()
    assert at_panel.stage == Case.Stage.APPEAL


def test_overturned_revocation_restores_membership_credentials_and_account(
    at_panel, team, professional
):
    decide(at_panel, team, 5)
    at_panel.refresh_from_db()
    appeal(at_panel, team, professional, "overturn")
    professional.refresh_from_db()
    assert professional.membership_status == User.Membership.MEMBER
    assert professional.account_status == User.AccountStatus.ACTIVE
    assert Credential.objects.get(holder=professional).status == Credential.Status.ACTIVE
    assert professional.role_grants.filter(role=Role.SUPERVISOR).exists()


def test_a_varied_sanction_replaces_the_first(at_panel, team, professional):
    decide(at_panel, team, 4, ends_on=body_today() + datetime.timedelta(days=90))
    at_panel.refresh_from_db()
    appeal(at_panel, team, professional, "vary", sanction=sanction(at_panel.framework, 1), terms={})
    kinds = dict(SanctionEffect.objects.filter(case=at_panel).values_list("kind", "status"))
    assert kinds == {"suspension": "reversed", "warning": "active"}
    assert Credential.objects.get(holder=professional).status == Credential.Status.ACTIVE


def test_warning_is_on_the_record(at_panel, team, professional):
    decide(at_panel, team, 1)
    assert [e.kind for e in services.sanctions_in_force(professional)] == ["warning"]
    assert services.reviewer_flags(professional)


def test_training_is_met_by_an_accepted_record_and_escalates_when_overdue(
    at_panel, team, professional, travel
):
    due = body_today() + datetime.timedelta(days=30)
    decide(at_panel, team, 2, due_on=due, terms="Ethics refresher, 6 hours")
    effect = SanctionEffect.objects.get(case=at_panel)
    travel(due + datetime.timedelta(days=1))
    assert services.ethics_periodic()["escalated"] == 1
    assert services.ethics_periodic()["escalated"] == 0
    entry = CpdEntry.objects.create(
        mentor=professional, category="training", title="Ethics refresher", occurred_on=due, hours=6
    )
    services.training_accept(effect=effect, by=team[0], record=f"cpd:{entry.pk}")
    effect.refresh_from_db()
    assert effect.status == "met"


def test_probation_takes_monitoring_reports_and_ends(at_panel, team, professional, travel):
    ends = body_today() + datetime.timedelta(days=180)
    decide(at_panel, team, 3, ends_on=ends, terms="Quarterly reports")
    effect = SanctionEffect.objects.get(case=at_panel)
    assert services.next_report_due(effect) == body_today() + datetime.timedelta(days=90)
    services.monitoring_report_submit(effect=effect, by=professional, text="All well.")
    travel(ends)
    services.ethics_periodic()
    effect.refresh_from_db()
    assert effect.status == "ended"


def test_referral_is_recorded_with_its_authority(at_panel, team):
    decide(at_panel, team, 6, terms="State police")
    effect = SanctionEffect.objects.get(case=at_panel)
    assert effect.kind == "referral" and effect.terms == "State police"


def test_a_second_suspension_keeps_the_credential_suspended_when_the_first_ends(
    at_panel, team, professional, travel
):
    first_end = body_today() + datetime.timedelta(days=30)
    decide(at_panel, team, 4, ends_on=first_end)
    other = SanctionEffect.objects.get(case=at_panel)
    later = SanctionEffect.objects.create(
        case=at_panel,
        decision=other.decision,
        professional=professional,
        kind="suspension",
        starts_on=body_today(),
        ends_on=first_end + datetime.timedelta(days=60),
    )
    travel(first_end)
    services.ethics_periodic()
    credential = Credential.objects.get(holder=professional)
    assert credential.status == Credential.Status.SUSPENDED
    assert credential.suspended_until == later.ends_on


def test_a_suspension_blocks_new_credential_applications(at_panel, team, professional):
    from practicum.credentials.hooks import application_refusal

    assert application_refusal(professional) is None
    decide(at_panel, team, 4, ends_on=body_today() + datetime.timedelta(days=90))
    assert application_refusal(professional)

    from django.core.exceptions import ValidationError

    from practicum.credentials import services as credential_services
    from practicum.credentials.loader import rule_set_load_all

    rule_set_load_all()
    with pytest.raises(ValidationError):
        credential_services.application_start(applicant=professional, code="CMM")


def test_a_suspended_supervisor_leaves_the_directory_and_future_bookings_are_cancelled(
    at_panel, team, professional, mentor, run_tasks
):
    from django.core import mail
    from django.utils import timezone

    from practicum.supervision.models import Booking, SupervisorProfile

    SupervisorProfile.objects.create(
        user=professional, bio="b", focus_area="both", experience="e", is_listed=True
    )
    assert SupervisorProfile.objects.listed().filter(user=professional).exists()
    booking = Booking.objects.create(
        supervisor=professional,
        mentor=mentor,
        starts_at=timezone.now() + datetime.timedelta(days=5),
        duration_minutes=60,
    )
    decide(at_panel, team, 4, ends_on=body_today() + datetime.timedelta(days=90))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert not SupervisorProfile.objects.listed().filter(user=professional).exists()
    run_tasks()
    assert any(mentor.email in m.to for m in mail.outbox)


def test_an_account_suspended_in_the_admin_is_signed_out_everywhere(professional, site_admin):
    from practicum.accounts.services import account_suspend

    key = _session_for(professional)
    account_suspend(user=professional, by=site_admin, reason="Staff action")
    assert not Session.objects.filter(session_key=key).exists()


def test_a_suspended_professional_is_told_they_cannot_apply(at_panel, team, professional, client):
    decide(at_panel, team, 4, ends_on=body_today() + datetime.timedelta(days=90))
    client.force_login(professional)
    page = client.get(reverse("credentials:type_detail", args=["CPM"])).content.decode()
    assert "A suspension is in force" in page
