"""The CI check that every word a user reads is in their language.

Two halves. Every message the code and templates mark (extracted here in pure Python: the
templates through Django's own `templatize`, the Python through `ast`) must be translated in
Spanish and Arabic, by one of our catalogues or by Django's or a library's own. And a
template's visible text must be marked: `test_templates_mark_their_visible_text` is a heuristic
scanner (text nodes and the attributes people read, with tags, variables and translated blocks
taken out), with a short allowlist below for what is the same in every language.

A language whose catalogue folder exists nowhere is skipped, so a branch can add the language to
settings before its catalogue lands (the lead merges the catalogue, and the check then applies).
"""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.utils import translation
from django.utils.translation.template import templatize

PACKAGE = Path(__file__).resolve().parents[2]
CHECKED_LANGUAGES = ("es", "ar")

# Messages whose text is the same in every language (a placeholder alone), as (context, msgid);
# a catalogue entry whose translation equals its msgid counts as translated already. The
# official English texts (the Code of Ethics, the Competencies) are data, not messages: they
# never reach a catalogue, so they need no entry here.
SAME_IN_EVERY_LANGUAGE: set[tuple[str, str]] = set()

# Visible template text that is not a message: the platform's and the body's names, standards'
# acronyms, and CSS class names passed as a block's content.
VISIBLE_ALLOWLIST = {
    "Practicum",  # the platform's name
    "International Mentoring Center",  # the body's own name, as on its certificates and badges
    "HTTP",
    "IBAN",
    "BIC",
    "PDF",  # a file format's name, as the download links say it
}


def catalogue_folders(language: str) -> list[Path]:
    return sorted(PACKAGE.rglob(f"locale/{language}/LC_MESSAGES/django.po"))


def our_translations(language: str) -> set[tuple[str, str]]:
    done = set()
    for path in catalogue_folders(language):
        for entry in polib.pofile(str(path)).translated_entries():
            done.add((entry.msgctxt or "", entry.msgid))
    return done


GETTEXT_CALLS = {
    "_": 0,
    "gettext": 0,
    "gettext_lazy": 0,
    "gettext_noop": 0,
    "ngettext": 0,
    "ngettext_lazy": 0,
    "pgettext": 1,
    "pgettext_lazy": 1,
    "npgettext": 1,
    "npgettext_lazy": 1,
}


def python_messages(path: Path) -> set[tuple[str, str]]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in GETTEXT_CALLS:
            continue
        strings = [a.value if isinstance(a, ast.Constant) else None for a in node.args[:2]]
        context = strings[0] if GETTEXT_CALLS[name] else ""
        message = strings[GETTEXT_CALLS[name]] if len(strings) > GETTEXT_CALLS[name] else None
        if isinstance(message, str) and isinstance(context, str) and message:
            found.add((context, message))
    return found


STRING = r"u?'(?:[^'\\]|\\.)*'"
TEMPLATE_CALL = re.compile(rf"\b(n?p?gettext)\(\s*({STRING})(?:\s*,\s*({STRING}))?")


def template_messages(path: Path) -> set[tuple[str, str]]:
    found = set()
    for function, first, second in TEMPLATE_CALL.findall(templatize(path.read_text(), path)):
        first = ast.literal_eval(first.removeprefix("u"))
        second = ast.literal_eval(second.removeprefix("u")) if second else None
        found.add((first, second) if function.startswith(("pg", "npg")) else ("", first))
    return found


