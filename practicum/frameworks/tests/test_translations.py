"""The Code and the Competencies are the body's official English text: a translation shows only
when the body publishes one (a file per version marked official); until then the English shows,
marked as English, with a note in the reader's language."""

import shutil

import pytest
import yaml
from django.urls import reverse
from django.utils import translation

from conftest import make_user
from practicum.accounts.models import Role
from practicum.frameworks.loader import DATA_DIR, FrameworkFileError, framework_load
from practicum.frameworks.models import EthicsClause, FrameworkVersion, QuestionnaireStatement
from practicum.lib.translations import localized

pytestmark = pytest.mark.django_db
CODE = DATA_DIR / "code_of_ethics" / "1.0.yaml"


def code_copy(tmp_path):
    target = tmp_path / "code_of_ethics" / "1.0.yaml"
    target.parent.mkdir()
    shutil.copy(CODE, target)
    return target


def fixture_official_spanish(path, *, official=True):
    """A test fixture only: no official translation of the Code has been published."""
    doc = yaml.safe_load(CODE.read_text(encoding="utf-8"))
    first_group = doc["principle_groups"][0]
    overlay = {
        "official": official,
        "title": "Código de Ética (traducción de prueba)",
        "principle_groups": [
            {
                "number": first_group["number"],
                "name": "Grupo de prueba",
                "sections": [
                    {
                        "letter": first_group["sections"][0]["letter"],
                        "title": "Sección de prueba",
                        "clauses": ["Texto de prueba de la primera cláusula."],
                    }
                ],
            }
        ],
    }
    (path.parent / "1.0.es.yaml").write_text(
        yaml.safe_dump(overlay, allow_unicode=True), encoding="utf-8"
    )


