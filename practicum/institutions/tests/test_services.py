import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from practicum.audit.models import AuditEntry
from practicum.credentials.evidence import gather
from practicum.credentials.tests import builders
from practicum.institutions import services
from practicum.institutions.models import CentreMember, Graduate, TrainingCentre

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def recognise(centre, staff, *, start=None, until=None, kind="accredited"):
    start = start or TODAY - datetime.timedelta(days=400)
    until = until or TODAY + datetime.timedelta(days=300)
    return services.recognition_grant(
        centre=centre, kind=kind, valid_from=start, valid_until=until, by=staff
    )


# --- Accreditation lifecycle ---------------------------------------------------------------------


def test_a_recognised_centre_is_listed_with_its_kind_and_dates(centre, staff):
    assert not TrainingCentre.objects.listed().exists()
    centre = recognise(centre, staff, kind="endorsed")
    assert list(TrainingCentre.objects.listed()) == [centre]
    assert centre.kind == "endorsed"
    assert AuditEntry.objects.filter(action="centre.recognised", subject_id=str(centre.pk)).exists()


def test_the_centre_lapses_by_itself_after_its_end_date_once(centre, staff, mailoutbox):
    recognise(centre, staff, until=TODAY - datetime.timedelta(days=1))
    assert services.centres_lapse() == 1
    centre.refresh_from_db()
    assert centre.status == TrainingCentre.Status.LAPSED
    assert not TrainingCentre.objects.listed().exists()
    assert services.centres_lapse() == 0  # idempotent
    assert AuditEntry.objects.filter(action="centre.lapsed").count() == 1


def test_a_centre_still_in_its_period_does_not_lapse(centre, staff):
    recognise(centre, staff, until=TODAY)
    call_command("lapse_centres")
    centre.refresh_from_db()
    assert centre.status == TrainingCentre.Status.RECOGNISED


def test_suspension_needs_a_reason_and_cuts_the_kind_from_that_day(centre, staff):
    recognise(centre, staff)
    with pytest.raises(ValidationError):
        services.centre_suspend(centre=centre, by=staff, reason=" ")
    centre = services.centre_suspend(centre=centre, by=staff, reason="Complaint under review")
    assert centre.status == "suspended"
    assert centre.kind_on(TODAY - datetime.timedelta(days=10)) == "accredited"
    assert centre.kind_on(TODAY) == "non_accredited"
    centre = services.centre_reinstate(centre=centre, by=staff, reason="Resolved")
    assert centre.kind_on(TODAY) == "accredited"
    centre = services.centre_withdraw(centre=centre, by=staff, reason="Standards not met")
    assert centre.status == "withdrawn"
    with pytest.raises(ValidationError):
        recognise(centre, staff)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"centre.suspended", "centre.reinstated", "centre.withdrawn"} <= actions


def test_kind_on_a_day_outside_every_period_is_non_accredited(centre, staff):
    recognise(centre, staff, start=datetime.date(2024, 1, 1), until=datetime.date(2025, 12, 31))
    assert centre.kind_on(datetime.date(2023, 12, 31)) == "non_accredited"
    assert centre.kind_on(datetime.date(2024, 6, 1)) == "accredited"


# --- Members -------------------------------------------------------------------------------------


def test_an_invitation_joins_only_the_account_with_that_email(
    centre, mentor, other_mentor, mailoutbox
):
    member, token = services.member_invite(
        centre=centre, email="Maya@Example.org", role="mentor", by=None
    )
    with pytest.raises(ValidationError, match="another email"):
        services.member_join(token=token, user=other_mentor)
    services.member_join(token=token, user=mentor)
    with pytest.raises(ValidationError, match="used or withdrawn"):
        services.member_join(token=token, user=mentor)
    services.member_leave(member=CentreMember.objects.get(pk=member.pk), by=mentor)
    assert not centre.members.active().filter(user=mentor).exists()


def test_the_last_administrator_cannot_leave(centre, centre_admin):
    member = centre.members.get(user=centre_admin)
    with pytest.raises(ValidationError, match="needs an administrator"):
        services.member_leave(member=member, by=centre_admin)


