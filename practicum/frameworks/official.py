"""The official texts (the Code of Ethics, the Core Competencies) where the interface shows them:
the body's official translation in the reader's language where one is published, else the
English, marked `lang="en"` so that a screen reader reads it as English (and the pages add a
note in the reader's language that it is the official text).

`official_text` says which, for a page; `official_choices` labels a form field's choices with
the rows of an official text (competencies, clauses) the same way."""

from collections.abc import Callable

from django import forms
from django.utils.translation import get_language_info

from practicum.frameworks.models import FrameworkVersion
from practicum.lib.translations import active_language, is_official, localized, translation_for


def official_text(framework: FrameworkVersion, part: str | None = None) -> dict:
    """How an official text (the Code, the Competencies) shows in the reader's language: its
    official translation where the body has published one, else the English with a note.
    `lang` goes on the blocks of the text so a screen reader reads English as English.
    With `part` (a top-level key of the content, e.g. the Code's `pledge`), a page showing only
    that part shows it translated only if the official translation translates that part."""
    lang = active_language()
    if lang.split("-")[0] == "en":
        return {"english_only": False, "lang": lang}
    if is_official(framework, lang) and (part is None or _translates(framework, lang, part)):
        return {"english_only": False, "lang": lang}
    try:
        name = get_language_info(lang)["name_translated"]
    except KeyError:
        name = lang
    # Inside a sentence: "traducción oficial al español", not "al Español".
    return {"english_only": True, "lang": "en", "language_name": name[:1].lower() + name[1:]}


def _translates(framework: FrameworkVersion, lang: str, part: str) -> bool:
    text = (translation_for(framework, lang) or {}).get(part)
    return isinstance(text, str) and bool(text.strip())


class _OfficialOptions:
    """Options labelled with an official text: each says its language (`text_lang`)."""

    text_lang = "en"

    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        option["text_lang"] = self.text_lang
        return option


class OfficialCheckboxes(_OfficialOptions, forms.CheckboxSelectMultiple):
    # The label's text in a <span lang>: the box and the label element stay the page's.
    option_template_name = "frameworks/widgets/official_option.html"


class OfficialSelectMultiple(_OfficialOptions, forms.SelectMultiple):
    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        option["attrs"]["lang"] = self.text_lang
        return option


class OfficialSelect(_OfficialOptions, forms.Select):
    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        if option["value"] not in ("", None):  # the empty choice is the page's own words
            option["attrs"]["lang"] = self.text_lang
        return option


_OFFICIAL_WIDGETS = (
    (forms.CheckboxSelectMultiple, OfficialCheckboxes),
    (forms.SelectMultiple, OfficialSelectMultiple),
    (forms.Select, OfficialSelect),
)


def official_choices(
    field: forms.ModelChoiceField, framework: FrameworkVersion | None, label: Callable
) -> None:
    """Label `field`'s choices (rows of `framework`) with `label(row)`, which reads the rows
    through `localized`; each option marked with the language it shows in."""
    field.label_from_instance = label
    widget = field.widget
    if not isinstance(widget, _OfficialOptions):
        official_class = next(new for old, new in _OFFICIAL_WIDGETS if isinstance(widget, old))
        replacement = official_class(attrs=widget.attrs)
        replacement.is_required = widget.is_required
        field.widget = replacement
    field.widget.text_lang = official_text(framework)["lang"] if framework else "en"
    field.widget.choices = field.choices


def competency_label(competency) -> str:
    return f"{competency.number}. {localized(competency, 'name')}"


def clause_label(clause, length: int = 80) -> str:
    return f"{clause.identifier} {localized(clause, 'text')[:length]}"
