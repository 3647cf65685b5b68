"""Webhook events from the apps below, without those apps knowing about the API.

Credentials write an audit entry (`credential.issued`, ...) inside the transaction of every
issue, suspension, revocation and expiry: its `post_save` is the event. A supervision session's
status, and a graduate's status and account, are remembered when the row is loaded, so its save
can tell the moment it becomes confirmed (a session signed off or created from attendance; a
graduate recorded, imported or confirmed with a mentor's account, or matched to one later).
Each handler runs inside the saving transaction, so deliveries commit with the change.
"""

from django.db.models.signals import post_init, post_save

from practicum.api.events import Event
from practicum.api.services import event_emit
from practicum.audit.models import AuditEntry
from practicum.credentials.models import Credential
from practicum.institutions.models import CentreMember, Graduate
from practicum.practice.models import SupervisionSession

CREDENTIAL_EVENTS = {
    "credential.issued": Event.CREDENTIAL_ISSUED,
    "credential.suspended": Event.CREDENTIAL_SUSPENDED,
    "credential.revoked": Event.CREDENTIAL_REVOKED,
    "credential.expired": Event.CREDENTIAL_EXPIRED,
}


def credential_event_data(credential: Credential) -> dict:
    return {
        "credential": {
            "number": credential.number,
            "type": credential.credential_type.code,
            "status": credential.status,
            "issued_on": credential.issued_on,
            "valid_from": credential.valid_from,
            "expires_on": credential.expires_on,
            "renewal_of": credential.renewal_of.number if credential.renewal_of_id else None,
            "holder": credential.holder.public_id,
        }
    }


def on_credential_audit_event(sender, instance: AuditEntry, created: bool, raw=False, **kwargs):
    if raw or not created or instance.subject_type != "credentials.credential":
        return
    event = CREDENTIAL_EVENTS.get(instance.action)
    if event is None:
        return
    credential = Credential.objects.filter(pk=instance.subject_id).select_related("holder").first()
    if credential is None:
        return
    if event == Event.CREDENTIAL_ISSUED and credential.renewal_of_id:
        event = Event.CREDENTIAL_RENEWED
    event_emit(event=event, person=credential.holder_id, data=credential_event_data(credential))


def remember_session_status(sender, instance: SupervisionSession, **kwargs):
    instance._status_as_loaded = instance.__dict__.get("status")


def on_session_saved(sender, instance: SupervisionSession, created: bool, raw=False, **kwargs):
    confirmed = SupervisionSession.Status.CONFIRMED
    was = None if created else getattr(instance, "_status_as_loaded", None)
    instance._status_as_loaded = instance.status
    if raw or instance.status != confirmed or was == confirmed:
        return
    event_emit(
        event=Event.SESSION_CONFIRMED,
        person=instance.mentor_id,
        data={
            "session": {
                "id": instance.pk,
                "starts_at": instance.starts_at,
                "duration_minutes": instance.duration_minutes,
                "format": instance.format,
                "status": instance.status,
                "signed_off_at": instance.signed_off_at,
            }
        },
    )


def _verified(graduate: Graduate) -> bool:
    state = graduate.__dict__
    return state.get("status") == Graduate.Status.CONFIRMED and state.get("user_id") is not None


def remember_graduate_state(sender, instance: Graduate, **kwargs):
    instance._verified_as_loaded = _verified(instance)


def graduate_event_data(graduate: Graduate) -> dict:
    """What the centre verified, never who: the name and email stay on the site."""
    programme = graduate.programme
    centre = programme.centre
    return {
        "graduate": {
            "id": graduate.pk,
            "programme": {"id": programme.pk, "name": programme.name},
            "centre": {"id": centre.pk, "code": centre.code, "name": centre.name},
            "cohort_id": graduate.cohort_id,
            "hours": graduate.hours,
            "completed_on": graduate.completed_on,
            "source": graduate.source,
            "decided_at": graduate.decided_at,
        }
    }


def on_graduate_saved(sender, instance: Graduate, created: bool, raw=False, **kwargs):
    was = False if created else getattr(instance, "_verified_as_loaded", False)
    now = _verified(instance)
    instance._verified_as_loaded = now
    if raw or not now or was:
        return
    admins = CentreMember.objects.active().filter(
        centre_id=instance.programme.centre_id, role=CentreMember.Role.ADMIN
    )
    event_emit(
        event=Event.GRADUATE_VERIFIED,
        person=instance.user_id,
        people=admins.values_list("user_id", flat=True),
        data=graduate_event_data(instance),
    )


def connect() -> None:
    post_save.connect(on_credential_audit_event, sender=AuditEntry, dispatch_uid="api-cred-events")
    post_init.connect(
        remember_session_status, sender=SupervisionSession, dispatch_uid="api-session-init"
    )
    post_save.connect(on_session_saved, sender=SupervisionSession, dispatch_uid="api-session-save")
    post_init.connect(remember_graduate_state, sender=Graduate, dispatch_uid="api-graduate-init")
    post_save.connect(on_graduate_saved, sender=Graduate, dispatch_uid="api-graduate-save")
