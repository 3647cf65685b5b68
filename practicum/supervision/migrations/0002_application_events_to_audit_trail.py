"""Copy supervision.ApplicationEvent rows into the project's one audit trail (audit.AuditEntry).

`supervisor_application.<event>` about the application; before/after hold the status, and the
decision's reason when one was written; the person is the applicant.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    ApplicationEvent = apps.get_model("supervision", "ApplicationEvent")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    entries = []
    for event in ApplicationEvent.objects.select_related("application").order_by("pk"):
        after = {"status": event.new_status}
        if event.note:
            after["reason"] = event.note
        entries.append(
            AuditEntry(
                actor_id=event.actor_id,
                actor_name=event.actor_name or "system",
                action=f"supervisor_application.{event.event}",
                subject_type="supervision.supervisorapplication",
                subject_id=str(event.application_id),
                person_id=event.application.applicant_id,
                before={"status": event.old_status} if event.old_status else {},
                after=after,
                at=event.at,
            )
        )
    AuditEntry.objects.bulk_create(entries, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0001_initial"),
        ("audit", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
