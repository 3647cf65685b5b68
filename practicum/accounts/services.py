from django.conf import settings
from django.db import transaction

from practicum.accounts.models import Role, RoleGrant, User


def user_onboard(*, user: User, language: str = "en") -> None:
    """A new sign-up: grant the mentor role and remember the language they signed up in."""
    with transaction.atomic():
        RoleGrant.objects.get_or_create(user=user, role=Role.MENTOR)
        if language in dict(settings.LANGUAGES) and user.preferred_language != language:
            user.preferred_language = language
            user.save(update_fields=["preferred_language"])


def role_grant(*, user: User, role: str, granted_by: User | None = None) -> RoleGrant:
    grant, _ = RoleGrant.objects.get_or_create(
        user=user, role=role, defaults={"granted_by": granted_by}
    )
    user.__dict__.pop("roles", None)
    return grant


def user_set_language(*, user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unsupported language {language!r}")
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
