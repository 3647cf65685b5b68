"""The HTML part of every email: the plain text, set in one accessible layout.

Emails are written once, as text templates; the HTML beside it is derived from that text, so
the two never say different things. Blank lines make paragraphs, lines that all start with
"- " make a list, addresses become links, and the subject is the page's title and (without a
"[tag] ") its heading. The layout (`templates/emails/layout.html`) uses no layout tables, and
inline styles only (mail clients drop style sheets), with the body's name and `SITE_URL`.
"""

import re

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)\]]")
LINK_STYLE = "color:#0b4f8a;text-decoration:underline;overflow-wrap:anywhere;word-break:break-word"
# A tag some subjects start with ("[Practicum] "): the heading under the body's name omits it.
SUBJECT_TAG = re.compile(r"^\[[^\]]*\]\s*")


def _linked(line: str) -> str:
    out, last = [], 0
    for match in URL.finditer(line):
        url = match.group(0)
        out.append(escape(line[last : match.start()]))
        out.append(f'<a href="{escape(url)}" style="{LINK_STYLE}">{escape(url)}</a>')
        last = match.end()
    out.append(escape(line[last:]))
    return "".join(out)


def text_to_html(text: str) -> SafeString:
    """Paragraphs, lists and links of a plain-text email body, escaped."""
    blocks = [block.strip("\n") for block in re.split(r"\n\s*\n", text.strip())]
    parts = []
    for block in blocks:
        lines = [line.rstrip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.lstrip().startswith("- ") for line in lines):
            items = "".join(f"<li>{_linked(line.lstrip()[2:])}</li>" for line in lines)
            # Mail clients ignore logical properties: the list's indent goes on the side
            # where the language's lines start.
            side = "right" if translation.get_language_bidi() else "left"
            parts.append(f'<ul style="margin:0 0 16px;padding-{side}:24px">{items}</ul>')
        else:
            parts.append(
                '<p style="margin:0 0 16px">' + "<br>".join(_linked(ln) for ln in lines) + "</p>"
            )
    return mark_safe("\n".join(parts))  # noqa: S308 - every piece of text was escaped above


def body_name() -> str:
    return settings.BODY_NAME


def html_email(*, subject: str, text: str) -> str:
    """The whole HTML document of an email, in the current language."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return render_to_string(
        "emails/layout.html",
        {
            "subject": subject,
            "heading": SUBJECT_TAG.sub("", subject) or subject,
            "content": text_to_html(text),
            "language": language,
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
            "body_name": body_name(),
            "site_url": settings.SITE_URL.rstrip("/") + "/",
            "footer": gettext("This message was sent by %(body)s.") % {"body": body_name()},
        },
    )
