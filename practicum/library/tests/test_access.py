"""Who reads what: per audience, on the page and for the files, guessed URLs included."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from practicum.accounts.models import Role
from practicum.institutions import services as institutions
from practicum.institutions.tests.conftest import make_centre
from practicum.library import access, services
from practicum.library.models import Resource
from practicum.library.tests.conftest import content

pytestmark = pytest.mark.django_db


def make_member(mentor):
    mentor.membership_status = "member"
    mentor.membership_valid_until = timezone.localdate() + datetime.timedelta(days=30)
    mentor.save()
    return mentor


def test_a_member_only_briefing_shows_its_summary_to_a_visitor_and_never_its_file(client, publish):
    resource = publish(kind="briefing", body="")
    page = client.get(reverse("library:detail", args=[resource.code]))
    assert page.status_code == 200
    assert resource.summary in page.content.decode()
    assert reverse("library:file", args=[resource.code]) not in page.content.decode()
    assert "How to get access" in page.content.decode()
    assert client.get(reverse("library:file", args=[resource.code])).status_code == 404


def test_a_non_member_mentor_gets_the_same_404_as_for_a_code_that_does_not_exist(
    client, publish, mentor
):
    resource = publish(kind="briefing", body="")
    client.force_login(mentor)
    assert client.get(reverse("library:file", args=[resource.code])).status_code == 404
    assert client.get(reverse("library:file", args=["guessed-code"])).status_code == 404


def test_a_member_downloads_the_briefing_through_the_file_view(client, publish, mentor):
    resource = publish(kind="briefing", body="")
    client.force_login(make_member(mentor))
    response = client.get(reverse("library:file", args=[resource.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_stored_name_is_random_and_not_in_the_page(client, publish, mentor):
    resource = publish(kind="briefing", body="")
    client.force_login(make_member(mentor))
    page = client.get(reverse("library:detail", args=[resource.code])).content.decode()
    assert resource.file.name not in page
    assert resource.file.name.startswith("library/") and resource.code not in resource.file.name


def test_a_video_and_its_captions_are_served_to_its_audience_only(
    client, publish, supervisor, mentor
):
    resource = publish(kind="video", body="", access="supervisors")
    client.force_login(mentor)
    assert client.get(reverse("library:captions", args=[resource.code])).status_code == 404
    client.force_login(supervisor)
    video = client.get(reverse("library:file", args=[resource.code]))
    captions = client.get(reverse("library:captions", args=[resource.code]))
    assert video.status_code == 200 and video["Content-Type"] == "video/webm"
    assert captions.status_code == 200 and captions["Content-Type"] == "text/vtt"


def test_read_refusals_per_audience(publish, mentor, supervisor, monkeypatch):
    from practicum.supervision import services as supervision

    public = publish(access="public")
    members = publish(access="members")
    credentialed = publish(access="credentialed")
    supervisors = publish(access="supervisors")
    for user, readable in [
        (mentor, {public}),
        (supervisor, {public, supervisors}),
    ]:
        assert set(access.readable_by(user)) == readable
        for resource in (public, members, credentialed, supervisors):
            assert (access.read_refusal(resource, user) is None) == (resource in readable)
    monkeypatch.setattr(supervision, "CREDENTIAL_CHECKS", [lambda user: user.pk == mentor.pk])
    make_member(mentor)
    assert set(access.readable_by(mentor)) == {public, members, credentialed}


def test_a_centre_resource_is_for_its_own_mentors_only(client, frameworks, mentor, other_mentor):
    admin = make_user("carla@centre.example.org", Role.INSTITUTION_ADMIN, mfa=True)
    centre = make_centre(admin=admin)
    _member, token = institutions.member_invite(
        centre=centre, email=mentor.email, role="mentor", by=admin
    )
    institutions.member_join(token=token, user=mentor)
    resource = services.resource_create(by=admin, content=content(), centre=centre)
    services.resource_publish(resource=resource, by=admin)
    resource.refresh_from_db()
    assert resource.access == Resource.Access.CENTRE and resource.is_live
    assert access.read_refusal(resource, mentor) is None
    assert not access.listed_for(other_mentor).filter(pk=resource.pk).exists()
    client.force_login(other_mentor)
    assert client.get(reverse("library:detail", args=[resource.code])).status_code == 404
    client.force_login(mentor)
    assert client.get(reverse("library:detail", args=[resource.code])).status_code == 200


def test_a_centre_admin_manages_only_their_centres_resources(frameworks, editor):
    admin = make_user("carla@centre.example.org", Role.INSTITUTION_ADMIN, mfa=True)
    centre = make_centre(admin=admin)
    other = make_centre(name="Another Centre")
    mine = services.resource_create(by=admin, content=content(), centre=centre)
    body = services.resource_create(by=editor, content=content())
    assert access.may_manage(admin, mine) and not access.may_manage(admin, body)
    with pytest.raises(ValidationError):
        services.resource_create(by=admin, content=content(), centre=other)


def test_a_draft_is_a_404_to_readers_and_a_preview_to_editors(client, editor, mentor):
    resource = services.resource_create(by=editor, content=content(access="public"))
    client.force_login(mentor)
    assert client.get(reverse("library:detail", args=[resource.code])).status_code == 404
    client.force_login(editor)
    assert client.get(reverse("library:detail", args=[resource.code])).status_code == 200


def test_article_text_is_rendered_without_any_html_of_its_own(client, publish):
    resource = publish(
        access="public", body="Hi <script>alert(1)</script> [x](javascript:alert(1)) **bold**"
    )
    page = client.get(reverse("library:detail", args=[resource.code])).content.decode()
    assert "<script>alert(1)" not in page
    assert 'href="javascript:' not in page
    assert "<strong>bold</strong>" in page


def test_a_template_is_printed_from_the_tools_content_for_its_audience_only(client, publish):
    public = publish(kind="template", template_tool="ethics-lens", access="public", body="")
    members = publish(kind="template", template_tool="self-care", access="members", body="")
    response = client.get(reverse("library:template_pdf", args=[public.code]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert client.get(reverse("library:template_pdf", args=[members.code])).status_code == 404
