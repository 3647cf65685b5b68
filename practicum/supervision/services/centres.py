"""A training centre's administrators arrange group supervision and thematic labs reserved
for the centre's own mentors (issue 11). The formats are the ordinary ones: the facilitator
runs the group or lab as any other (sessions, requests, attendance, log entries and CPD); only
who may see and join it differs (`audience.py`)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from practicum.accounts.models import Role, User
from practicum.audit.services import audit_record
from practicum.institutions.models import TrainingCentre
from practicum.institutions.services import is_centre_admin
from practicum.supervision.models import SupervisionGroup, ThematicLab
from practicum.supervision.services._common import _email, _url
from practicum.supervision.services.groups import group_create
from practicum.supervision.services.labs import lab_create


def facilitators_offering(fmt: str):
    """Supervisors who say on their profile that they facilitate groups (`group`) or labs
    (`lab`): the people a centre may ask to run one for its mentors."""
    offers = {"group": "supervisor_profile__offers_group", "lab": "supervisor_profile__offers_lab"}
    return (
        User.objects.filter(
            role_grants__role=Role.SUPERVISOR, is_active=True, **{offers[fmt]: True}
        )
        .order_by("full_name", "email")
        .distinct()
    )


def _check_admin(centre: TrainingCentre, by: User) -> None:
    if not is_centre_admin(by, centre):
        raise ValidationError(_("Only the centre's administrators arrange its supervision."))


def _check_offers(people, fmt: str) -> None:
    offering = set(
        facilitators_offering(fmt)
        .filter(pk__in=[p.pk for p in people])
        .values_list("pk", flat=True)
    )
    for person in people:
        if person.pk not in offering:
            raise ValidationError(
                _("%(name)s does not offer to facilitate this format.")
                % {"name": person.get_full_name()}
            )


@transaction.atomic
def centre_group_arrange(
    *, centre: TrainingCentre, by: User, facilitator: User, **fields
) -> SupervisionGroup:
    """A supervision group only the centre's mentors see and join; its facilitator is told and
    manages it from their own pages."""
    _check_admin(centre, by)
    _check_offers([facilitator], "group")
    fields.pop("reserved_for", None)
    group = group_create(facilitator=facilitator, reserved_for=centre, **fields)
    audit_record(
        actor=by,
        action="group.arranged_for_centre",
        subject=group,
        after={"centre": centre.name, "facilitator": facilitator.get_full_name()},
    )
    _email(
        "reserved_group_arranged",
        to=facilitator,
        context={
            "group": group,
            "centre": centre,
            "url": _url("supervision:group_manage", group.code),
        },
    )
    return group


@transaction.atomic
def centre_lab_arrange(*, centre: TrainingCentre, by: User, facilitators, **fields) -> ThematicLab:
    """A thematic lab only the centre's mentors see and register for (with the lab's CPD
    hours on attendance, as any lab)."""
    _check_admin(centre, by)
    facilitators = list(facilitators)
    _check_offers(facilitators, "lab")
    fields.pop("reserved_for", None)
    fields["audience"] = ThematicLab.Audience.MENTORS
    lab = lab_create(by=by, facilitators=facilitators, reserved_for=centre, **fields)
    audit_record(
        actor=by,
        action="lab.arranged_for_centre",
        subject=lab,
        after={
            "centre": centre.name,
            "facilitators": [person.get_full_name() for person in facilitators],
        },
    )
    for person in facilitators:
        _email(
            "reserved_lab_arranged",
            to=person,
            context={
                "lab": lab,
                "centre": centre,
                "url": _url("supervision:lab_detail", lab.code),
            },
        )
    return lab
