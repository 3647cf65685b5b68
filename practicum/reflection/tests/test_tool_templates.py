"""The four reflective tools as blank templates to print, from the versions in force."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from practicum.frameworks.models import Competency, FrameworkVersion
from practicum.reflection import tool_templates
from practicum.reflection.models import ToolVersion
from practicum.reflection.tool_templates import (
    TEMPLATE_TOOLS,
    localised_content,
    tool_template_pdf,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_cache():
    tool_templates.template_cache_clear()
    yield
    tool_templates.template_cache_clear()


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    # extracted lines wrap where the page does: compare with single spaces
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def first_prompt(slug: str) -> str:
    if slug == "reflective-conversation":
        tool = ToolVersion.objects.current(ToolVersion.Kind.REFLECTIVE_CONVERSATION)
        return tool.steps[0]["title"]
    if slug == "self-care":
        tool = ToolVersion.objects.current(ToolVersion.Kind.SELF_CARE)
        return tool.content["statements"][0]["text"]
    if slug == "ethics-lens":
        return "The choice or dilemma"
    return "Cases or themes brought"


def test_the_four_tools_of_the_seeds(tools):
    assert [slug for slug, _label in TEMPLATE_TOOLS] == [
        "reflective-conversation",
        "ethics-lens",
        "session-log",
        "self-care",
    ]
    assert [str(label) for _slug, label in TEMPLATE_TOOLS] == [
        "Reflective Conversation Framework",
        "Ethics Lens Worksheet",
        "Session Log Template",
        "Self-Care and Burnout Checklist",
    ]


@pytest.mark.parametrize("slug", [slug for slug, _label in TEMPLATE_TOOLS])
def test_each_tool_prints_its_first_prompt_and_cites_its_version(tools, slug):
    content = tool_template_pdf(slug, "en")
    assert content.startswith(b"%PDF-")
    text = text_of(content)
    assert first_prompt(slug) in text
    assert "Version 1.0" in text or "version 1.0" in text
    assert "blank template" in text


def test_scales_and_lists_come_from_the_data_in_force(tools):
    care = text_of(tool_template_pdf("self-care", "en"))
    for label in ("Never", "Rarely", "Sometimes", "Often", "Always"):
        assert label in care
    log = text_of(tool_template_pdf("session-log", "en"))
    for competency in Competency.objects.filter(
        framework=FrameworkVersion.objects.current(FrameworkVersion.Kind.COMPETENCIES)
    ):
        assert competency.name in log
    assert "Core Competencies, version 1.0" in log
    lens = text_of(tool_template_pdf("ethics-lens", "en"))
    assert "Code of Ethics, version 1.0" in lens


def test_spanish_where_translated_and_english_content_otherwise(tools):
    lens = text_of(tool_template_pdf("ethics-lens", "es"))
    assert "Hoja de trabajo de la Lente Ética" in lens
    assert "La decisión o el dilema" in lens
    # the tool data has no Spanish yet: its prompts stay English, our own words do not
    conversation = text_of(tool_template_pdf("reflective-conversation", "es"))
    assert first_prompt("reflective-conversation") in conversation
    assert "Fecha" in conversation
    # a language the platform does not speak is English
    assert "The choice or dilemma" in text_of(tool_template_pdf("ethics-lens", "xx"))


def test_a_translation_in_the_data_is_used(tools):
    tool = ToolVersion.objects.current(ToolVersion.Kind.SELF_CARE)
    tool.content = {
        **tool.content,
        "translations": {
            "es": {
                "title": "Lista de autocuidado",
                "scale": {"labels": ["Nunca", "Rara vez", "A veces", "A menudo", "Siempre"]},
                "statements": [{"code": "S1", "text": "Tras las sesiones me siento agotado."}],
            }
        },
    }
    title, content = localised_content(tool, "es")
    assert title == "Lista de autocuidado"
    assert content["statements"][0]["text"] == "Tras las sesiones me siento agotado."
    assert content["statements"][1]["text"].startswith("I find it hard")  # untranslated: English
    assert content["statements"][0]["keyed"] == "strain"
    assert localised_content(tool, "en")[0] == tool.title


def test_unknown_tool_is_refused(tools):
    with pytest.raises(ValueError):
        tool_template_pdf("readiness", "en")


def test_cached_per_tool_version_and_language(tools, django_assert_max_num_queries):
    first = tool_template_pdf("self-care", "en")
    with django_assert_max_num_queries(1):
        assert tool_template_pdf("self-care", "en") is first
    assert tool_template_pdf("self-care", "es") is not first


def test_a_mentor_downloads_a_template_from_the_toolkit(client, mentor, tools):
    client.force_login(mentor)
    page = client.get(reverse("reflection:toolkit"))
    for slug, _label in TEMPLATE_TOOLS:
        assert reverse("reflection:tool_template", args=[slug]) in page.text
    response = client.get(reverse("reflection:tool_template", args=["session-log"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="session-log-template.pdf"' in response["Content-Disposition"]
    assert "Key learnings" in text_of(response.content)
    assert client.get(reverse("reflection:tool_template", args=["nope"])).status_code == 404


def test_the_template_follows_the_mentors_language(client, mentor, tools):
    mentor.preferred_language = "es"
    mentor.save()
    client.force_login(mentor)
    response = client.get(reverse("reflection:tool_template", args=["session-log"]))
    assert "Aprendizajes clave" in text_of(response.content)


def test_not_loaded_tool_is_a_404(client, mentor, frameworks):
    client.force_login(mentor)
    response = client.get(reverse("reflection:tool_template", args=["self-care"]))
    assert response.status_code == 404
