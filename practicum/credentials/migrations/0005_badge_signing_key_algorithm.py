from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0004_invoice_for_an_accreditation"),
    ]

    operations = [
        migrations.AddField(
            model_name="badgesigningkey",
            name="algorithm",
            field=models.CharField(
                choices=[("RS256", "RS256"), ("EdDSA", "EdDSA")], default="EdDSA", max_length=8
            ),
        ),
        migrations.AlterField(
            model_name="badgesigningkey",
            name="public_key",
            field=models.TextField(
                help_text="EdDSA: the raw Ed25519 key, base64url; RS256: the JWK's n and e as JSON"
            ),
        ),
    ]
