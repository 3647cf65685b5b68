"""Studying counts: a reflection kept private, self-study CPD once per resource, capped a year."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from practicum.lib.conflict import Conflict
from practicum.library import services
from practicum.library.models import StudyRecord
from practicum.practice.models import CpdEntry

pytestmark = pytest.mark.django_db


def test_study_hours_are_the_reading_time_to_the_quarter_hour(publish):
    assert services.study_hours(publish(access="public", minutes=20)) == Decimal("0.50")
    assert services.study_hours(publish(access="public", minutes=5)) == Decimal("0.25")
    assert services.study_hours(publish(access="public", minutes=90)) == Decimal("1.50")


def test_a_study_adds_self_study_cpd_once(publish, mentor):
    resource = publish(access="public", minutes=60)
    study = services.resource_study(resource=resource, mentor=mentor, reflection="Noticed a loop.")
    entry = services.study_add_to_cpd(study=study, mentor=mentor)
    assert entry.category == CpdEntry.Category.SELF_STUDY and entry.hours == Decimal("1.00")
    assert entry.source == f"library:{resource.code}"
    with pytest.raises(Conflict):
        services.study_add_to_cpd(study=study, mentor=mentor)
    assert CpdEntry.objects.filter(mentor=mentor).count() == 1


def test_the_reflection_is_encrypted_and_not_in_the_audit_trail(publish, mentor):
    from practicum.audit.models import AuditEntry

    resource = publish(access="public")
    services.resource_study(resource=resource, mentor=mentor, reflection="Very private words")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reflection FROM library_studyrecord")
        stored = cursor.fetchone()[0]
    assert "private" not in stored
    assert "private" not in str(list(AuditEntry.objects.values("before", "after")))


def test_the_yearly_cap_from_the_rules_is_never_exceeded(publish, mentor):
    resources = [publish(access="public", minutes=240, title=f"Long read {n}") for n in range(4)]
    entries = []
    for resource in resources[:3]:
        study = services.resource_study(resource=resource, mentor=mentor, reflection="")
        entries.append(services.study_add_to_cpd(study=study, mentor=mentor))
    # 4 + 4 + what is left of the 10 hours
    assert [e.hours for e in entries] == [Decimal("4.00"), Decimal("4.00"), Decimal("2.00")]
    study = services.resource_study(resource=resources[3], mentor=mentor, reflection="")
    with pytest.raises(ValidationError, match="10 hours"):
        services.study_add_to_cpd(study=study, mentor=mentor)
    assert services.self_study_hours(mentor, datetime.date.today().year) == Decimal(10)


def test_nobody_studies_what_they_may_not_read(publish, mentor):
    with pytest.raises(ValidationError):
        services.resource_study(resource=publish(access="members"), mentor=mentor, reflection="")


def test_staff_see_the_total_never_the_reflection(client, publish, mentor, editor):
    resource = publish(access="public", minutes=30)
    study = services.resource_study(resource=resource, mentor=mentor, reflection="Secret insight")
    services.study_add_to_cpd(study=study, mentor=mentor)
    client.force_login(editor)
    page = client.get(reverse("library:manage", args=[resource.code])).content.decode()
    assert "by 1 mentor, 0.50 CPD hours counted" in page
    assert "Secret insight" not in page


def test_the_mentor_studies_and_adds_cpd_through_the_pages(client, publish, mentor):
    resource = publish(access="public", minutes=45)
    client.force_login(mentor)
    client.post(reverse("library:study", args=[resource.code]), {"reflection": "Useful."})
    client.post(reverse("library:study_cpd", args=[resource.code]))
    assert CpdEntry.objects.get(mentor=mentor).hours == Decimal("0.75")
    page = client.get(reverse("library:detail", args=[resource.code])).content.decode()
    assert "In your CPD ledger: 0.75 hours of self-study." in page


def test_export_and_erase_of_the_mentors_study_records(client, publish, mentor):
    resource = publish(access="public")
    services.resource_study(resource=resource, mentor=mentor, reflection="Mine")
    client.force_login(mentor)
    exported = client.get(reverse("library:my_studies_export")).json()
    assert exported["library_studies"][0]["reflection"] == "Mine"
    client.post(reverse("library:my_studies_erase"))
    assert not StudyRecord.objects.filter(mentor=mentor).exists()
