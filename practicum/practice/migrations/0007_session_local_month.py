"""Store each session's month on its mentor's calendar, so the dashboard chart is a plain
GROUP BY (SQLite runs a zoned TruncMonth as a Python function per row)."""

import zoneinfo

from django.conf import settings
from django.db import migrations, models

BATCH = 2000


def _zone(name: str):
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def backfill(apps, schema_editor):
    # In batches by primary key, so memory stays flat on a large table.
    Session = apps.get_model("practice", "SupervisionSession")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    zones = {pk: _zone(name) for pk, name in User.objects.values_list("pk", "time_zone")}
    last = 0
    while True:
        rows = list(
            Session.objects.filter(pk__gt=last)
            .order_by("pk")
            .only("pk", "mentor_id", "starts_at")[:BATCH]
        )
        if not rows:
            return
        for row in rows:
            local = row.starts_at.astimezone(zones.get(row.mentor_id, zoneinfo.ZoneInfo("UTC")))
            row.local_month = local.date().replace(day=1)
        Session.objects.bulk_update(rows, ["local_month"])
        last = rows[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("frameworks", "0001_initial"),
        ("practice", "0006_training_centre_matching"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="supervisionsession",
            name="local_month",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="supervisionsession",
            index=models.Index(
                fields=["mentor", "local_month"], name="practice_su_mentor__be84de_idx"
            ),
        ),
    ]
