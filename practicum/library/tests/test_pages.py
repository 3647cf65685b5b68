"""The library's pages: filters, search, the desk, and query counts flat with data."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from practicum.library import services
from practicum.library.models import Resource
from practicum.library.tests.conftest import content

pytestmark = pytest.mark.django_db


def test_filters_by_kind_language_access_and_tag(client, publish):
    article = publish(access="public", title="An article in English")
    spanish = publish(access="members", language="es", title="Un artículo en español")
    boundaries = publish(access="public", title="Boundaries", themes=["boundaries"])
    url = reverse("library:index")

    def titles(**query):
        return [r.title for r in client.get(url, query).context["page"]]

    assert set(titles(language="es")) == {spanish.title}
    assert set(titles(access="public")) == {article.title, boundaries.title}
    assert titles(tag="theme:boundaries") == [boundaries.title]
    assert titles(kind="video") == []


def test_search_by_words_finds_the_resource(client, publish, monkeypatch):
    from practicum.lib import embeddings

    monkeypatch.setattr(embeddings, "available", lambda: False)
    publish(access="public", title="Holding boundaries with a sponsor")
    publish(access="public", title="Writing up a case", summary="Notes before supervision.")
    page = client.get(reverse("library:index"), {"q": "sponsor boundaries"}).context["page"]
    assert [r.title for r in page] == ["Holding boundaries with a sponsor"]


def test_search_by_meaning_keeps_a_vector_per_version(client, publish):
    from practicum.lib import embeddings

    if not embeddings.available():
        pytest.skip("the embedding model is not installed")
    resource = publish(
        access="public",
        title="Keeping what a client says private",
        summary="Confidentiality with sponsors and organisations.",
    )
    publish(access="public", title="Planning your year", summary="Goals and calendars.")
    page = client.get(reverse("library:index"), {"q": "privacy of what mentees share"}).context[
        "page"
    ]
    assert [r.title for r in page] == [resource.title]
    assert resource.versions.get().vector


def test_the_list_pages_keep_their_query_count_flat(
    client, publish, editor, django_assert_max_num_queries
):
    for n in range(3):
        publish(access="public", title=f"Resource {n}", themes=["boundaries", "self-care"])
    client.force_login(editor)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("library:index"))
        client.get(reverse("library:editor_dashboard"), {"status": "published"})
    for n in range(3, 25):
        publish(access="public", title=f"Resource {n}", themes=["boundaries"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("library:index"))
        client.get(reverse("library:editor_dashboard"), {"status": "published"})


def test_an_editor_creates_submits_and_another_publishes_through_the_pages(
    client, editor, second_editor
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from practicum.lib.tests.samples import MINIMAL_PDF

    client.force_login(editor)
    data = {**content(kind="briefing", body=""), "written_on": "2026-05-01"}
    data = {k: v for k, v in data.items() if k not in ("file", "file_kind") and v not in ([], None)}
    data["file"] = SimpleUploadedFile("x.pdf", MINIMAL_PDF, content_type="application/pdf")
    response = client.post(reverse("library:resource_new"), data)
    resource = Resource.objects.get()
    assert response.status_code == 302 and resource.file_kind == "pdf"
    client.post(reverse("library:resource_act", args=[resource.code, "submit"]))
    response = client.post(reverse("library:resource_act", args=[resource.code, "publish"]))
    assert response.status_code == 409
    client.force_login(second_editor)
    client.post(
        reverse("library:resource_act", args=[resource.code, "publish"]), {"publish_at": ""}
    )
    resource.refresh_from_db()
    assert resource.status == Resource.Status.PUBLISHED


def test_a_file_that_is_not_what_the_kind_needs_is_refused_and_nothing_saved(client, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(editor)
    data = {**content(kind="video", body=""), "written_on": "2026-05-01"}
    data = {
        k: v
        for k, v in data.items()
        if k not in ("file", "file_kind", "captions") and v not in ([], None)
    }
    data["file"] = SimpleUploadedFile("x.mp4", b"<html>not a video</html>")
    data["captions"] = SimpleUploadedFile("x.vtt", b"1\n00:00 --> 00:01\nhi")
    response = client.post(reverse("library:resource_new"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "not an MP4 or WebM video" in body and "not WebVTT" in body
    assert not Resource.objects.exists()


def test_the_lab_page_fragment_lists_resources_on_its_theme(client, publish, mentor):
    from practicum.supervision.models import ThematicLab

    on_theme = publish(access="public", title="Ethics at work", themes=["ethics-in-action"])
    publish(access="public", title="Self-care", themes=["self-care"])
    lab = ThematicLab.objects.create(
        title="Lab",
        theme="Ethics in action",
        description="x",
        starts_at=timezone.now() + datetime.timedelta(days=30),
        capacity=5,
        cpd_hours=2,
    )
    client.force_login(mentor)
    page = client.get(reverse("library:lab_resources", args=[lab.code])).content.decode()
    assert on_theme.title in page and "Self-care" not in page


def test_the_competency_filter_lists_its_resources(client, publish):
    from practicum.frameworks.models import Competency

    competency = Competency.objects.first()
    tagged = publish(access="public", title="Tagged", competencies=[competency.pk])
    publish(access="public", title="Untagged")
    page = client.get(reverse("library:index"), {"competency": competency.pk})
    assert [r.title for r in page.context["page"]] == [tagged.title]
    assert competency.name in page.content.decode()


def test_an_archived_resource_is_no_longer_listed(client, publish, editor):
    resource = publish(access="public")
    services.resource_archive(resource=resource, by=editor)
    assert client.get(reverse("library:detail", args=[resource.code])).status_code == 404
