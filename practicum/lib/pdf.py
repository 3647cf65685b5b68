"""PDF building blocks shared by every document the platform makes (the supervision log, the
toolkit export, receipts and certificates): one font that draws the most, and text made safe
for it.

Right to left: a document made while Arabic is active (`translation.get_language_bidi()`) is
set in IBM Plex Sans Arabic (OFL, from pip: Arabic and Latin in one face), its letters joined
by `arabic_reshaper` (reportlab draws glyphs, it does not shape) and each line put in visual
order by `python-bidi` *after* it is broken, so that the first words of a paragraph are on its
first line, at the right. `pdf_paragraph` and `pdf_visual` do both; tables reverse their
columns (`pdf_columns`)."""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import arabic_reshaper
import reportlab
from bidi import get_display
from django.utils import translation
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.units import cm as cm_unit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph

# DejaVu Sans covers most scripts' Latin, Greek and Cyrillic letters; Debian and Fedora ship it.
# Bitstream Vera (its ancestor, Western European only) comes with reportlab itself. Helvetica,
# built into every PDF reader, is the last resort (Windows-1252 only).
_REPORTLAB_FONTS = Path(reportlab.__file__).parent / "fonts"
FONT_CANDIDATES = (
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    (str(_REPORTLAB_FONTS / "Vera.ttf"), str(_REPORTLAB_FONTS / "VeraBd.ttf")),
)


@dataclass(frozen=True)
class PdfFont:
    regular: str
    bold: str
    covers: Callable[[str], bool]


def _cp1252(char: str) -> bool:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _has_glyph(glyphs: frozenset[int]) -> Callable[[str], bool]:
    return lambda char: ord(char) in glyphs


def pdf_rtl() -> bool:
    """Is the document being made in a right-to-left language?"""
    return translation.get_language_bidi()


def pdf_font(rtl: bool | None = None) -> PdfFont:
    """The document's font: the Arabic one in a right-to-left language, else the one that
    draws the most Latin, Greek and Cyrillic."""
    if pdf_rtl() if rtl is None else rtl:
        return _arabic_font() or _latin_font()
    return _latin_font()


@cache
def _arabic_font() -> PdfFont | None:
    try:
        import fontpkg_ibm_plex_sans_arabic as plex
    except ImportError:
        return None
    files = plex.ROOT / "files"
    try:
        regular = TTFont("PracticumArabic", str(files / "IBMPlexSansArabic-Regular.ttf"))
        bold = TTFont("PracticumArabic-Bold", str(files / "IBMPlexSansArabic-Bold.ttf"))
    except (TTFError, OSError):
        return None
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(bold)
    glyphs = frozenset(regular.face.charToGlyph) & frozenset(bold.face.charToGlyph)
    return PdfFont("PracticumArabic", "PracticumArabic-Bold", _has_glyph(glyphs))


@cache
def _latin_font() -> PdfFont:
    """The first font found that renders the most; registered with reportlab once."""
    for regular_path, bold_path in FONT_CANDIDATES:
        if not (Path(regular_path).is_file() and Path(bold_path).is_file()):
            continue
        try:
            regular = TTFont("PracticumSans", regular_path)
            bold = TTFont("PracticumSans-Bold", bold_path)
        except (TTFError, OSError):
            continue
        pdfmetrics.registerFont(regular)
        pdfmetrics.registerFont(bold)
        glyphs = frozenset(regular.face.charToGlyph) & frozenset(bold.face.charToGlyph)
        return PdfFont("PracticumSans", "PracticumSans-Bold", _has_glyph(glyphs))
    return PdfFont("Helvetica", "Helvetica-Bold", _cp1252)


def pdf_canvas(*args, **kwargs) -> canvas.Canvas:
    """A reportlab canvas whose initial font is ours: with reportlab's own (Helvetica, which
    it never embeds) every page would name a font some readers substitute. Also serves as
    `canvasmaker` of a platypus document."""
    kwargs["initialFontName"] = kwargs.get("initialFontName") or pdf_font().regular
    return canvas.Canvas(*args, **kwargs)


def pdf_text(value, font: PdfFont | None = None) -> str:
    """Text safe for a reportlab Paragraph: control characters become spaces, characters the
    font cannot draw become "?", and markup characters are escaped."""
    font = font or pdf_font()
    chars = []
    for char in str(value if value is not None else ""):
        if unicodedata.category(char).startswith("C"):
            chars.append(" ")
        elif char == " " or font.covers(char):
            chars.append(char)
        else:
            chars.append("?")
    return escape("".join(chars))


