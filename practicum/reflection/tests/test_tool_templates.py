"""The four reflective tools as blank templates to print, from the versions in force."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm

from practicum.frameworks.models import Competency, EthicsClause, FrameworkVersion
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
    # the tool's prompts from the Spanish beside its version, our own words from the catalogue
    tool = ToolVersion.objects.current(ToolVersion.Kind.REFLECTIVE_CONVERSATION)
    spanish_title = tool.translations["es"]["steps"][0]["title"]
    conversation = text_of(tool_template_pdf("reflective-conversation", "es"))
    assert spanish_title in conversation
    assert first_prompt("reflective-conversation") not in conversation
    assert "Fecha" in conversation
    # the Code has no official Spanish: its group names stay the body's English
    group = EthicsClause.objects.order_by("position").first().group_name
    assert group in lens
    # a language the platform does not speak is English
    assert "The choice or dilemma" in text_of(tool_template_pdf("ethics-lens", "xx"))


def test_a_translation_beside_the_version_is_used(tools):
    tool = ToolVersion.objects.current(ToolVersion.Kind.SELF_CARE)
    tool.translations = {
        "es": {
            "title": "Lista de autocuidado",
            "scale": {"labels": ["Nunca", "Rara vez", "A veces", "A menudo", "Siempre"]},
            "statements": [{"code": "S1", "text": "Tras las sesiones me siento agotado."}],
        }
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


def test_an_arabic_template_runs_right_to_left(tools):
    from practicum.lib.tests.test_pdf_rtl import as_drawn, drawn_lines, read_right_to_left

    conversation = tool_template_pdf("reflective-conversation", "ar")
    tool = ToolVersion.objects.current(ToolVersion.Kind.REFLECTIVE_CONVERSATION)
    lines = drawn_lines(conversation)
    read = [read_right_to_left(text) for _l, _r, text in lines]
    # The tool's own Arabic, its title at the top right, the margin 2 cm (+ the frame's 6 pt).
    assert read[0] == tool.translations["ar"]["title"]
    right_margin = round(A4[0] - 2 * cm - 6)
    assert round(lines[0][1]) == right_margin
    first_step = tool.translations["ar"]["steps"][0]["title"]
    assert any(text.startswith(f"1. {first_step}") for text in read), read[:8]
    # The footer starts at the right margin too, the page number at the left.
    footer = [line for line in lines if round(line[1]) == round(A4[0] - 2 * cm)]
    assert footer and "Practicum" in as_drawn(footer[0][2])
    assert round(footer[0][0]) == round(2 * cm) and footer[0][2].startswith("1")

    lens = drawn_lines(tool_template_pdf("ethics-lens", "ar"))
    drawn = [as_drawn(text) for _l, _r, text in lens]
    # The Code's group names are its official English, read left to right; a clause whole.
    group = EthicsClause.objects.order_by("position").first().group_name
    assert any(text.endswith(f"1. {group}") for text in drawn)
    assert any("1.B.3" in text for text in drawn)
    # The tick box of the first group is at the right of its name.
    box_edges = [x for x, _y in tick_boxes(tool_template_pdf("ethics-lens", "ar"))]
    name_line = next(line for line in lens if as_drawn(line[2]).endswith(f"1. {group}"))
    assert any(x > name_line[1] for x in box_edges)


def tick_boxes(pdf: bytes) -> list[tuple[float, float]]:
    """The lower left corner of every small square drawn (the tick boxes)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTRect

    found = []
    for page in extract_pages(io.BytesIO(pdf)):
        stack = list(page)
        while stack:
            item = stack.pop()
            if isinstance(item, LTRect) and 8 <= item.width <= 10 and 8 <= item.height <= 10:
                found.append((item.x0, item.y0))
            elif hasattr(item, "__iter__"):
                stack.extend(item)
    return found
