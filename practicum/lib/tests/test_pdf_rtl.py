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

from practicum.lib.pdf import (
    pdf_bidi,
    pdf_canvas,
    pdf_columns,
    pdf_font,
    pdf_paragraph,
    pdf_text,
)
from practicum.lib.tests.pdf_checks import unembedded_fonts

SENTENCE = (
    "سجل الإشراف للمرشدة نادية: اثنتا عشرة جلسة في عام 2026، وهذه فقرة طويلة بما يكفي لتلتف على "
    "عدة أسطر فيبقى أولها في الأعلى وعلى اليمين كما يقرأ القارئ العربي."
)


def drawn_lines(pdf: bytes) -> list[tuple[float, float, str]]:
    """Each line's left and right edge and its characters left to right, page by page, top
    line first."""
    lines = []
    for page in extract_pages(io.BytesIO(pdf)):
        rows: dict[int, list[LTChar]] = {}
        stack = list(page)
        while stack:
            item = stack.pop()
            if isinstance(item, LTChar):
                rows.setdefault(round(item.y0), []).append(item)
            elif hasattr(item, "__iter__"):
                stack.extend(item)
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


# A paragraph that mixes Arabic with a name, a version, a clause, a date and brackets.
MIXED = (
    "كتبت Maya Thornton هذا السجل وفق مدونة الأخلاقيات (النسخة 1.0) والبند 1.B.3، "
    "بتاريخ 2026-01-05، وهي فقرة تكفي لتلتف على أكثر من سطر واحد في هذه الصفحة الضيقة."
)


def read_right_to_left(drawn: str) -> str:
    """A drawn line read from the right, letters unjoined (a left-to-right run comes out
    reversed)."""
    return unicodedata.normalize("NFKC", drawn[::-1])


def as_drawn(drawn: str) -> str:
    """A drawn line left to right, each joined letter unjoined in place."""
    return "".join(unicodedata.normalize("NFKC", char) for char in drawn)


def test_a_mixed_paragraph_is_flush_right_in_bidi_order():
    with translation.override("ar"):
        lines = drawn_lines(one_paragraph_pdf(MIXED))
    assert len(lines) > 2
    assert {round(right) for _left, right, _text in lines} == {320 - 40 - 6}  # flush right
    drawn = " ".join(as_drawn(text) for _l, _r, text in lines)
    read = " ".join(read_right_to_left(text) for _l, _r, text in lines)
    # The Arabic reads from the right, first words on the first line...
    assert read.startswith("كتبت")
    assert read.index("هذا السجل") < read.index("مدونة الأخلاقيات") < read.index("بتاريخ")
    # ...the name to the left of the first word, itself left to right.
    first = as_drawn(lines[0][2])
    assert first.index("Maya Thornton") < first.index("كتبت"[::-1])
    # A clause and a date read left to right, whole; a version keeps its digits in order.
    assert "1.B.3" in drawn and "2026-01-05" in drawn and "1.0" in drawn
    # Brackets open at the right: drawn mirrored, "(" at the left end of the bracketed words.
    assert "(1.0 " + "النسخة"[::-1] + ")" in drawn


def test_english_alone_in_an_arabic_document_reads_left_to_right_flush_right():
    with translation.override("ar"):
        lines = drawn_lines(one_paragraph_pdf("1. Professional Conduct (the Code)."))
    assert lines[0][2] == "1. Professional Conduct (the Code)."
    assert round(lines[0][1]) == 320 - 40 - 6


def test_an_arabic_paragraph_split_over_two_pages_keeps_its_order():
    from reportlab.platypus import Spacer

    with translation.override("ar"):
        font = pdf_font()
        style = ParagraphStyle("body", fontName=font.regular, fontSize=12, leading=16)
        out = io.BytesIO()
        doc = SimpleDocTemplate(
            out, pagesize=(320, 200), leftMargin=40, rightMargin=40, topMargin=30, bottomMargin=30
        )
        paragraph = pdf_paragraph(pdf_text(SENTENCE + " " + SENTENCE, font), style)
        doc.build([Spacer(1, 60), paragraph], canvasmaker=pdf_canvas)
    assert len(list(extract_pages(io.BytesIO(out.getvalue())))) == 2
    read = [read_right_to_left(text) for _l, _r, text in drawn_lines(out.getvalue())]
    text = " ".join(read)
    assert text.startswith("سجل الإشراف للمرشدة نادية")
    assert text.endswith("كما يقرأ القارئ العربي.")
    assert text.count("سجل الإشراف") == 2


def test_lines_broken_by_hand_are_each_in_drawing_order():
    with translation.override("ar"):
        font = pdf_font()
        markup = pdf_text("السطر الأول (أ)", font) + "<br/>" + pdf_text("السطر الثاني 1.B.3", font)
        lines = drawn_lines(one_paragraph_pdf_markup(markup))
    assert [read_right_to_left(text) for _l, _r, text in lines] == [
        "السطر الأول )أ(",  # read from the right: the brackets drawn mirrored come out turned
        "السطر الثاني 3.B.1",  # and a code drawn left to right, reversed
    ]
    assert as_drawn(lines[0][2]).startswith("(أ) ")


def one_paragraph_pdf_markup(markup: str) -> bytes:
    font = pdf_font()
    style = ParagraphStyle("body", fontName=font.regular, fontSize=12, leading=16)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=(320, 400), leftMargin=40, rightMargin=40)
    doc.build([pdf_paragraph(markup, style)], canvasmaker=pdf_canvas)
    return out.getvalue()


@pytest.mark.parametrize(
    ("logical", "drawn"),
    [
        ("رسوم (عضو)", "(وضع) موسر"),  # brackets mirrored in right-to-left text
        ("Maya (Mentor)", "Maya (Mentor)"),  # English alone: left to right
        ("البند 1.B.3", "1.B.3 دنبلا"),
        ("\u200fنص\u200f", "صن"),  # bidi marks steer, and are not drawn
    ],
)
def test_pdf_bidi_orders_mirrors_and_keeps_codes_whole(logical, drawn):
    assert pdf_bidi(logical) == drawn
