"""Right-to-left PDFs as another reader (pdfminer.six) sees them: Arabic set in an embedded font
that has its letters, joined, each line flush right and in drawing order, the paragraph's lines
in reading order from the top."""

import io
import unicodedata

import pytest
from django.utils import translation
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import SimpleDocTemplate

from practicum.lib.pdf import pdf_canvas, pdf_columns, pdf_font, pdf_paragraph, pdf_text
from practicum.lib.tests.pdf_checks import unembedded_fonts

SENTENCE = (
    "سجل الإشراف للمرشدة نادية: اثنتا عشرة جلسة في عام 2026، وهذه فقرة طويلة بما يكفي لتلتف على "
    "عدة أسطر فيبقى أولها في الأعلى وعلى اليمين كما يقرأ القارئ العربي."
)


def drawn_lines(pdf: bytes) -> list[tuple[float, float, str]]:
    """Each line's left and right edge and its characters left to right, top line first."""
    rows: dict[int, list[LTChar]] = {}
    for page in extract_pages(io.BytesIO(pdf)):
        stack = list(page)
        while stack:
            item = stack.pop()
            if isinstance(item, LTChar):
                rows.setdefault(round(item.y0), []).append(item)
            elif hasattr(item, "__iter__"):
                stack.extend(item)
    lines = []
    for y in sorted(rows, reverse=True):
        chars = sorted(rows[y], key=lambda c: c.x0)
        lines.append((chars[0].x0, chars[-1].x1, "".join(c.get_text() for c in chars)))
    return lines


def one_paragraph_pdf(text: str) -> bytes:
    font = pdf_font()
    style = ParagraphStyle("body", fontName=font.regular, fontSize=12, leading=16)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=(320, 400), leftMargin=40, rightMargin=40)
    doc.build([pdf_paragraph(pdf_text(text, font), style)], canvasmaker=pdf_canvas)
    return out.getvalue()


def test_an_arabic_paragraph_reads_from_the_top_right_in_a_font_with_its_letters():
    with translation.override("ar"):
        assert pdf_font().regular == "PracticumArabic"
        pdf = one_paragraph_pdf(SENTENCE)
    assert unembedded_fonts(pdf) == []
    lines = drawn_lines(pdf)
    assert len(lines) > 2
    assert {round(right) for _left, right, _text in lines} == {320 - 40 - 6}  # flush right
    # Read right to left and unjoined, the lines give back the sentence, first line first.
    read = " ".join(unicodedata.normalize("NFKC", text[::-1]) for _l, _r, text in lines)
    assert "?" not in read
    assert read.startswith("سجل الإشراف للمرشدة نادية")
    assert "6202" in read  # a number inside keeps its own left-to-right order when drawn
    # Drawn joined: contextual forms (Arabic Presentation Forms-B), not isolated letters.
    assert any("\ufe70" <= char <= "\ufeff" for _l, _r, text in lines for char in text)


def test_a_left_to_right_document_is_unchanged():
    with translation.override("en"):
        assert pdf_font().regular != "PracticumArabic"
        lines = drawn_lines(one_paragraph_pdf("Supervision log of a mentor, in English."))
    assert lines[0][2].startswith("Supervision log")
    assert round(lines[0][0]) == 40 + 6  # flush left (the frame pads 6 pt)


@pytest.mark.parametrize("language, side", [("ar", "RIGHT"), ("es", "LEFT")])
def test_tables_put_their_first_column_where_lines_start(language, side):
    with translation.override(language):
        rows, widths, placed = pdf_columns([["a", "b"], ["1", "2"]], [1, 2])
    assert placed == side
    assert (rows[0][0], widths[0]) == (("b", 2) if side == "RIGHT" else ("a", 1))
