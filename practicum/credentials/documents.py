"""Files the body hands out: the payment receipt and the credential certificate (PDF), and the
QR code that leads to a credential's public verification page."""

import io
from decimal import Decimal

import qrcode
import qrcode.image.svg
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader

from practicum.credentials.models import Credential, Payment
from practicum.credentials.services import absolute
from practicum.lib.pdf import (
    fitting_size,
    pdf_canvas,
    pdf_font,
    pdf_joined,
    pdf_plain,
    pdf_rtl,
    pdf_visual,
    wrap_lines,
)

ISSUER = "International Mentoring Center"


def verification_url(credential: Credential) -> str:
    return absolute(reverse("credentials:verify_code", args=[credential.verification_code]))


def qr_svg(url: str) -> bytes:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10)
    return image.to_string(encoding="unicode").encode("utf-8")


def _qr_png(url: str) -> ImageReader:
    buffer = io.BytesIO()
    qrcode.make(url, box_size=8, border=2).save(buffer, format="PNG")
    buffer.seek(0)
    return ImageReader(buffer)


_plain = pdf_plain


def _day(day) -> str:
    return date_format(day, "DATE_FORMAT")


def _money(amount: Decimal, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def _payer_rows(invoice) -> list[tuple[str, str]]:
    if invoice.accreditation_id is not None:
        application = invoice.accreditation
        return [
            (_("Received from"), application.centre.name),
            (
                _("For"),
                _("Accreditation application %(ref)s (%(kind)s)")
                % {"ref": application.reference, "kind": application.get_kind_display()},
            ),
        ]
    application = invoice.application
    applicant = application.applicant
    return [
        (_("Received from"), applicant.get_full_name()),
        (_("Membership number"), applicant.membership_number or "—"),
        (
            _("For"),
            _("Application %(ref)s: %(title)s (%(kind)s)")
            % {
                "ref": application.reference,
                "title": application.rule_set.rules.title,
                "kind": application.get_kind_display(),
            },
        ),
    ]


def _fee_row(invoice) -> tuple[str, str]:
    if invoice.accreditation_id is not None:
        return (_("Fee"), _money(invoice.amount, invoice.currency))
    return (
        _("Fee"),
        _("%(fee)s (%(rate)s rate)")
        % {
            "fee": _money(invoice.amount, invoice.currency),
            "rate": _("member") if invoice.application.member_at_submission else _("non-member"),
        },
    )


def receipt_pdf(payment: Payment, *, compress: bool = True) -> bytes:
    """A receipt for a recorded payment: who paid what, for which application, when (a
    credential application's, or a training centre's accreditation fee)."""
    invoice = payment.invoice
    font, rtl = pdf_font(), pdf_rtl()
    buffer = io.BytesIO()
    page = pdf_canvas(buffer, pagesize=A4, pageCompression=1 if compress else 0)
    page.setTitle(_("Receipt %(number)s") % {"number": payment.receipt_number})
    width, height = A4
    y = height - 2.5 * cm

    def draw(x, y, text):
        """Text starting `x` from the edge lines start at: the right one, right to left."""
        if rtl:
            page.drawRightString(width - x, y, _plain(pdf_visual(text)))
        else:
            page.drawString(x, y, _plain(text))

    def line(text, size=10.5, bold=False, gap=0.65):
        nonlocal y
        page.setFont(font.bold if bold else font.regular, size)
        draw(2.2 * cm, y, text)
        y -= gap * cm

    line(ISSUER, 12, bold=True)
    line(_("Receipt"), 20, bold=True, gap=1.1)
    rows = [
        (_("Receipt number"), payment.receipt_number),
        (_("Date received"), _day(payment.received_on)),
        *_payer_rows(invoice),
        (_("Invoice"), invoice.number),
        _fee_row(invoice),
        (_("Amount received"), _money(payment.amount, payment.currency)),
        (_("Paid by"), _("Bank transfer")),
    ]
    if payment.provider_reference:
        rows.append((_("Bank reference"), payment.provider_reference))
    label_width, value_width = 5 * cm, width - 7.5 * cm - 2.2 * cm
    for label, value in rows:
        labels = wrap_lines(_plain(pdf_joined(label)), font.bold, 10.5, label_width)
        values = wrap_lines(_plain(pdf_joined(value)), font.regular, 10.5, value_width)
        for n in range(max(len(labels), len(values))):
            if n < len(labels):
                page.setFont(font.bold, 10.5)
                draw(2.2 * cm, y, labels[n])
            if n < len(values):
                page.setFont(font.regular, 10.5)
                draw(7.5 * cm, y, values[n])
            y -= 0.5 * cm
        y -= 0.2 * cm
    y -= 0.5 * cm
    line(_("Paid in full. Thank you."), 11, bold=True)
    page.showPage()
    page.save()
    return buffer.getvalue()


def certificate_pdf(credential: Credential, *, compress: bool = True) -> bytes:
    """The certificate: holder, credential, number, dates, and a QR code of the public
    verification page (which says the status today, whatever the paper says)."""
    font, rtl = pdf_font(), pdf_rtl()
    rules = credential.rule_set.rules
    buffer = io.BytesIO()
    size = landscape(A4)
    page = pdf_canvas(buffer, pagesize=size, pageCompression=1 if compress else 0)
    page.setTitle(_("Certificate %(number)s") % {"number": credential.number})
    width, height = size
    page.setStrokeColor(colors.HexColor("#1f5f5b"))
    page.setLineWidth(3)
    page.rect(1.2 * cm, 1.2 * cm, width - 2.4 * cm, height - 2.4 * cm)
    page.setLineWidth(0.8)
    page.rect(1.5 * cm, 1.5 * cm, width - 3 * cm, height - 3 * cm)

    def centred(text, y, size, bold=False, color="#1d2733"):
        """One line between the borders: a long name or title is set smaller to fit."""
        name, text = font.bold if bold else font.regular, _plain(pdf_visual(text))
        page.setFillColor(colors.HexColor(color))
        page.setFont(name, fitting_size(text, name, size, width - 5 * cm))
        page.drawCentredString(width / 2, y, text)

    centred(ISSUER, height - 3.5 * cm, 16, bold=True, color="#154542")
    centred(_("certifies that"), height - 5.2 * cm, 13)
    centred(credential.holder.get_full_name(), height - 7 * cm, 28, bold=True)
    centred(_("holds the credential"), height - 8.5 * cm, 13)
    centred(rules.title, height - 10.2 * cm, 22, bold=True, color="#154542")
    centred(
        _("Credential number %(number)s") % {"number": credential.number},
        height - 12 * cm,
        12,
    )
    centred(
        _("Valid from %(start)s until %(end)s")
        % {"start": _day(credential.valid_from), "end": _day(credential.expires_on)},
        height - 12.8 * cm,
        12,
    )
    centred(_("Issued on %(day)s") % {"day": _day(credential.issued_on)}, height - 13.6 * cm, 10)
    url = verification_url(credential)
    qr_size = 3.6 * cm
    # The QR code at the end of the lines, its caption at their start (mirrored right to left);
    # the address itself always reads left to right.
    qr_x = 2.2 * cm if rtl else width - 2.2 * cm - qr_size
    page.drawImage(_qr_png(url), qr_x, 2.2 * cm, qr_size, qr_size)
    page.setFillColor(colors.HexColor("#5a6675"))
    page.setFont(font.regular, 8.5)
    caption = _plain(pdf_visual(_("Check its status today:")))
    if rtl:
        page.drawRightString(width - 2.2 * cm, 2.9 * cm, caption)
    else:
        page.drawString(2.2 * cm, 2.9 * cm, caption)
    url_width = width - 4.4 * cm - qr_size - 0.5 * cm
    for n, part in enumerate(wrap_lines(url, font.regular, 8.5, url_width)[:2]):
        if rtl:
            page.drawRightString(width - 2.2 * cm, (2.4 - 0.4 * n) * cm, part)
        else:
            page.drawString(2.2 * cm, (2.4 - 0.4 * n) * cm, part)
    page.showPage()
    page.save()
    return buffer.getvalue()
