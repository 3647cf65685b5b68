"""PDF building blocks shared by every document the platform makes (the supervision log, the
toolkit export, receipts and certificates): one font that draws the most, and text made safe
for it.

Right to left: a document made while Arabic is active (`translation.get_language_bidi()`) is
set in IBM Plex Sans Arabic (OFL, from pip: Arabic and Latin in one face), its letters joined
by `arabic_reshaper` (reportlab draws glyphs, it does not shape) and each line put in visual
order by `python-bidi` *after* it is broken, so that the first words of a paragraph are on its
first line, at the right. `pdf_paragraph` and `pdf_visual` do both; tables reverse their
columns (`pdf_columns`).

python-bidi orders a line by the Unicode bidirectional algorithm but leaves out its rule L4:
a bracket inside right-to-left text is drawn with its mirror image, so that "(عضو)" shows its
parentheses opening at the right. `pdf_bidi` adds that rule, from the levels python-bidi
resolved."""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import arabic_reshaper
import reportlab
from bidi import get_display
from bidi.mirror import MIRRORED
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


# Marks that steer the bidirectional algorithm (LRM, RLM, ALM, embeddings, isolates): they are
# never drawn, and no font here has them. `pdf_bidi` isolates what they are used for.
BIDI_MARKS = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def pdf_text(value, font: PdfFont | None = None) -> str:
    """Text safe for a reportlab Paragraph: control characters become spaces (bidi marks go),
    characters the font cannot draw become "?", and markup characters are escaped."""
    font = font or pdf_font()
    chars = []
    for char in str(value if value is not None else ""):
        if char in BIDI_MARKS:
            continue
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


_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")
# What rule L1 sets back to the paragraph's level at the end of a line.
_TRAILING = frozenset({"WS", "FSI", "LRI", "RLI", "PDI", "BN", "LRE", "RLE", "LRO", "RLO", "PDF"})


def _levels(line: str, base_dir: str) -> list[int] | None:
    """The embedding level python-bidi resolved for each character (its debug answer gives
    them per UTF-8 byte), after rule L1; None if that answer cannot be read."""
    try:
        info = get_display(line, base_dir=base_dir, debug=True)
        per_byte = [int(n) for n in _LEVEL.findall(info.split("levels:", 1)[1].split("]")[0])]
    except (IndexError, ValueError, TypeError):
        return None
    levels, at = [], 0
    for char in line:
        if at >= len(per_byte):
            return None
        levels.append(per_byte[at])
        at += len(char.encode("utf-8"))
    if at != len(per_byte):
        return None
    base = 1 if base_dir == "R" else 0
    end = len(line)
    while end and unicodedata.bidirectional(line[end - 1]) in _TRAILING:
        end -= 1
        levels[end] = base
    return levels


def _visual_order(levels: list[int]) -> list[int]:
    """Rule L2: from the highest level down to the lowest odd one, reverse every run of
    characters at that level or higher. The indexes of the characters as drawn."""
    order = list(range(len(levels)))
    odd = [level for level in levels if level % 2]
    if not odd:
        return order
    for level in range(max(levels), min(odd) - 1, -1):
        start = None
        for n in range(len(order) + 1):
            inside = n < len(order) and levels[order[n]] >= level
            if inside and start is None:
                start = n
            elif not inside and start is not None:
                order[start:n] = order[start:n][::-1]
                start = None
    return order


# A code of Latin letters and digits joined by dots, dashes, slashes or colons, with a letter
# in it (a clause 1.B.3, a reference CMM-2026-0001, a zone Europe/London), and an ISO date
# (2026-01-05, as the tables print it alone): read left to right as one word, as a browser
# shows it inside <bdi>. Other numbers (1.0, 1,234.50, a range 1-5) are left to the algorithm.
_CODE = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]+(?:[-./:][0-9A-Za-z]+)+(?![0-9A-Za-z])")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LRI, _PDI = "\u2066", "\u2069"


def _isolate_codes(line: str) -> str:
    def isolate(match: re.Match) -> str:
        code = match[0]
        if re.search("[A-Za-z]", code) or _ISO_DATE.fullmatch(code):
            return f"{_LRI}{code}{_PDI}"
        return code

    return _CODE.sub(isolate, line)


def pdf_base_dir(text: str) -> str:
    """ "R" for text with a right-to-left letter in it, else "L" (English only, a name, a
    number): like a browser's dir="auto", but Arabic wherever there is any."""
    return "R" if any(unicodedata.bidirectional(c) in ("R", "AL") for c in text) else "L"


