"""`{% load translated %}`: versioned data in the reader's language (lib.translations)."""

from django import template
from django.utils.html import format_html

from practicum.lib import translations

register = template.Library()


@register.filter
def localized(obj, field: str):
    """`{{ clause|localized:"text" }}`: the field in the active language, else as written."""
    return translations.localized(obj, field)


@register.filter
def local(obj):
    """`{{ tool|local }}`: a version's content in the active language."""
    return translations.localized_content(obj)


@register.filter
def isolated(code):
    """`{% blocktranslate with id=clause.identifier|isolated %}`: an identifier (or a quoted
    text) that keeps its own order inside a right-to-left sentence, in <bdi> (what
    lib.translations.isolated does with control characters where there is no markup)."""
    return format_html("<bdi>{}</bdi>", code)


@register.filter
def code(value):
    """`{{ application.reference|code }}` (also inside blocktranslate): a reference read left
    to right whole, never broken at its hyphens (CMM-2026-0001 on a phone, in Arabic too)."""
    return format_html('<bdi class="code">{}</bdi>', value)


@register.simple_tag
def official_translation(obj) -> bool:
    """Whether an official text has an official translation in the active language."""
    return translations.is_official(obj)


@register.filter
def text_lang(obj, field: str) -> str:
    """The language `{{ obj|localized:field }}` is in: the reader's where a translation exists,
    else English (the official texts), for the `lang` attribute of its element."""
    over = translations.translation_for(obj)
    if over and isinstance(over.get(field), str) and over[field].strip():
        return translations.active_language()
    return "en"
