"""Who sees a group or a lab: everyone, unless a training centre reserved it for its own
mentors (issue 11). A centre's mentors are its active `CentreMember` mentors (invited, joined,
not left); a graduate of its programmes is not one by that alone. The facilitators and people
already in a reserved group or lab keep seeing it (a mentor who leaves the centre can still
leave the group or cancel a registration)."""

from django.db.models import Q
from django.utils.translation import gettext as _

from practicum.accounts.models import User
from practicum.institutions.models import TrainingCentre
from practicum.supervision.models import (
    GroupMembership,
    LabRegistration,
    SupervisionGroup,
    ThematicLab,
)


def _open_or_reserved_for(user: User) -> Q:
    return Q(reserved_for__isnull=True) | Q(
        reserved_for__in=TrainingCentre.objects.with_mentor(user).values("pk")
    )


def groups_visible_to(user: User):
    """The groups `user` may see (a reserved one of another centre is a 404)."""
    mine = GroupMembership.objects.filter(mentor=user).values("group")
    return SupervisionGroup.objects.filter(
        _open_or_reserved_for(user) | Q(facilitator=user) | Q(pk__in=mine)
    )


def group_visible_to(group: SupervisionGroup, user: User) -> bool:
    """Whether `user` may see `group`: `groups_visible_to`, asked of one group already read. An
    open group, or one's own, needs no query (most of them); a reserved one asks the database."""
    if group.reserved_for_id is None or group.facilitator_id == user.pk:
        return True
    return groups_visible_to(user).filter(pk=group.pk).exists()


def labs_visible_to(user: User):
    mine = LabRegistration.objects.filter(mentor=user).values("lab")
    facilitated = ThematicLab.facilitators.through.objects.filter(user=user).values("thematiclab")
    return ThematicLab.objects.filter(
        _open_or_reserved_for(user) | Q(pk__in=mine) | Q(pk__in=facilitated)
    )


def reserved_refusal(centre_id: int | None, user: User) -> str | None:
    """Why `user` may not join a group or register for a lab reserved for a centre, else None."""
    if centre_id is None:
        return None
    if TrainingCentre.objects.with_mentor(user).filter(pk=centre_id).exists():
        return None
    return _("This is reserved for the mentors of a training centre: join the centre first.")
