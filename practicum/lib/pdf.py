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
from reportlab.pdfgen import canvas

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
