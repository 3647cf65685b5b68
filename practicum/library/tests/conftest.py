import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_user
from practicum.accounts.models import Role
from practicum.lib.tests.samples import MINIMAL_PDF
from practicum.lib.uploads import validate_captions, validate_pdf, validate_video
from practicum.library import services

# The first bytes of a WebM file (EBML header, doc type "webm"): what the upload check reads.
WEBM_HEAD = bytes.fromhex("1a45dfa39f4286810142f7810142f2810442f381084282847765626d")
VTT = b"WEBVTT\n\n00:00.000 --> 00:02.000\nHello.\n"


@pytest.fixture
def editor(frameworks):
    return make_user("edith@example.org", Role.EDITOR, full_name="Edith Editor", mfa=True)


@pytest.fixture
def second_editor(frameworks):
    return make_user("eddie@example.org", Role.EDITOR, full_name="Eddie Editor", mfa=True)


def pdf_upload():
    upload = SimpleUploadedFile("paper.pdf", MINIMAL_PDF, content_type="application/pdf")
    validate_pdf(upload, max_bytes=10**6)
    return upload


def content(**overrides) -> dict:
    data = {
        "kind": "article",
        "access": "members",
        "title": "Spotting recurring patterns in supervision",
        "summary": "How a supervisor helps a mentor notice recurring patterns across clients.",
        "author": "Ana Author",
        "written_on": datetime.date(2026, 5, 1),
        "minutes": 20,
        "language": "en",
        "body": "# Patterns\n\nSome *text*.",
        "url": "",
        "template_tool": "",
        "competencies": [],
        "clauses": [],
        "themes": ["reflective-practice"],
        "formats": [],
    }
    data.update(overrides)
    if data["kind"] == "briefing" and "file" not in overrides:
        data["file"], data["file_kind"] = pdf_upload(), "pdf"
    if data["kind"] == "video" and "file" not in overrides:
        video = SimpleUploadedFile("v.webm", WEBM_HEAD + b"\x00" * 64)
        data["file_kind"] = validate_video(video, max_bytes=10**6)
        captions = SimpleUploadedFile("c.vtt", VTT)
        validate_captions(captions, max_bytes=10**5)
        data["file"], data["captions"] = video, captions
    return data


@pytest.fixture
def publish(editor, second_editor):
    """publish(**content) -> a live resource, through the real workflow."""

    def make(**overrides):
        resource = services.resource_create(by=editor, content=content(**overrides))
        services.resource_submit(resource=resource, by=editor)
        return services.resource_publish(resource=resource, by=second_editor)

    return make
