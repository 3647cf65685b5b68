"""The demo data: an application in the queue, an issued credential; loading twice is safe."""

import pytest
from django.core.management import call_command

from practicum.credentials.models import Application, Credential, DeclaredCredential
from practicum.institutions.models import AccreditationApplication

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_application_in_the_queue_and_a_badge(settings, frameworks, client):
    settings.DEBUG = True
    call_command("load_demo", quiet=True)
    call_command("load_demo", quiet=True)
    application = Application.objects.get()
    assert application.status == "in_review" and application.target_date
    samir = Credential.objects.get(credential_type__code="CMM").holder
    assert samir.email == "supervisor@demo.practicum.test"
    badges = client.get(f"/credentials/holders/{samir.public_id}/badges/").content.decode()
    assert "Certified Master Mentor" in badges
    assert Credential.objects.count() == 2
    # Every staff queue has something in it: a declaration and a paid accreditation renewal.
    declared = DeclaredCredential.objects.get()
    assert declared.status == "pending" and declared.holder.full_name == "Tomás Herrera"
    renewal = AccreditationApplication.objects.get()
    assert renewal.renewal and renewal.invoice.payment and renewal.target_date
