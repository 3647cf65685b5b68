"""The events a webhook endpoint can ask for."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    CREDENTIAL_ISSUED = "credential.issued", _("Credential issued")
    CREDENTIAL_RENEWED = "credential.renewed", _("Credential renewed")
    CREDENTIAL_SUSPENDED = "credential.suspended", _("Credential suspended")
    CREDENTIAL_REVOKED = "credential.revoked", _("Credential revoked")
    CREDENTIAL_EXPIRED = "credential.expired", _("Credential expired")
    SESSION_CONFIRMED = "session.confirmed", _("Supervision session confirmed")
    # A centre's confirmed graduate linked to a mentor's account: their training in that
    # programme shows Verified by the centre. Sent to the mentor and the centre's administrators.
    GRADUATE_VERIFIED = "graduate.verified", _("Graduate verified")
    PING = "ping", _("Test ping")

    @classmethod
    def available(cls) -> list[str]:
        """What an endpoint may subscribe to today."""
        return [e for e in cls.values if e != cls.PING]
