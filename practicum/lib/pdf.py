"""PDF building blocks shared by every document the platform makes (the supervision log, the
toolkit export, receipts and certificates): one font that draws the most, and text made safe
for it."""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

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


@cache
def pdf_font() -> PdfFont:
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


def pdf_plain(value, font: PdfFont | None = None) -> str:
    """Text for canvas.drawString: characters the font lacks become "?" (no markup there)."""
    font = font or pdf_font()
    return "".join(c if c == " " or font.covers(c) else "?" for c in str(value))
