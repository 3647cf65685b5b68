"""What a personal access token may do. A scope narrows what its owner could do on the pages;
it never widens it: the owner's roles are checked on every request as well."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from practicum.accounts.models import Role, User


class Scope(models.TextChoices):
    RECORDS_READ = "records:read", _("Read your practice records")
    RECORDS_WRITE = "records:write", _("Add and change your practice records")
    CREDENTIALS_READ = "credentials:read", _("Read your credentials")
    # A training centre's administrators: the programmes, cohorts and graduates of the centres
    # they administer now (another centre's objects do not exist for them).
    INSTITUTION = "institution", _("Your institution's programmes and graduates")
    STAFF_READ = "staff:read", _("Read the credentialing staff's queues")


# Which roles a scope is offered to (and still checked against on every request).
SCOPE_ROLES: dict[str, tuple[str, ...]] = {
    Scope.RECORDS_READ: (Role.MENTOR, Role.SUPERVISOR),
    Scope.RECORDS_WRITE: (Role.MENTOR,),
    Scope.CREDENTIALS_READ: (Role.MENTOR,),
    Scope.INSTITUTION: (Role.INSTITUTION_ADMIN,),
    Scope.STAFF_READ: (Role.CREDENTIALING_STAFF,),
}


def scopes_for(user: User) -> list[str]:
    """The scopes `user` may grant a token (and that a signed-in session holds)."""
    return [scope for scope, roles in SCOPE_ROLES.items() if roles and user.has_role(*roles)]