def test_the_code_in_spanish_is_the_english_text_with_a_note(client, frameworks):
    with translation.override("es"):
        html = client.get(reverse("frameworks:code"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Este es el texto oficial en inglés del Código de Ética" in html
    assert 'lang="en"' in html
    first = EthicsClause.objects.order_by("position").first()
    assert f'<span lang="en">{first.text}</span>' in html


def test_the_code_in_english_has_no_note(client, frameworks):
    html = client.get(reverse("frameworks:code")).content.decode()
    assert "official English text" not in html


def test_an_official_translation_shows_without_the_note(client, tmp_path, frameworks):
    path = code_copy(tmp_path)
    fixture_official_spanish(path)
    # The shipped 1.0 is loaded already: the translation is added to it.
    framework = framework_load(path=path).framework
    clause = EthicsClause.objects.get(framework=framework, identifier="1.A.1")
    assert clause.translations["es"]["text"] == "Texto de prueba de la primera cláusula."
    assert localized(clause, "text", "en") == clause.text

    with translation.override("es"):
        html = client.get(reverse("frameworks:code"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Texto de prueba de la primera cláusula." in html
    assert "Código de Ética (traducción de prueba)" in html
    assert "no se ha publicado" not in html
    # A clause the translation leaves out reads as written.
    other = EthicsClause.objects.get(framework=framework, identifier="1.A.2")
    assert other.text in html


def test_an_unofficial_translation_of_the_code_is_refused(tmp_path, frameworks):
    path = code_copy(tmp_path)
    fixture_official_spanish(path, official=False)
    with pytest.raises(FrameworkFileError, match="official: true"):
        framework_load(path=path)


def test_the_readiness_statements_read_in_spanish_and_keep_their_rows(frameworks):
    framework = FrameworkVersion.objects.get(kind="readiness_questionnaire", version="1.0")
    before = list(QuestionnaireStatement.objects.filter(framework=framework).values_list("pk"))
    again = framework_load(path=DATA_DIR / "readiness_questionnaire" / "1.0.yaml")
    assert not again.created
    assert list(QuestionnaireStatement.objects.filter(framework=framework).values_list("pk")) == (
        before
    )
    q1 = QuestionnaireStatement.objects.get(framework=framework, code="Q1")
    with translation.override("es"):
        assert localized(q1, "text").startswith("Veo la supervisión profesional")
        assert framework.local["bands"][0]["label"] == "Primeros pasos"
        assert framework.local["bands"][0]["min"] == 19
    with translation.override("ar"):
        assert localized(q1, "text").startswith("أرى الإشراف المهني")
    assert localized(q1, "text", "en") == q1.text


# --- The pledge page: the pledge is part of the Code, shown as the Code page shows it ----------


def pledge_html(client, language):
    user = make_user(f"pledge-{language}@example.org", Role.MENTOR, pledge=False)
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    client.force_login(user)
    return client.get(reverse("frameworks:pledge")).content.decode()


def pledge_block(html):
    start = html.index('<blockquote class="pledge-text"')
    return html[start : html.index("</blockquote>", start)]


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("es", "Este es el texto oficial en inglés del Código de Ética"),
        ("ar", "هذا هو النص الإنجليزي الرسمي لمدونة الأخلاقيات"),
    ],
)
def test_the_pledge_in_another_language_is_the_english_with_a_note(
    client, frameworks, language, note
):
    html = pledge_html(client, language)
    assert note in html
    code = FrameworkVersion.objects.get(kind="code_of_ethics", version="1.0")
    block = pledge_block(html)
    assert block.startswith('<blockquote class="pledge-text" lang="en">')
    assert code.content["pledge"].split("\n")[0][:40] in block


def test_the_pledge_in_english_has_no_note(client, frameworks):
    html = pledge_html(client, "en")
    assert "official English text" not in html
    assert 'lang="en"' in pledge_block(html)


def test_an_official_translation_of_the_pledge_shows_without_the_note(client, tmp_path, frameworks):
    path = code_copy(tmp_path)
    fixture_official_spanish(path)
    overlay = yaml.safe_load((path.parent / "1.0.es.yaml").read_text(encoding="utf-8"))
    overlay["pledge"] = "Prometo de prueba actuar con integridad."
    (path.parent / "1.0.es.yaml").write_text(
        yaml.safe_dump(overlay, allow_unicode=True), encoding="utf-8"
    )
    framework_load(path=path)
    html = pledge_html(client, "es")
    assert "no se ha publicado" not in html
    block = pledge_block(html)
    assert block.startswith('<blockquote class="pledge-text" lang="es">')
    assert "Prometo de prueba actuar con integridad." in block


def test_an_official_translation_that_leaves_the_pledge_out_shows_its_english(
    client, tmp_path, frameworks
):
    path = code_copy(tmp_path)
    fixture_official_spanish(path)  # translates a clause, not the pledge
    framework_load(path=path)
    html = pledge_html(client, "es")
    assert "Este es el texto oficial en inglés del Código de Ética" in html
    assert pledge_block(html).startswith('<blockquote class="pledge-text" lang="en">')


# --- Choices labelled with an official text (a form's competencies and clauses) ---------------


def clause_form(code):
    from django import forms

    from practicum.frameworks.official import clause_label, official_choices

    class ClauseForm(forms.Form):
        boxes = forms.ModelMultipleChoiceField(
            queryset=code.clauses.all(), widget=forms.CheckboxSelectMultiple
        )
        menu = forms.ModelMultipleChoiceField(queryset=code.clauses.all())
        one = forms.ModelChoiceField(queryset=code.clauses.all())

        def __init__(self):
            super().__init__()
            for name in self.fields:
                official_choices(self.fields[name], code, clause_label)

    return ClauseForm()


def test_choices_from_an_official_text_say_they_are_english(frameworks):
    code = FrameworkVersion.objects.get(kind="code_of_ethics", version="1.0")
    first = EthicsClause.objects.get(framework=code, identifier="1.A.1")
    with translation.override("ar"):
        form = clause_form(code)
        boxes, menu, one = str(form["boxes"]), str(form["menu"]), str(form["one"])
    # The label's words in a span (the box and the label stay the page's), an option itself.
    assert f'<span lang="en">1.A.1 {first.text[:80]}</span>' in boxes
    assert f'<option value="{first.pk}" lang="en">1.A.1 ' in menu
    assert '<option value="" selected>' in one  # the empty choice is the page's own words
    assert f'<option value="{first.pk}" lang="en">' in one


def test_choices_read_the_official_translation_where_published(tmp_path, frameworks):
    path = code_copy(tmp_path)
    fixture_official_spanish(path)
    code = framework_load(path=path).framework
    first = EthicsClause.objects.get(framework=code, identifier="1.A.1")
    with translation.override("es"):
        boxes = str(clause_form(code)["boxes"])
    assert '<span lang="es">1.A.1 Texto de prueba de la primera cláusula.</span>' in boxes
    with translation.override("en"):
        assert f'<span lang="en">1.A.1 {first.text[:80]}</span>' in str(clause_form(code)["boxes"])
