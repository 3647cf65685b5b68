"""Copy credentials.AuditEvent rows into the project's one audit trail (audit.AuditEntry).

An event about an issued credential becomes `credential.<event>` with the credential as subject;
any other becomes `application.<event>` about the application. The person is the holder or the
applicant. Values are copied as they were (old -> before, new -> after).
"""

from django.db import migrations

CREDENTIAL_EVENTS = {"issued", "expired", "suspended", "reinstated", "revoked", "reminded"}


def forwards(apps, schema_editor):
    AuditEvent = apps.get_model("credentials", "AuditEvent")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    entries = []
    for event in AuditEvent.objects.select_related("application", "credential").order_by("pk"):
        if event.credential_id is not None and (
            event.event in CREDENTIAL_EVENTS or event.application_id is None
        ):
            noun, subject_type = "credential", "credentials.credential"
            subject_id, person_id = event.credential_id, event.credential.holder_id
        else:
            noun, subject_type = "application", "credentials.application"
            subject_id, person_id = event.application_id, event.application.applicant_id
        entries.append(
            AuditEntry(
                actor_id=event.actor_id,
                actor_name=event.actor_name or "system",
                action=f"{noun}.{event.event}",
                subject_type=subject_type,
                subject_id=str(subject_id),
                person_id=person_id,
                before=event.old,
                after=event.new,
                at=event.at,
            )
        )
    AuditEntry.objects.bulk_create(entries, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0001_initial"),
        ("audit", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