def pdf_bidi(line: str, base_dir: str | None = None) -> str:
    """One line in drawing order (left to right) by the Unicode bidirectional algorithm
    (`base_dir`: the paragraph's direction, by default `pdf_base_dir` of the line), codes kept
    whole (`_CODE`) and a bracket in right-to-left text mirrored (rule L4). Where the levels
    cannot be read, or give another order than python-bidi's, python-bidi's order unmirrored."""
    base_dir = base_dir or pdf_base_dir(line)
    line = _isolate_codes("".join(c for c in line if c not in BIDI_MARKS))
    display = get_display(line, base_dir=base_dir)
    if any(char in MIRRORED for char in line):
        levels = _levels(line, base_dir)
        order = _visual_order(levels) if levels is not None else None
        if order is not None and "".join(line[n] for n in order) == display:
            display = "".join(
                MIRRORED.get(line[n], line[n]) if levels[n] % 2 else line[n] for n in order
            )
    return "".join(c for c in display if c not in BIDI_MARKS)


def pdf_visual(line: str, rtl: bool | None = None) -> str:
    """One line, ready for canvas.drawString: in a right-to-left document its letters joined
    and its characters in the order they are drawn, left to right."""
    if not (pdf_rtl() if rtl is None else rtl):
        return line
    return pdf_bidi(pdf_joined(line))


class BidiParagraph(Paragraph):
    """A right-to-left paragraph: reportlab breaks it into lines in reading order, then each
    line is turned into drawing order and set flush right.

    The lines as read are kept: a paragraph split at the foot of a page is split on them (the
    two parts are broken into lines again, and would otherwise turn drawn lines round a second
    time). A line of several fragments (after a `<br/>`) is ordered as one text when they share
    a style; of several styles, each fragment in drawing order, the fragments reversed."""

    def __init__(self, text, style, *args, **kwargs):
        style = style.clone(f"{style.name}-rtl", alignment=TA_RIGHT)
        super().__init__(pdf_joined(text), style, *args, **kwargs)
        # The paragraph's direction, from all of it: English alone (a name, the official text)
        # reads left to right, even set flush right.
        self._base_dir = pdf_base_dir("".join(getattr(f, "text", "") for f in self.frags))

    def breakLines(self, width):  # noqa: N802 - reportlab's name
        broken = super().breakLines(width)
        self._read_lines = list(broken.lines)
        if broken.kind == 0:  # one style throughout: lines are (room left, words)
            broken.lines = [
                (room, pdf_bidi(" ".join(words), self._base_dir).split(" "))
                for room, words in broken.lines
            ]
        else:
            broken.lines = [_drawn_fragments(line, self._base_dir) for line in broken.lines]
        return broken

    def split(self, availWidth, availHeight):  # noqa: N803 - reportlab's names
        drawn = getattr(self, "blPara", None)
        if drawn is None or getattr(self, "_read_lines", None) is None:
            return super().split(availWidth, availHeight)
        drawn_lines, drawn.lines = drawn.lines, self._read_lines
        try:
            pieces = super().split(availWidth, availHeight)
        finally:
            drawn.lines = drawn_lines
        for piece in pieces:
            if isinstance(piece, BidiParagraph):
                piece._base_dir = self._base_dir  # the whole paragraph's, not a part's
        return pieces


def _same_style(a, b) -> bool:
    keys = ("fontName", "fontSize", "textColor", "rise", "underline", "strike", "link")
    return all(getattr(a, key, None) == getattr(b, key, None) for key in keys)


def _drawn_fragments(line, base_dir: str):
    """A line of fragments (reportlab's FragLine) in drawing order, as a copy."""
    fragments = [f for f in line.words if getattr(f, "text", "")]
    if not fragments or any(hasattr(f, "cbDefn") for f in line.words):
        return line
    if all(_same_style(fragments[0], f) for f in fragments):
        text = "".join(f.text for f in fragments)
        words = [fragments[0].clone(text=pdf_bidi(text, base_dir))]
    else:
        words = [f.clone(text=pdf_bidi(f.text, base_dir)) for f in reversed(fragments)]
    return line.clone(words=words)


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
    """Text for canvas.drawString: characters the font lacks become "?" (no markup there), and
    bidi marks go."""
    font = font or pdf_font()
    return "".join(
        c if c == " " or font.covers(c) else "?" for c in str(value) if c not in BIDI_MARKS
    )


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
