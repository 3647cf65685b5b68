"""Becoming a supervisor: criteria as versioned data, an application, a staff decision."""

import datetime
import shutil

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from practicum.accounts.models import Role, User
from practicum.audit.models import AuditEntry
from practicum.audit.services import audit_trail
from practicum.practice.models import MentoringEngagement
from practicum.supervision import services
from practicum.supervision.loader import DATA_DIR, RulesFileError, rules_load_all
from practicum.supervision.models import (
    EligibilityRuleSet,
    ReflectionModel,
    SupervisorApplication,
)

pytestmark = pytest.mark.django_db

FORM = {
    "years_of_practice": "6",
    "experience": "Mentoring new nurses for six years.",
    "training_programme": "Supervision in practice",
    "training_provider": "Institute of Mentoring Practice",
    "training_hours": "40",
    "training_completed_on": "2025-06-01",
    "statement": "I want to give back.",
}


def engagements(mentor, n=5):
    for i in range(n):
        MentoringEngagement.objects.create(
            mentor=mentor,
            mentee_name=f"Mentee {i}",
            kind="internal",
            started_on=datetime.date(2023, 1, 1),
            ended_on=datetime.date(2024, 1, 1),
            status="completed",
        )


def fields(**overrides):
    data = {
        "years_of_practice": 6,
        "experience": "Years of it.",
        "training_programme": "Supervision",
        "training_provider": "IMP",
        "training_hours": 40,
        "training_completed_on": datetime.date(2025, 6, 1),
        "statement": "Why not.",
    }
    return {**data, **overrides}


# --- the rules as data --------------------------------------------------------------------


def test_the_rules_load_once_and_again_without_change(rules):
    assert {r.created for r in rules} == {True}
    assert {r.created for r in rules_load_all()} == {False}
    assert EligibilityRuleSet.objects.count() == 1
    assert ReflectionModel.objects.count() == 2
    call_command("load_supervision_rules", verbosity=0)
    assert EligibilityRuleSet.objects.count() == 1


