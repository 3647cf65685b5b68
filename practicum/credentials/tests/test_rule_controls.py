"""Rule data that shapes who is offered a credential and what an approval needs (issue 16)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from practicum.credentials import services
from practicum.credentials.models import Application, ReferenceContact, body_today
from practicum.credentials.rules import ReviewControls, Rules, RulesError
from practicum.credentials.tests import builders

pytestmark = pytest.mark.django_db


# --- An entry credential is not offered to a holder of the higher one --------------------------


@pytest.fixture
def cmm_holder(rules, mentor):
    builders.make_eligible_for_cmm(mentor)
    builders.credential(mentor, "CMM", body_today() - datetime.timedelta(days=30))
    return mentor


def test_the_cpm_is_not_offered_to_a_cmm_holder(cmm_holder, client):
    cpm = next(i for i in services.mentor_overview(cmm_holder) if i.rule_set.code == "CPM")
    assert cpm.evaluation.eligible
    assert cpm.superseded_by is not None
    assert not cpm.can_apply
    client.force_login(cmm_holder)
    page = client.get(reverse("credentials:type_detail", args=["CPM"])).content.decode()
    assert "no need to apply" in page
    assert reverse("credentials:apply", args=["CPM"]) not in page


def test_a_cmm_holder_cannot_start_or_submit_a_cpm_application(cmm_holder):
    with pytest.raises(ValidationError, match="supersedes"):
        services.application_start(applicant=cmm_holder, code="CPM")


def test_a_draft_made_before_the_higher_credential_cannot_be_submitted(rules, mentor):
    builders.make_eligible_for_cmm(mentor)
    draft = services.application_start(applicant=mentor, code="CPM")
    builders.credential(mentor, "CMM", body_today() - datetime.timedelta(days=1))
    services.application_save_step(
        application=draft, step="declaration", data={"declaration": True}
    )
    with pytest.raises(ValidationError, match="supersedes"):
        services.application_submit(application=draft)


def test_superseded_by_must_be_a_list_of_codes(rules):
    content = dict(services.RuleSet.objects.current("CPM").content, superseded_by="CMM")
    with pytest.raises(RulesError, match="superseded_by"):
        Rules.from_content(content, "CPM-9.yaml")


# --- Review controls -------------------------------------------------------------------------


def test_review_controls_default_to_a_different_person_and_every_reference():
    controls = ReviewControls.parse(None, "x")
    assert controls.payment_recorder_may_decide is False
    assert controls.contacts_needed(5) == 5
    some = ReviewControls.parse({"references_contacted": 2}, "x")
    assert some.contacts_needed(5) == 2 and some.contacts_needed(1) == 1
    with pytest.raises(RulesError):
        ReviewControls.parse({"references_contacted": -1}, "x")
    with pytest.raises(RulesError):
        ReviewControls.parse({"payment_recorder_may_decide": "yes"}, "x")


def test_the_rule_files_in_force_say_their_controls(rules):
    for code in ("CPM", "CMM"):
        parsed: Rules = services.RuleSet.objects.current(code).rules
        assert parsed.review == ReviewControls()
    assert services.RuleSet.objects.current("CPM").rules.superseded_by == ("CMM",)


@pytest.fixture
def paid_by_staff(eligible, mentor, staff):
    application = builders.apply_and_submit(mentor)
    builders.pay(application, staff, contacts=False)
    application.refresh_from_db()
    return application


def test_the_payment_recorder_may_not_approve(paid_by_staff, staff, staff2):
    builders.contact_all_referees(paid_by_staff)
    with pytest.raises(ValidationError, match="recorded this application's payment"):
        services.application_decide(application=paid_by_staff, by=staff, approve=True)
    services.application_decide(application=paid_by_staff, by=staff2, approve=True)
    paid_by_staff.refresh_from_db()
    assert paid_by_staff.status == Application.Status.APPROVED


def test_the_payment_recorder_may_still_reject(paid_by_staff, staff):
    services.application_decide(
        application=paid_by_staff, by=staff, approve=False, reasons="Not enough evidence."
    )


def test_every_reference_needs_a_recorded_contact_before_approval(paid_by_staff, staff2, client):
    references = services.frozen_references(paid_by_staff)
    assert references
    first = references[0]["id"]
    services.referee_contact_record(
        application=paid_by_staff,
        by=staff2,
        reference_id=first,
        method=ReferenceContact.Method.PHONE,
        outcome=ReferenceContact.Outcome.CONFIRMED,
        contacted_on=body_today(),
    )
    with pytest.raises(ValidationError, match=f"1 of {len(references)} needed"):
        services.application_decide(application=paid_by_staff, by=staff2, approve=True)
    client.force_login(staff2)
    page = client.get(reverse("credentials:review", args=[paid_by_staff.pk])).content.decode()
    assert "Before approving" in page
    assert "To do" in page
    assert "Reasons (required unless you approve)" in page
    assert "(optional)" not in page.split('id="decide-title"')[1].split("</form>")[0]
    builders.contact_all_referees(paid_by_staff)
    services.application_decide(application=paid_by_staff, by=staff2, approve=True)


def test_rejecting_without_reasons_says_exactly_what_to_do(paid_by_staff, staff, client):
    client.force_login(staff)
    response = client.post(
        reverse("credentials:decide", args=[paid_by_staff.pk]), {"decision": "reject"}
    )
    assert response.status_code == 400
    assert "You chose not to approve: write the reasons" in response.content.decode()
