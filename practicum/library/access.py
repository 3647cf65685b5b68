"""Who may read, list and manage which resource. One home for each rule: the pages ask these
functions and the file views serve nothing they refuse.

- A resource is *live* when published and its publication time has come.
- Everyone sees a live resource's summary in the list, except one reserved for a training
  centre's mentors, which only they (and the centre's administrators) even see.
- Reading it whole (the text, the file, the video) depends on its audience.
- Editors manage every resource; a centre's administrators manage their centre's.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from practicum.accounts.models import Role
from practicum.institutions.models import TrainingCentre
from practicum.library.models import Resource


def live(queryset: QuerySet | None = None) -> QuerySet:
    queryset = Resource.objects.all() if queryset is None else queryset
    return queryset.filter(status=Resource.Status.PUBLISHED, publish_at__lte=timezone.now())


def _centres_of(user) -> QuerySet:
    """The centres whose reserved resources `user` may see: as a mentor or an administrator."""
    if not user.is_authenticated:
        return TrainingCentre.objects.none()
    mentor_of = TrainingCentre.objects.with_mentor(user).values("pk")
    admin_of = TrainingCentre.objects.administered_by(user).values("pk")
    return TrainingCentre.objects.filter(Q(pk__in=mentor_of) | Q(pk__in=admin_of))


def listed_for(user) -> QuerySet:
    """The live resources `user` sees listed (summary at least)."""
    return live().filter(Q(centre__isnull=True) | Q(centre__in=_centres_of(user).values("pk")))


def is_editor(user) -> bool:
    return user.is_authenticated and user.has_role(Role.EDITOR)


def may_manage(user, resource: Resource) -> bool:
    if not user.is_authenticated:
        return False
    if resource.centre_id is None:
        return is_editor(user)
    return is_editor(user) or (
        user.has_role(Role.INSTITUTION_ADMIN)
        and TrainingCentre.objects.administered_by(user).filter(pk=resource.centre_id).exists()
    )


def managed_by(user) -> QuerySet:
    if is_editor(user):
        return Resource.objects.all()
    if user.is_authenticated and user.has_role(Role.INSTITUTION_ADMIN):
        return Resource.objects.filter(
            centre__in=TrainingCentre.objects.administered_by(user).values("pk")
        )
    return Resource.objects.none()


def holds_credential(user) -> bool:
    # Credentials sit above the library: they answer through supervision's hook list.
    from practicum.supervision import services as supervision

    return any(check(user) for check in supervision.CREDENTIAL_CHECKS)


def read_refusal(resource: Resource, user) -> str | None:
    """Why `user` may not read `resource` whole (how to get access), else None."""
    if may_manage(user, resource):
        return None
    access = resource.access
    if access == Resource.Access.PUBLIC:
        return None
    if not user.is_authenticated:
        return _("Sign in to read this resource: it is for %(audience)s.") % {
            "audience": audience_phrase(resource)
        }
    if access == Resource.Access.MEMBERS:
        if user.is_paid_member_on(timezone.localdate()):
            return None
        return _("This resource is for members of the body with a current membership.")
    if access == Resource.Access.CREDENTIALED:
        if holds_credential(user):
            return None
        return _("This resource is for credentialed mentors: a current credential opens it.")
    if access == Resource.Access.SUPERVISORS:
        if user.has_role(Role.SUPERVISOR):
            return None
        return _("This resource is for supervisors on Practicum.")
    if access == Resource.Access.CENTRE:
        if _centres_of(user).filter(pk=resource.centre_id).exists():
            return None
        return _("This resource is for the mentors of a training centre.")
    return _("This resource is not open to you.")


def readable_by(user) -> QuerySet:
    """The live resources `user` may read whole, as one query (the audience checks made once
    for the person, not per resource): the same answers as `read_refusal`."""
    allowed = Q(access=Resource.Access.PUBLIC)
    if user.is_authenticated:
        if user.is_paid_member_on(timezone.localdate()):
            allowed |= Q(access=Resource.Access.MEMBERS)
        if holds_credential(user):
            allowed |= Q(access=Resource.Access.CREDENTIALED)
        if user.has_role(Role.SUPERVISOR):
            allowed |= Q(access=Resource.Access.SUPERVISORS)
        allowed |= Q(access=Resource.Access.CENTRE, centre__in=_centres_of(user).values("pk"))
    return listed_for(user).filter(allowed)


def audience_phrase(resource: Resource) -> str:
    return {
        Resource.Access.PUBLIC: _("everyone"),
        Resource.Access.MEMBERS: _("members of the body"),
        Resource.Access.CREDENTIALED: _("credentialed mentors"),
        Resource.Access.SUPERVISORS: _("supervisors"),
        Resource.Access.CENTRE: _("a training centre's mentors"),
    }[resource.access]


def resource_for_reader(user, code: str) -> Resource:
    """A resource `user` may see at least the summary of: a live one listed for them, or any
    they manage (a preview). Anything else does not exist for them (404)."""
    resource = Resource.objects.select_related("centre").filter(code=code).first()
    if resource is None:
        raise Http404
    if may_manage(user, resource):
        return resource
    if not listed_for(user).filter(pk=resource.pk).exists():
        raise Http404
    return resource


def resource_readable(user, code: str) -> Resource:
    """For the file views: the resource if `user` may read it whole, else 404 (the same answer
    as for a code that does not exist, so guessing tells nothing)."""
    resource = resource_for_reader(user, code)
    if read_refusal(resource, user) is not None:
        raise Http404
    return resource


def resource_for_manager(user, code: str) -> Resource:
    resource = Resource.objects.select_related("centre").filter(code=code).first()
    if resource is None or not may_manage(user, resource):
        raise Http404
    return resource