def test_a_published_version_cannot_change(rules, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "eligibility" / "1.0.yaml"
    path.write_text(path.read_text().replace("minimum: 3", "minimum: 4"))
    with pytest.raises(RulesFileError, match="never change"):
        rules_load_all(data_dir=data)


def test_a_new_version_takes_over_from_its_date(rules, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    text = (data / "eligibility" / "1.0.yaml").read_text()
    (data / "eligibility" / "1.1.yaml").write_text(
        text.replace('version: "1.0"', 'version: "1.1"').replace("2026-01-01", "2026-02-01")
    )
    rules_load_all(data_dir=data)
    assert EligibilityRuleSet.objects.current().version == "1.1"


def test_an_unknown_check_is_refused(rules, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "eligibility" / "1.0.yaml"
    path.write_text(path.read_text().replace("check: years_of_practice", "check: charisma"))
    EligibilityRuleSet.objects.all().delete()
    with pytest.raises(RulesFileError, match="unknown check 'charisma'"):
        rules_load_all(data_dir=data)


# --- applying -----------------------------------------------------------------------------


def test_unmet_required_criteria_refuse_the_application(rules, mentor):
    with pytest.raises(ValidationError) as error:
        services.application_submit(applicant=mentor, **fields(years_of_practice=1))
    messages = " ".join(error.value.messages)
    assert "3 years of mentoring practice" in messages
    assert "5 completed mentoring engagements" in messages
    assert not SupervisorApplication.objects.exists()


def test_a_mentor_applies_through_the_page(client, rules, mentor, run_tasks):
    engagements(mentor)
    client.force_login(mentor)
    page = client.get(reverse("supervision:application_create")).content.decode()
    assert "At least 5 completed mentoring engagements" in page and "Your records: 5" in page
    response = client.post(reverse("supervision:application_create"), FORM)
    application = SupervisorApplication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("supervision:application_detail", args=[application.pk])
    assert application.status == "submitted" and application.rule_set.version == "1.0"
    assert {c["code"]: c["met"] for c in application.eligibility} == {
        "experience": True,
        "training": True,
        "engagements": True,
        "supervised": False,
    }
    event = AuditEntry.objects.for_subject(application).get()
    assert (event.actor, event.action, event.after["status"]) == (
        mentor,
        "supervisor_application.submitted",
        "submitted",
    )
    run_tasks()
    assert mail.outbox[-1].to == ["maya@example.org"]
    # a second open application is refused: the page shows the open one
    again = client.get(reverse("supervision:application_create"))
    assert again.status_code == 302


def test_form_errors_are_tied_to_their_fields(client, rules, mentor):
    client.force_login(mentor)
    response = client.post(
        reverse("supervision:application_create"),
        {**FORM, "training_hours": "-3", "training_completed_on": "2999-01-01"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "training_hours" in form.errors and "training_completed_on" in form.errors
    assert not SupervisorApplication.objects.exists()


def test_staff_approve_and_the_supervisor_role_is_granted(client, rules, mentor, staff, run_tasks):
    engagements(mentor)
    application = services.application_submit(applicant=mentor, **fields())
    client.force_login(staff)
    assert client.get(reverse("supervision:application_queue")).status_code == 200
    response = client.post(
        reverse("supervision:application_review", args=[application.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "approved" and application.decided_by == staff
    mentor = User.objects.get(pk=mentor.pk)
    assert mentor.has_role(Role.SUPERVISOR)
    assert mentor.role_grants.get(role=Role.SUPERVISOR).granted_by == staff
    events = [
        (e.action.split(".")[1], e.before.get("status", ""), e.after["status"])
        for e in audit_trail(application)
    ]
    assert events[-1] == ("approved", "submitted", "approved")
    run_tasks()
    assert "You are now a supervisor" in mail.outbox[-1].subject
    client.force_login(mentor)
    assert client.get(reverse("supervision:profile_edit")).status_code == 200


def test_declining_needs_a_reason(client, rules, mentor, staff):
    engagements(mentor)
    application = services.application_submit(applicant=mentor, **fields())
    client.force_login(staff)
    url = reverse("supervision:application_review", args=[application.pk])
    response = client.post(url, {"decision": "decline", "reason": " "})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    client.post(url, {"decision": "decline", "reason": "More supervision training first."})
    application.refresh_from_db()
    assert application.status == "declined"
    assert not User.objects.get(pk=mentor.pk).has_role(Role.SUPERVISOR)
    # decided once: a second decision is refused
    with pytest.raises(ValidationError, match="already been decided"):
        services.application_decide(application=application, by=staff, approve=True)
    # the mentor reads the reason, and may apply again
    client.force_login(mentor)
    page = client.get(reverse("supervision:application_detail", args=[application.pk]))
    assert "More supervision training first." in page.content.decode()
    services.application_submit(applicant=mentor, **fields())


def test_another_mentors_application_is_404(client, rules, mentor, other_mentor):
    engagements(mentor)
    application = services.application_submit(applicant=mentor, **fields())
    client.force_login(other_mentor)
    url = reverse("supervision:application_detail", args=[application.pk])
    assert client.get(url).status_code == 404


def test_mentors_cannot_decide(client, rules, mentor, other_mentor):
    engagements(mentor)
    application = services.application_submit(applicant=mentor, **fields())
    client.force_login(other_mentor)
    url = reverse("supervision:application_review", args=[application.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 403
    with pytest.raises(ValidationError):
        services.application_decide(application=application, by=other_mentor, approve=True)
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_supervisor_is_told_they_already_are_one(client, rules, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("supervision:application_create"))
    assert "You are already a supervisor" in response.content.decode()
    with pytest.raises(ValidationError, match="already a supervisor"):
        services.application_submit(applicant=supervisor, **fields())
