import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from practicum.lib.uploads import stored_extension


def new_public_id() -> str:
    # Public URLs carry a random code, never the sequential primary key.
    return secrets.token_urlsafe(9)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


def profile_photo_path(instance: "User", filename: str) -> str:
    # The uploaded name is discarded: it may carry personal data and is not trusted. The
    # extension is that of the type detected by content (lib/uploads.py).
    return f"profile-photos/{instance.public_id}-{secrets.token_hex(8)}{stored_extension(filename)}"


class Role(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    SUPERVISOR = "supervisor", _("Supervisor")
    CREDENTIALING_STAFF = "credentialing_staff", _("Credentialing staff")
    ETHICS_STAFF = "ethics_staff", _("Ethics staff")
    INSTITUTION_ADMIN = "institution_admin", _("Institution administrator")
    SITE_ADMIN = "site_admin", _("Site administrator")
    # Publishes the resource library (issue 19).
    EDITOR = "editor", _("Editor")


# Roles whose pages are staff pages: reachable only with MFA set up.
STAFF_ROLES = frozenset(
    {
        Role.CREDENTIALING_STAFF,
        Role.ETHICS_STAFF,
        Role.INSTITUTION_ADMIN,
        Role.SITE_ADMIN,
        Role.EDITOR,
    }
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields["is_superuser"] = True
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    class Membership(models.TextChoices):
        MEMBER = "member", _("Member")
        NON_MEMBER = "non_member", _("Non-member")

    class AccountStatus(models.TextChoices):
        ACTIVE = "active", _("Active")
        # Suspended accounts cannot sign in at all (is_active is off with it).
        SUSPENDED = "suspended", _("Suspended")
        # Restricted accounts sign in but reach only the pages registered as open to them
        # (accounts.access.RESTRICTED_URL_NAMES), e.g. their ethics case and its appeal.
        RESTRICTED = "restricted", _("Restricted")

    email = models.EmailField(_("email address"), unique=True)
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    country = CountryField(_("country"), blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    bio = models.TextField(_("short bio"), max_length=1000, blank=True)
    photo = models.FileField(_("photo"), upload_to=profile_photo_path, blank=True)
    profile_public = models.BooleanField(
        _("show my public profile"),
        default=False,
        help_text=_("Off by default. When on, your name, country, bio and photo are public."),
    )
    # Membership is the body's record, set by staff; members never edit it themselves.
    membership_status = models.CharField(
        _("membership"), max_length=16, choices=Membership.choices, default=Membership.NON_MEMBER
    )
    membership_number = models.CharField(_("membership number"), max_length=32, blank=True)
    membership_valid_until = models.DateField(_("membership valid until"), null=True, blank=True)
    is_active = models.BooleanField(default=True)
    account_status = models.CharField(
        _("account status"),
        max_length=16,
        choices=AccountStatus.choices,
        default=AccountStatus.ACTIVE,
        editable=False,
    )
    date_joined = models.DateTimeField(default=timezone.now)
    # Bumped whenever a role is granted or removed: a session may keep the user's roles while
    # the stamp it saw is still the user's (accounts.middleware), so pages need not ask.
    roles_stamp = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        # One spelling per address, whatever path created it (admin, shell, sign-up).
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split() or [self.email])[0]

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(self.role_grants.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def is_staff(self) -> bool:
        """Django admin access: site administrators only (and the break-glass superuser)."""
        return self.is_superuser or Role.SITE_ADMIN in self.roles

    @property
    def holds_staff_role(self) -> bool:
        return bool(self.roles & STAFF_ROLES) or self.is_superuser

    def has_perm(self, perm, obj=None) -> bool:
        if self.is_active and Role.SITE_ADMIN in self.roles:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        if self.is_active and Role.SITE_ADMIN in self.roles:
            return True
        return super().has_module_perms(app_label)

    def is_paid_member_on(self, day) -> bool:
        return (
            self.membership_status == self.Membership.MEMBER
            and self.membership_valid_until is not None
            and self.membership_valid_until >= day
        )


class RoleGrant(models.Model):
    """A role a user holds. A user may hold several; staff grant them in the admin."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user"),
        ]
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


@receiver([post_save, post_delete], sender=RoleGrant, dispatch_uid="bump_roles_stamp")
def _bump_roles_stamp(sender, instance: RoleGrant, **kwargs) -> None:
    User.objects.filter(pk=instance.user_id).update(roles_stamp=F("roles_stamp") + 1)


class PeriodicClaim(models.Model):
    """A `run_periodic` process's claim of one job for one round. With several such processes
    (on one machine or several) the unique pair makes each job run once per round; a claim
    whose process died mid-job is simply the round missed: the next round runs the job again."""

    job = models.CharField(max_length=100)
    round_start = models.DateTimeField()
    claimed_by = models.CharField(max_length=100)
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "round_start"], name="periodic_claim_once"),
        ]
        verbose_name = _("periodic task claim")
        verbose_name_plural = _("periodic task claims")

    def __str__(self) -> str:
        return f"{self.job} @ {self.round_start:%Y-%m-%d %H:%M} by {self.claimed_by}"
