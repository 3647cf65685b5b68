"""Personal access tokens and webhooks.

A token is shown once; only its SHA-256 is stored, with a short prefix to tell tokens apart.
A webhook endpoint's signing secret must be readable to sign deliveries, so it is encrypted at
rest like other confidential text.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from practicum.lib.crypto import EncryptedTextField

TOKEN_PREFIX = "prt_"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=80)
    scopes = models.JSONField(default=list)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["owner", "revoked_at"])]
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class WebhookEndpoint(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("address (HTTPS)"), max_length=500)
    description = models.CharField(_("description"), max_length=120, blank=True)
    events = models.JSONField(default=list)
    secret = EncryptedTextField()
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["owner", "is_active"])]
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint, and what happened each time it was sent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        RETRYING = "retrying", _("Failed, will retry")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Gave up")

    # last_error holds a code (or the name of the network error), never the receiver's text.
    NOT_PUBLIC = "not_public"
    ENDPOINT_DISABLED = "endpoint_disabled"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.CharField(max_length=40)
    event = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="one_delivery_per_endpoint_event"
            ),
            models.CheckConstraint(
                name="delivered_at_iff_delivered",
                condition=(Q(status="delivered") & Q(delivered_at__isnull=False))
                | (~Q(status="delivered") & Q(delivered_at__isnull=True)),
            ),
        ]
        indexes = [models.Index(fields=["endpoint", "created_at"])]
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.status})"

    @property
    def error_label(self) -> str:
        if self.last_error == self.NOT_PUBLIC:
            return str(_("The address does not resolve to a public network."))
        if self.last_error == self.ENDPOINT_DISABLED:
            return str(_("The endpoint is disabled."))
        return str(_("No answer (%(error)s)") % {"error": self.last_error})
