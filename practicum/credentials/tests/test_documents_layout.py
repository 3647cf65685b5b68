"""Receipts and certificates as another PDF reader sees them: every font embedded, every
character inside the page, long text wrapped (the receipt's "For" line) or set to fit."""

import datetime

import pytest
from django.utils import translation

from practicum.credentials.documents import certificate_pdf, receipt_pdf
from practicum.credentials.models import body_today
from practicum.credentials.tests import builders
from practicum.lib.tests.pdf_checks import chars_outside, text_lines, unembedded_fonts

pytestmark = pytest.mark.django_db

LONG_SURNAME = "de los Santos Villalobos-Fernández de Córdoba y Montenegro-Valderrama"
CM = 72 / 2.54


@pytest.fixture
def submitted(eligible, mentor, travel):
    travel(datetime.date(2026, 3, 2))
    return builders.apply_and_submit(mentor)


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_receipt_wraps_its_long_lines_inside_the_page(submitted, staff, language):
    submitted.applicant.full_name = "Maya " + LONG_SURNAME
    submitted.applicant.save()
    payment = builders.pay(submitted, staff)
    payment.provider_reference = "TRANSFER-" + "0123456789" * 9  # one long word
    payment.save()
    with translation.override(language):
        pdf = receipt_pdf(payment)
    assert unembedded_fonts(pdf) == []
    assert chars_outside(pdf, margin=1 * CM) == []
    text = " ".join(text_lines(pdf))
    assert submitted.reference in text and "Certified" in text
    assert LONG_SURNAME.split()[-1] in text


def test_the_certificate_fits_a_long_name_inside_its_border(rules, mentor):
    mentor.full_name = "Maya " + LONG_SURNAME
    mentor.save()
    credential = builders.credential(mentor, "CMM", body_today() - datetime.timedelta(days=3))
    pdf = certificate_pdf(credential)
    assert unembedded_fonts(pdf) == []
    assert chars_outside(pdf, margin=1.5 * CM) == []  # inside the printed border
    assert any(LONG_SURNAME in line for line in text_lines(pdf))


def test_an_arabic_receipt_and_certificate_start_their_lines_at_the_right(
    submitted, staff, rules, mentor
):
    from practicum.lib.tests.test_pdf_rtl import drawn_lines

    payment = builders.pay(submitted, staff)
    credential = builders.credential(mentor, "CMM", body_today() - datetime.timedelta(days=3))
    with translation.override("ar"):
        receipt, certificate = receipt_pdf(payment), certificate_pdf(credential)
    for pdf in (receipt, certificate):
        assert unembedded_fonts(pdf) == []
        assert chars_outside(pdf, margin=1 * CM) == []
    a4_width = 21 * CM
    # The receipt's lines (its heading, each label) end at the right margin, 2.2 cm in.
    rights = [round(right) for _left, right, _text in drawn_lines(receipt)]
    assert rights[:2] == [round(a4_width - 2.2 * CM)] * 2
    assert any(submitted.reference in text for _l, _r, text in drawn_lines(receipt))