def marked_messages() -> dict[tuple[str, str], Path]:
    where: dict[tuple[str, str], Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for key in python_messages(path):
            where.setdefault(key, path)
    for path in sorted(PACKAGE.glob("**/templates/**/*.html")) + sorted(
        PACKAGE.glob("**/templates/**/*.txt")
    ):
        for key in template_messages(path):
            where.setdefault(key, path)
    return where


@pytest.mark.parametrize("language", CHECKED_LANGUAGES)
def test_every_marked_message_is_translated(language):
    if not catalogue_folders(language):
        pytest.skip(f"no {language} catalogue in this branch yet")
    ours = our_translations(language)
    missing = []
    for (context, message), path in sorted(marked_messages().items()):
        if (context, message) in ours or (context, message) in SAME_IN_EVERY_LANGUAGE:
            continue
        with translation.override(language):
            # Django's and the libraries' own catalogues (allauth's strings in our overrides).
            shown = (
                translation.pgettext(context, message) if context else translation.gettext(message)
            )
        if shown == message:
            missing.append(f"{path.relative_to(PACKAGE)}: {message!r}")
    assert not missing, f"untranslated in {language}:\n" + "\n".join(missing)


@pytest.mark.parametrize("language", CHECKED_LANGUAGES)
def test_no_catalogue_has_a_fuzzy_or_empty_entry(language):
    if not catalogue_folders(language):
        pytest.skip(f"no {language} catalogue in this branch yet")
    for path in catalogue_folders(language):
        po = polib.pofile(str(path))
        assert not po.untranslated_entries(), f"untranslated in {path}"
        assert not po.fuzzy_entries(), f"fuzzy in {path}"


def test_the_extractor_finds_messages_of_every_kind(tmp_path):
    template = tmp_path / "t.html"
    template.write_text(
        '{% load i18n %}<p>{% translate "Plain" %}</p>'
        '{% blocktranslate with n=x %}Block {{ n }}{% endblocktranslate %}'
        '{% translate "Month" context "calendar" %}'
    )  # fmt: skip
    assert template_messages(template) == {
        ("", "Plain"),
        ("", "Block %(n)s"),
        ("calendar", "Month"),
    }
    module = tmp_path / "m.py"
    module.write_text('_("A")\ngettext_lazy("B")\npgettext("ctx", "C")\nngettext("D", "Ds", 2)\n')
    assert python_messages(module) == {("", "A"), ("", "B"), ("ctx", "C"), ("", "D")}


# --- Visible text not marked for translation ---------------------------------------------------

# What a reader never sees or what is translated already: comments, translated blocks, scripts,
# styles, and a block whose content is a CSS class ({% block layout_class %}with-sidebar...).
HIDDEN = re.compile(
    r"{%\s*(comment|blocktranslate|blocktrans|verbatim)\b.*?{%\s*end\1\s*%}"
    r"|{%\s*block\s+\w*class\s*%}.*?{%\s*endblock\b[^%]*%}"
    r"|{#.*?#}|<!--.*?-->|<script\b.*?</script>|<style\b.*?</style>",
    re.S,
)
TEMPLATE_TAGS = re.compile(r"{%.*?%}|{{.*?}}", re.S)
WORD = re.compile(r"[^\W\d_]{2,}")
READ_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description"}


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def _check(self, text: str) -> None:
        remainder = text
        for name in sorted(VISIBLE_ALLOWLIST, key=len, reverse=True):
            remainder = remainder.replace(name, " ")
        if WORD.search(remainder):
            self.found.append(" ".join(text.split()))

    def handle_data(self, data):
        self._check(data)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self._check(value)


def unmarked_text(source: str) -> list[str]:
    parser = VisibleText()
    parser.feed(TEMPLATE_TAGS.sub(" ", HIDDEN.sub(" ", source)))
    return parser.found


def test_the_scanner_finds_unmarked_text_and_passes_marked_text():
    assert unmarked_text("<p>Hello there</p>") == ["Hello there"]
    assert unmarked_text('<img alt="A chart">') == ["A chart"]
    assert unmarked_text('<p>{% translate "Hello" %} {{ name }} · Practicum&nbsp;42</p>') == []
    assert unmarked_text("{% blocktranslate %}Hi {{ n }}{% endblocktranslate %}") == []
    assert unmarked_text("{% block layout_class %}with-sidebar{% endblock %}") == []


def test_templates_mark_their_visible_text():
    found = []
    for path in sorted(PACKAGE.glob("**/templates/**/*.html")):
        found += [f"{path.relative_to(PACKAGE)}: {t!r}" for t in unmarked_text(path.read_text())]
    assert not found, "visible text not marked for translation:\n" + "\n".join(found)
