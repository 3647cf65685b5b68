import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from practicum.audit.models import AuditEntry
from practicum.lib.conflict import Conflict
from practicum.library import access, services
from practicum.library.models import Resource
from practicum.library.tests.conftest import content

pytestmark = pytest.mark.django_db


def test_a_draft_goes_through_review_to_publication_each_step_audited(editor, second_editor):
    resource = services.resource_create(by=editor, content=content())
    assert resource.status == Resource.Status.DRAFT
    services.resource_submit(resource=resource, by=editor)
    services.resource_publish(resource=resource, by=second_editor)
    resource.refresh_from_db()
    assert resource.status == Resource.Status.PUBLISHED and resource.is_live
    services.resource_archive(resource=resource, by=editor)
    resource.refresh_from_db()
    assert resource.status == Resource.Status.ARCHIVED
    actions = list(
        AuditEntry.objects.filter(subject_id=str(resource.pk)).values_list("action", flat=True)
    )
    assert actions == [
        "library.created",
        "library.submitted",
        "library.published",
        "library.archived",
    ]


def test_an_editor_may_not_publish_what_they_submitted(editor, second_editor):
    resource = services.resource_create(by=editor, content=content())
    services.resource_submit(resource=resource, by=editor)
    assert services.publish_refusal(resource, editor)
    with pytest.raises(Conflict):
        services.resource_publish(resource=resource, by=editor)
    services.resource_publish(resource=resource, by=second_editor)


def test_a_draft_cannot_be_published_without_review(editor, second_editor):
    resource = services.resource_create(by=editor, content=content())
    with pytest.raises(Conflict):
        services.resource_publish(resource=resource, by=second_editor)


def test_each_edit_keeps_a_version_and_a_published_edit_goes_back_to_review(publish, editor):
    resource = publish()
    services.resource_edit(
        resource=resource, by=editor, content=content(title="Recurring patterns, revised")
    )
    resource.refresh_from_db()
    assert resource.status == Resource.Status.DRAFT
    versions = list(resource.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].metadata["title"] == "Spotting recurring patterns in supervision"
    assert versions[1].metadata["title"] == "Recurring patterns, revised"
    assert not access.live().filter(pk=resource.pk).exists()


def test_an_edit_without_a_new_file_keeps_the_file_and_the_old_version_keeps_its_own(
    publish, editor
):
    resource = publish(kind="briefing", body="")
    first = resource.file.name
    services.resource_edit(
        resource=resource, by=editor, content=content(kind="briefing", file=None, body="")
    )
    resource.refresh_from_db()
    assert resource.file.name == first
    services.resource_edit(resource=resource, by=editor, content=content(kind="briefing", body=""))
    resource.refresh_from_db()
    assert resource.file.name != first
    assert resource.versions.get(number=1).file.name == first


def test_each_kind_needs_its_own_part(editor):
    for kind, message in [("article", "text"), ("briefing", "PDF"), ("link", "address"),
                          ("template", "tool")]:  # fmt: skip
        overrides = {"kind": kind, "body": ""}
        if kind == "briefing":
            overrides["file"] = None
        with pytest.raises(ValidationError, match=message):
            services.resource_create(by=editor, content=content(**overrides))
    assert not Resource.objects.exists()


def test_a_scheduled_resource_is_hidden_until_its_time(editor, second_editor, mentor):
    resource = services.resource_create(by=editor, content=content(access="public"))
    services.resource_submit(resource=resource, by=editor)
    later = timezone.now() + datetime.timedelta(days=2)
    services.resource_publish(resource=resource, by=second_editor, publish_at=later)
    assert not access.listed_for(mentor).filter(pk=resource.pk).exists()
    Resource.objects.filter(pk=resource.pk).update(publish_at=timezone.now())
    assert access.listed_for(mentor).filter(pk=resource.pk).exists()


def test_nobody_without_the_role_manages_a_resource(editor, mentor):
    resource = services.resource_create(by=editor, content=content())
    with pytest.raises(ValidationError):
        services.resource_submit(resource=resource, by=mentor)
    with pytest.raises(ValidationError):
        services.resource_create(by=mentor, content=content())


def test_editors_cannot_make_a_centre_resource_without_a_centre(editor):
    with pytest.raises(ValidationError):
        services.resource_create(by=editor, content=content(access="centre"))
