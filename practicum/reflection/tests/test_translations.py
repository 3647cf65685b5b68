"""The toolkit's texts in the reader's language: translations beside each version file, added
to a published version without changing what records cite."""

import shutil

import pytest
import yaml
from django.urls import reverse
from django.utils import translation

from practicum.lib.translations import localized, localized_content
from practicum.reflection.loader import DATA_DIR, ToolFileError, tool_load, tool_load_all
from practicum.reflection.models import ToolVersion
from practicum.reflection.tests.conftest import write_reflection

pytestmark = pytest.mark.django_db
Kind = ToolVersion.Kind
CONVERSATION = DATA_DIR / "reflective_conversation" / "1.0.yaml"


def copy_version(tmp_path):
    target = tmp_path / "reflective_conversation" / "1.0.yaml"
    target.parent.mkdir()
    shutil.copy(CONVERSATION, target)
    return target


def spanish_overlay() -> dict:
    return yaml.safe_load((CONVERSATION.parent / "1.0.es.yaml").read_text(encoding="utf-8"))


def test_every_shipped_translation_loads_and_covers_every_text():
    for result in tool_load_all():
        tool = result.tool
        for lang in ("es", "ar"):
            assert lang in tool.translations, f"{tool.kind} has no '{lang}' translation"
            with translation.override(lang):
                local = tool.local
            # Same structure, and no English text left where the version has one.
            assert yaml.safe_dump(_shape(local)) == yaml.safe_dump(_shape(tool.content))
            english = set(_texts(tool.content))
            left = [t for t in _texts(local) if t in english and len(t) > 3]
            assert not left, f"{tool.kind} {lang}: untranslated {left[:3]}"


def _shape(value):
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items() if k != "title"}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return type(value).__name__ if isinstance(value, str) else value


def _texts(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from _texts(v)
    elif isinstance(value, str) and " " in value:
        yield value


def test_a_translation_added_to_a_published_version_changes_no_record(tmp_path, mentor):
    path = copy_version(tmp_path)
    tool = tool_load(path=path).tool
    assert tool.translations == {}
    reflection = write_reflection(mentor, tool)

    (path.parent / "1.0.es.yaml").write_text(
        yaml.safe_dump(spanish_overlay(), allow_unicode=True), encoding="utf-8"
    )
    result = tool_load(path=path)

    assert not result.created and result.tool.pk == tool.pk
    assert result.tool.content == tool.content and result.tool.content_hash == tool.content_hash
    reflection.refresh_from_db()
    assert reflection.tool_id == tool.pk
    with translation.override("es"):
        assert reflection.tool.steps[0]["title"] == "La situación"
        assert [s["key"] for s in reflection.tool.steps] == [s["key"] for s in tool.steps]
    # Loading again is idempotent.
    assert tool_load(path=path).tool.translations == result.tool.translations


def test_a_content_change_is_still_refused_with_or_without_a_translation(tmp_path):
    path = copy_version(tmp_path)
    tool_load(path=path)
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["steps"][0]["prompt"] = "Something else."
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ToolFileError, match="already published with different content"):
        tool_load(path=path)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda o: o["steps"][0].update(key="what_happened"), "repeat its key 'situation'"),
        (lambda o: o["steps"][0].update(shared_by_default=False), "cannot change it"),
        (lambda o: o.update(surprise="x"), "'surprise' is not in the version"),
        (lambda o: o["steps"].extend(o["steps"][:1] * 9), "more items than the version"),
        (lambda o: o.update(language="ar"), "says language 'ar'"),
    ],
)
def test_a_translation_cannot_change_content(tmp_path, mutate, message):
    path = copy_version(tmp_path)
    overlay = spanish_overlay()
    overlay["steps"][0]["shared_by_default"] = True
    mutate(overlay)
    (path.parent / "1.0.es.yaml").write_text(
        yaml.safe_dump(overlay, allow_unicode=True), encoding="utf-8"
    )
    with pytest.raises(ToolFileError, match=message):
        tool_load(path=path)
    assert not ToolVersion.objects.filter(kind=Kind.REFLECTIVE_CONVERSATION).exists()


def test_a_text_without_translation_falls_back_to_english(tmp_path):
    path = copy_version(tmp_path)
    overlay = spanish_overlay()
    del overlay["steps"][1]["prompt"]
    (path.parent / "1.0.es.yaml").write_text(
        yaml.safe_dump(overlay, allow_unicode=True), encoding="utf-8"
    )
    tool = tool_load(path=path).tool
    with translation.override("es"):
        assert tool.steps[1]["title"] == "Qué ocurrió y qué hiciste"
        assert tool.steps[1]["prompt"] == tool.content["steps"][1]["prompt"]
    # A language with no file at all reads the version as written.
    assert localized_content(tool, "fr") == tool.content
    assert localized(tool, "title", "fr") == "Reflective Conversation Framework"
    assert localized(tool, "title", "es-mx") == "Marco de Conversación Reflexiva"


def test_the_toolkit_shows_spanish_prompts_to_a_spanish_speaker(client, mentor, tools):
    mentor.preferred_language = "es"
    mentor.save(update_fields=["preferred_language"])
    reflection = write_reflection(mentor, tools[Kind.REFLECTIVE_CONVERSATION])
    client.force_login(mentor)

    start = client.get(reverse("reflection:reflection_create")).content.decode()
    assert "Una conversación guiada contigo mismo" in start
    step = client.get(reverse("reflection:reflection_step", args=[reflection.pk, 4]))
    html = step.content.decode()
    assert "<h1>Patrones</h1>" in html
    assert "Con esta persona" in html and "Toma distancia y busca patrones" in html
    assert "With this client" not in html

    selfcare = client.get(reverse("reflection:selfcare_take")).content.decode()
    assert "Después de las sesiones de mentoría me siento" in selfcare
    assert "A menudo" in selfcare
    readiness = client.get(reverse("reflection:readiness_take")).content.decode()
    assert "Veo la supervisión profesional como una parte esencial" in readiness


def test_the_same_pages_stay_english_for_an_english_speaker(client, mentor, tools):
    client.force_login(mentor)
    html = client.get(reverse("reflection:selfcare_take")).content.decode()
    assert "After mentoring sessions I feel emotionally drained." in html