def pdf_joined(text: str) -> str:
    """Arabic letters in their joined (contextual) forms, still in reading order."""
    return arabic_reshaper.reshape(text) if text else text


def pdf_visual(line: str, rtl: bool | None = None) -> str:
    """One line, ready for canvas.drawString: in a right-to-left document its letters joined
    and its characters in the order they are drawn, left to right."""
    if not (pdf_rtl() if rtl is None else rtl):
        return line
    return get_display(pdf_joined(line), base_dir="R")


class BidiParagraph(Paragraph):
    """A right-to-left paragraph: reportlab breaks it into lines in reading order, then each
    line is turned into drawing order and set flush right."""

    def __init__(self, text, style, *args, **kwargs):
        style = style.clone(f"{style.name}-rtl", alignment=TA_RIGHT)
        super().__init__(pdf_joined(text), style, *args, **kwargs)

    def breakLines(self, width):  # noqa: N802 - reportlab's name
        broken = super().breakLines(width)
        if broken.kind == 0:  # one style throughout: lines are (room left, words)
            broken.lines = [
                (room, get_display(" ".join(words), base_dir="R").split(" "))
                for room, words in broken.lines
            ]
        return broken


def pdf_paragraph(markup: str, style, rtl: bool | None = None) -> Paragraph:
    """A Paragraph of text made safe by `pdf_text`, right to left in such a language."""
    if pdf_rtl() if rtl is None else rtl:
        return BidiParagraph(markup, style)
    return Paragraph(markup, style)


def pdf_columns(rows: list[list], widths: list, rtl: bool | None = None):
    """A table's rows and column widths, the first column at the right in a right-to-left
    document; and the side the table sits on."""
    if pdf_rtl() if rtl is None else rtl:
        return [list(reversed(row)) for row in rows], list(reversed(widths)), "RIGHT"
    return rows, widths, "LEFT"


def draw_footer_line(canvas, doc, start: str, end: str, rtl: bool | None = None) -> None:
    """A page's footer line: `start` where lines start, `end` (the page number) at the other
    side; plain text (no markup)."""
    y, left, right = 1 * cm_unit, doc.leftMargin, doc.pagesize[0] - doc.rightMargin
    if pdf_rtl() if rtl is None else rtl:
        canvas.drawRightString(right, y, pdf_visual(start, rtl=True))
        canvas.drawString(left, y, pdf_visual(end, rtl=True))
    else:
        canvas.drawString(left, y, start)
        canvas.drawRightString(right, y, end)


def pdf_plain(value, font: PdfFont | None = None) -> str:
    """Text for canvas.drawString: characters the font lacks become "?" (no markup there)."""
    font = font or pdf_font()
    return "".join(c if c == " " or font.covers(c) else "?" for c in str(value))


def text_width(text: str, font_name: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font_name, size)


def wrap_lines(text: str, font_name: str, size: float, width: float) -> list[str]:
    """`text` in lines no wider than `width`, broken between words; a single word longer than
    a line (a reference, a URL) is the only thing broken inside."""
    lines: list[str] = []
    line = ""
    for word in str(text).split():
        while text_width(word, font_name, size) > width:
            cut = len(word) - 1
            while cut > 1 and text_width(word[:cut], font_name, size) > width:
                cut -= 1
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{line} {word}" if line else word
        if line and text_width(candidate, font_name, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines or [""]


def fitting_size(text: str, font_name: str, size: float, width: float, minimum=6.0) -> float:
    """The largest size, at most `size`, at which `text` fits `width` (down to `minimum`)."""
    while size > minimum and text_width(text, font_name, size) > width:
        size -= 0.5
    return size


def header_style(style, text: str, width: float):
    """`style`, smaller if need be, so that no word of a column header is broken: a header
    wraps between words only."""
    longest = max(str(text).split() or [""], key=lambda w: text_width(w, style.fontName, 1))
    size = fitting_size(longest, style.fontName, style.fontSize, width)
    if size == style.fontSize:
        return style
    return style.clone(f"{style.name}-{size}", fontSize=size, leading=size * 1.25)
