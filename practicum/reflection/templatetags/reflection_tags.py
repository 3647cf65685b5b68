from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from practicum.frameworks.lexical import highlight_spans

register = template.Library()


@register.filter
def mark_stems(text: str, stems) -> str:
    """`text` with the words whose stem is in `stems` (shared with the dilemma) in <mark>."""
    if not stems:
        return conditional_escape(text)
    pieces = (
        f"<mark>{conditional_escape(piece)}</mark>" if hit else conditional_escape(piece)
        for piece, hit in highlight_spans(str(text), frozenset(stems))
    )
    return mark_safe("".join(pieces))  # noqa: S308 (every piece is escaped above)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def signed(value) -> str:
    """+2, 0, −1: a change, with its sign."""
    if value is None:
        return ""
    return f"+{value}" if value > 0 else ("0" if value == 0 else f"−{abs(value)}")


@register.filter
def startswith(text: str, prefix: str) -> bool:
    return bool(prefix) and str(text).startswith(str(prefix))
