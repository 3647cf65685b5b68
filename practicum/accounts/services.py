from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from practicum.accounts.models import Role, RoleGrant, User
from practicum.audit.services import audit_record, register_actions

register_actions(
    {
        "account.suspended": _("Account suspended"),
        "account.restricted": _("Account restricted"),
        "account.active": _("Account reinstated"),
        "task.retried": _("Failed background task queued again"),
    }
)


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


# Called inside the transaction of a profile save that changes the time zone, as
# hook(user=, old=, new=): apps above accounts recompute what they stored on the old calendar.
TIME_ZONE_HOOKS: list[Callable[..., None]] = []


@transaction.atomic
def profile_update(*, form) -> User:
    """Save the profile form (already valid); a new time zone reaches the TIME_ZONE_HOOKS."""
    user = form.instance
    old = User.objects.filter(pk=user.pk).values_list("time_zone", flat=True).first()
    form.save()
    time_zone_changed(user=user, old=old)
    return user


def time_zone_changed(*, user: User, old: str | None) -> None:
    """Tell the TIME_ZONE_HOOKS that ``user`` (saved) moved from zone ``old``.

    Every way a zone changes calls this (the profile page, the admin's user page), so what an app
    stores per local day or month follows the person wherever the change was made.
    """
    if old is not None and old != user.time_zone:
        for hook in TIME_ZONE_HOOKS:
            hook(user=user, old=old, new=user.time_zone)


# Called inside the transaction of every account status change as hook(user=, old=, new=, by=):
# apps above accounts register what a suspension or reinstatement means for them.
ACCOUNT_STATUS_HOOKS: list[Callable[..., None]] = []


def account_set_status(*, user: User, status: str, by: User | None, reason: str) -> bool:
    """Move an account to ``status``; False when it already was there (nothing recorded).

    Suspended accounts cannot sign in (``is_active`` goes off with the status, which also ends
    every open session at its next request: Django resolves an inactive user to anonymous).
    Restricted accounts sign in but reach only what ``access.RESTRICTED_URL_NAMES`` lists.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for this change to the account."), code="reason")
    if status not in User.AccountStatus.values:
        raise ValidationError(_("Unknown account status."), code="status")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        old = user.account_status
        if old == status:
            return False
        user.account_status = status
        user.is_active = status != User.AccountStatus.SUSPENDED
        user.save(update_fields=["account_status", "is_active"])
        audit_record(
            actor=by,
            action=f"account.{status}",
            subject=user,
            person=user,
            before={"status": old},
            after={"status": status, "reason": reason},
        )
        for hook in ACCOUNT_STATUS_HOOKS:
            hook(user=user, old=old, new=status, by=by)
    return True


def account_suspend(*, user: User, by: User | None, reason: str) -> bool:
    return account_set_status(user=user, status=User.AccountStatus.SUSPENDED, by=by, reason=reason)


def account_restrict(*, user: User, by: User | None, reason: str) -> bool:
    return account_set_status(user=user, status=User.AccountStatus.RESTRICTED, by=by, reason=reason)


def account_reinstate(*, user: User, by: User | None, reason: str) -> bool:
    return account_set_status(user=user, status=User.AccountStatus.ACTIVE, by=by, reason=reason)


def sessions_end(*, user_id: int) -> int:
    """Delete every stored session signed in as this user; returns how many.

    Called whenever an account is deactivated (suspension, the admin's "active" switch, any
    save that turns `is_active` off: see `signals.py`) and when it is erased, so a reinstated
    account never finds an old session (perhaps a stolen one) alive again. Sessions are signed,
    not indexed by user: each unexpired one is decoded; deactivations are rare.
    """
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    ids = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get(SESSION_KEY)) == str(user_id)
    ]
    # Expired ones of anybody go too: they are dead, and may still name the user.
    Session.objects.filter(expire_date__lte=timezone.now()).delete()
    if ids:
        Session.objects.filter(pk__in=ids).delete()
    return len(ids)


def failed_tasks_retry(*, task_ids, by: User) -> int:
    """A site administrator queues failed background tasks again (a fresh set of attempts),
    each recorded in the audit trail with the error it had. Returns how many were queued."""
    from django_tasks_db.models import DBTaskResult

    from practicum.lib.durable_tasks import retry_failed

    with transaction.atomic():
        rows = list(
            DBTaskResult.objects.select_for_update()
            .filter(pk__in=list(task_ids), status="FAILED")
            .only("pk", "task_path", "worker_ids", "exception_class_path")
        )
        for row in rows:
            audit_record(
                actor=by,
                action="task.retried",
                subject=row,
                before={
                    "task": row.task_path,
                    "attempts": len(row.worker_ids or []),
                    "error": row.exception_class_path,
                },
            )
        return retry_failed(DBTaskResult.objects.filter(pk__in=[row.pk for row in rows]))
