"""Groups and labs a training centre reserves for its own mentors: arranged by the centre's
administrators, seen and joined only by the centre's mentors (a 404 or a refusal for others),
run by their facilitators as any other group or lab."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from practicum.accounts.models import Role
from practicum.audit.models import AuditEntry
from practicum.institutions import services as institutions
from practicum.institutions.tests.conftest import make_centre
from practicum.supervision import services
from practicum.supervision.models import (
    GroupMembership,
    LabRegistration,
    ReflectionModel,
    SupervisionGroup,
    ThematicLab,
)
from practicum.supervision.tests.conftest import make_supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(frameworks):
    return make_user("carla@centre.example.org", Role.INSTITUTION_ADMIN, mfa=True)


@pytest.fixture
def centre(admin):
    return make_centre(admin=admin)


@pytest.fixture
def other_admin(frameworks):
    return make_user("otto@other.example.org", Role.INSTITUTION_ADMIN, mfa=True)


@pytest.fixture
def other_centre(other_admin):
    return make_centre(name="Other Academy", admin=other_admin, country="Chile")


@pytest.fixture
def facilitator(frameworks, rules):
    return make_supervisor(
        "fay@example.org", name="Fay Facilitator", offers_group=True, offers_lab=True
    )


def join_centre(centre, user):
    _member, token = institutions.member_invite(
        centre=centre, email=user.email, role="mentor", by=None
    )
    return institutions.member_join(token=token, user=user)


@pytest.fixture
def insider(centre):
    user = make_user("ivy@example.org", Role.MENTOR, full_name="Ivy Insider")
    join_centre(centre, user)
    return user


@pytest.fixture
def outsider(frameworks):
    return make_user("oscar@example.org", Role.MENTOR, full_name="Oscar Outsider")


def group_fields(**extra):
    return {
        "name": "Centre circle",
        "description": "Reflective practice for our graduates.",
        "reflection_model": ReflectionModel.objects.get(code="reflective-conversation"),
        **extra,
    }


def lab_fields(**extra):
    return {
        "title": "Boundaries in practice",
        "theme": "Boundary challenges",
        "description": "Cases from our programme.",
        "starts_at": (timezone.now() + datetime.timedelta(days=20)).replace(
            second=0, microsecond=0
        ),
        "duration_minutes": 90,
        "capacity": 5,
        "cpd_hours": Decimal("1.5"),
        "language": "en",
        **extra,
    }


@pytest.fixture
def group(centre, admin, facilitator):
    return services.centre_group_arrange(
        centre=centre, by=admin, facilitator=facilitator, **group_fields()
    )


@pytest.fixture
def lab(centre, admin, facilitator):
    return services.centre_lab_arrange(
        centre=centre, by=admin, facilitators=[facilitator], **lab_fields()
    )


# --- Arranging ---------------------------------------------------------------------------


def test_the_centre_arranges_a_group_its_facilitator_is_told_and_it_is_audited(
    group, centre, admin, facilitator
):
    assert group.reserved_for == centre
    assert group.facilitator == facilitator
    entry = AuditEntry.objects.get(action="group.arranged_for_centre")
    assert entry.actor == admin
    assert entry.after["centre"] == centre.name


def test_the_centre_arranges_a_lab_for_its_mentors(lab, centre):
    assert lab.reserved_for == centre
    assert lab.audience == ThematicLab.Audience.MENTORS
    assert AuditEntry.objects.filter(action="lab.arranged_for_centre").exists()


def test_only_the_centres_administrators_arrange(centre, other_admin, facilitator):
    with pytest.raises(ValidationError):
        services.centre_group_arrange(
            centre=centre, by=other_admin, facilitator=facilitator, **group_fields()
        )
    assert not SupervisionGroup.objects.exists()


def test_the_facilitator_must_offer_the_format(centre, admin, rules):
    quiet = make_supervisor("q@example.org", offers_group=False, offers_lab=False)
    with pytest.raises(ValidationError, match="does not offer"):
        services.centre_group_arrange(centre=centre, by=admin, facilitator=quiet, **group_fields())
    with pytest.raises(ValidationError, match="does not offer"):
        services.centre_lab_arrange(centre=centre, by=admin, facilitators=[quiet], **lab_fields())


# --- Who sees and joins ------------------------------------------------------------------


def test_a_centre_mentor_joins_the_group_an_outsider_is_refused(group, insider, outsider):
    membership = services.group_request(group=group, mentor=insider)
    assert membership.status == GroupMembership.Status.REQUESTED
    with pytest.raises(ValidationError, match="reserved"):
        services.group_request(group=group, mentor=outsider)


def test_the_facilitator_cannot_invite_an_outsider(group, facilitator, outsider, insider):
    with pytest.raises(ValidationError, match="reserved"):
        services.group_invite(group=group, by=facilitator, mentor=outsider)
    services.group_invite(group=group, by=facilitator, mentor=insider)


def test_a_mentor_who_left_the_centre_cannot_accept_an_invitation(
    group, facilitator, insider, centre
):
    membership = services.group_invite(group=group, by=facilitator, mentor=insider)
    member = centre.members.get(user=insider)
    institutions.member_leave(member=member, by=insider)
    with pytest.raises(ValidationError, match="reserved"):
        services.group_invitation_respond(membership=membership, accept=True)


def test_a_centre_mentor_registers_for_the_lab_an_outsider_is_refused(lab, insider, outsider):
    registration = services.lab_register(lab=lab, mentor=insider)
    assert registration.status == LabRegistration.Status.REGISTERED
    assert services.lab_registration_refusal(lab, outsider)
    with pytest.raises(ValidationError, match="reserved"):
        services.lab_register(lab=lab, mentor=outsider)


def test_the_mentor_of_another_centre_is_an_outsider(lab, group, other_centre):
    elsewhere = make_user("eve@example.org", Role.MENTOR)
    join_centre(other_centre, elsewhere)
    with pytest.raises(ValidationError):
        services.lab_register(lab=lab, mentor=elsewhere)
    with pytest.raises(ValidationError):
        services.group_request(group=group, mentor=elsewhere)


def test_outsiders_do_not_see_reserved_groups_and_labs_pages_are_404(
    client, group, lab, outsider, insider
):
    client.force_login(outsider)
    assert group.name not in client.get(reverse("supervision:group_list")).content.decode()
    assert lab.title not in client.get(reverse("supervision:lab_list")).content.decode()
    for name, code in [
        ("supervision:group_detail", group.code),
        ("supervision:lab_detail", lab.code),
    ]:
        assert client.get(reverse(name, args=[code])).status_code == 404
    assert client.post(reverse("supervision:group_join", args=[group.code])).status_code == 404
    assert client.post(reverse("supervision:lab_register", args=[lab.code])).status_code == 404
    assert not LabRegistration.objects.exists()

    client.force_login(insider)
    assert group.name in client.get(reverse("supervision:group_list")).content.decode()
    page = client.get(reverse("supervision:lab_list")).content.decode()
    assert lab.title in page
    assert "For the mentors of" in page
    assert client.get(reverse("supervision:group_detail", args=[group.code])).status_code == 200
    client.post(reverse("supervision:lab_register", args=[lab.code]))
    assert LabRegistration.objects.get(lab=lab).mentor == insider


def test_the_facilitators_profile_lists_reserved_ones_only_to_the_centres_mentors(
    client, group, lab, facilitator, outsider, insider
):
    url = reverse("supervision:supervisor_profile", args=[facilitator.public_id])
    client.force_login(outsider)
    page = client.get(url).content.decode()
    assert group.name not in page and lab.title not in page
    client.force_login(insider)
    page = client.get(url).content.decode()
    assert group.name in page and lab.title in page


def test_the_facilitator_still_manages_the_reserved_group(client, group, facilitator):
    client.force_login(facilitator)
    assert client.get(reverse("supervision:group_manage", args=[group.code])).status_code == 200
    assert client.get(reverse("supervision:group_detail", args=[group.code])).status_code == 200


# --- The centre's page -------------------------------------------------------------------


def test_the_administrator_sees_the_centres_groups_and_labs(
    client, admin, group, lab, insider, django_assert_max_num_queries
):
    services.group_request(group=group, mentor=insider)
    services.lab_register(lab=lab, mentor=insider)
    client.force_login(admin)
    url = reverse("supervision:centre_supervision", args=[group.reserved_for_id])
    client.get(url)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    page = response.content.decode()
    assert group.name in page and lab.title in page and "Fay Facilitator" in page
    centre_page = client.get(reverse("institutions:centre", args=[group.reserved_for_id]))
    assert url in centre_page.content.decode()


def test_another_centres_administrator_gets_404(client, other_admin, centre, group):
    client.force_login(other_admin)
    for name in (
        "supervision:centre_supervision",
        "supervision:centre_group_create",
        "supervision:centre_lab_create",
    ):
        assert client.get(reverse(name, args=[centre.pk])).status_code == 404, name
    response = client.post(
        reverse("supervision:centre_group_create", args=[centre.pk]), {"name": "x"}
    )
    assert response.status_code == 404


def test_the_administrator_arranges_a_group_and_a_lab_through_the_forms(
    client, admin, centre, facilitator
):
    client.force_login(admin)
    model = ReflectionModel.objects.get(code="reflective-conversation")
    response = client.post(
        reverse("supervision:centre_group_create", args=[centre.pk]),
        {
            "facilitator": facilitator.pk,
            "name": "Graduates' circle",
            "description": "Monthly reflective practice.",
            "capacity": 6,
            "language": "en",
            "reflection_model": model.pk,
            "duration_minutes": 90,
            "is_open": "on",
        },
    )
    assert response.status_code == 302
    assert SupervisionGroup.objects.get().reserved_for == centre
    day = timezone.localdate() + datetime.timedelta(days=21)
    response = client.post(
        reverse("supervision:centre_lab_create", args=[centre.pk]),
        {
            "title": "Ethics in our programme",
            "theme": "Ethics in action",
            "description": "Dilemmas from the field.",
            "facilitators": [facilitator.pk],
            "day": day.isoformat(),
            "start_time": "10:00",
            "duration_minutes": 120,
            "capacity": 12,
            "cpd_hours": "2",
            "language": "en",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    lab = ThematicLab.objects.get()
    assert lab.reserved_for == centre and lab.audience == ThematicLab.Audience.MENTORS


def test_a_bad_form_is_explained_not_saved(client, admin, centre, facilitator):
    client.force_login(admin)
    response = client.post(
        reverse("supervision:centre_group_create", args=[centre.pk]),
        {"facilitator": facilitator.pk, "name": "", "capacity": 40},
    )
    assert response.status_code == 200
    assert not SupervisionGroup.objects.exists()