def test_joining_as_administrator_grants_the_scoped_role(centre, mentor):
    _member, token = services.member_invite(
        centre=centre, email=mentor.email, role="admin", by=None
    )
    services.member_join(token=token, user=mentor)
    mentor.refresh_from_db()
    assert mentor.has_role("institution_admin")
    assert list(TrainingCentre.objects.administered_by(mentor)) == [centre]


# --- Graduates and the match ---------------------------------------------------------------------


def test_a_graduate_with_a_mentors_email_verifies_their_training(
    cohort, centre_admin, mentor, staff
):
    centre = cohort.programme.centre
    recognise(
        centre, staff, start=datetime.date(2023, 1, 1), until=TODAY + datetime.timedelta(days=30)
    )
    record = builders.training(
        mentor,
        hours="60",
        centre_type="accredited",
        centre=centre,
        programme=cohort.programme,
        ended_on=cohort.ended_on,
    )
    assert gather(mentor).training[0].verified_hours is None
    graduate = services.graduate_record(
        cohort=cohort,
        by=centre_admin,
        name="Maya Mentor",
        email="MAYA@example.org",
        hours=Decimal("55"),
    )
    assert graduate.user == mentor
    fact = gather(mentor).training[0]
    assert fact.id == record.pk and fact.verified_hours == Decimal("55")
    assert fact.counted_hours == Decimal("55")


def test_a_graduate_recorded_before_the_account_matches_later(cohort, centre_admin, mentor):
    mentor.email = "new-maya@example.org"
    mentor.save()
    graduate = services.graduate_record(
        cohort=cohort, by=centre_admin, name="Maya", email="new-maya@example.org"
    )
    assert graduate.user == mentor
    other = services.graduate_record(cohort=cohort, by=centre_admin, name="Nobody", email="n@x.org")
    assert other.user is None


def test_a_graduate_is_checked(cohort, centre_admin):
    with pytest.raises(ValidationError, match="more hours than the programme"):
        services.graduate_record(
            cohort=cohort, by=centre_admin, name="A", email="a@x.org", hours=Decimal("61")
        )
    with pytest.raises(ValidationError, match="before the cohort started"):
        services.graduate_record(
            cohort=cohort,
            by=centre_admin,
            name="A",
            email="a@x.org",
            completed_on=datetime.date(2020, 1, 1),
        )
    services.graduate_record(cohort=cohort, by=centre_admin, name="A", email="a@x.org")
    with pytest.raises(ValidationError, match="already recorded"):
        services.graduate_record(cohort=cohort, by=centre_admin, name="A", email="A@x.org")


def test_a_claim_confirmed_by_the_centre_verifies_and_a_declined_one_does_not(
    cohort, centre_admin, mentor, other_mentor, mailoutbox
):
    programme = cohort.programme
    builders.training(mentor, hours="60", programme=programme, centre=programme.centre)
    builders.training(other_mentor, hours="60", programme=programme, centre=programme.centre)
    claim = services.claim_request(
        programme=programme, mentor=mentor, completed_on=cohort.ended_on, hours=Decimal("60")
    )
    declined = services.claim_request(
        programme=programme, mentor=other_mentor, completed_on=cohort.ended_on, hours=Decimal("60")
    )
    assert gather(mentor).training[0].verified_hours is None
    with pytest.raises(ValidationError, match="already has"):
        services.claim_request(
            programme=programme, mentor=mentor, completed_on=cohort.ended_on, hours=Decimal("60")
        )
    services.claim_decide(graduate=claim, by=centre_admin, confirm=True, cohort=cohort)
    services.claim_decide(graduate=declined, by=centre_admin, confirm=False)
    assert gather(mentor).training[0].verified_hours == Decimal("60")
    assert gather(other_mentor).training[0].verified_hours is None
    with pytest.raises(ValidationError, match="already been answered"):
        services.claim_decide(graduate=claim, by=centre_admin, confirm=False)
    assert Graduate.objects.get(pk=claim.pk).cohort == cohort
