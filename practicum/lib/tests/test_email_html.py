"""Every email has an HTML part beside its text, in one layout, and what leaves through a real
SMTP server is a well-formed multipart/alternative message (parsed by Python's `email`)."""

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings
from django.utils import translation

from practicum.lib.email_layout import html_email, text_to_html
from practicum.lib.emails import enqueue_email, render_email

pytestmark = pytest.mark.django_db

SITE = "https://practicum.example.org"


def test_text_becomes_escaped_paragraphs_lists_and_links():
    html = text_to_html(
        "Hello <Rita> & co,\n\nConfirm here:\nhttps://x.example/a?b=1&c=2.\n\n- one\n- two"
    )
    assert "&lt;Rita&gt; &amp; co" in html and "<Rita>" not in html
    assert '<a href="https://x.example/a?b=1&amp;c=2"' in html  # the full stop is not the link's
    assert html.count("<p ") == 2 and "<li>one</li><li>two</li>" in html


def test_the_layout_is_a_titled_document_in_the_recipients_language():
    with translation.override("es"), override_settings(SITE_URL=SITE, BODY_NAME="Cuerpo"):
        html = html_email(subject="Asunto", text="Hola")
    assert '<html lang="es" dir="ltr">' in html
    assert "<title>Asunto</title>" in html and '<h1 style="' in html
    assert "Cuerpo" in html and f'href="{SITE}/"' in html
    assert "<table" not in html  # no layout tables


def test_a_templated_email_renders_its_html_from_its_text():
    subject, text, html = render_email(
        "institutions/email/invitation",
        context={"centre": {"name": "Casa"}, "url": f"{SITE}/join/", "by": None},
    )
    assert subject in html and f'href="{SITE}/join/"' in html


class _Inbox:
    def __init__(self):
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope.content)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=controller.port,
        EMAIL_USE_TLS=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
    ):
        yield inbox
    controller.stop()


def test_through_a_real_smtp_server_an_email_is_text_and_html_alternatives(smtp_server, run_tasks):
    with override_settings(SITE_URL=SITE):
        enqueue_email(
            to=["rita@example.org"],
            subject="Your sign-off is waiting — ¿sí?",
            text=f"Hello Rita,\n\nPlease look at it here:\n{SITE}/practice/sign-off/",
        )
    run_tasks()
    (raw,) = smtp_server.messages
    message = message_from_bytes(raw, policy=policy.default)
    assert message["To"] == "rita@example.org"
    assert str(message["Subject"]) == "Your sign-off is waiting — ¿sí?"
    assert message.get_content_type() == "multipart/alternative"
    plain, rich = message.iter_parts()
    assert plain.get_content_type() == "text/plain" and rich.get_content_type() == "text/html"
    assert f"{SITE}/practice/sign-off/" in plain.get_content()
    assert f'href="{SITE}/practice/sign-off/"' in rich.get_content()
    assert message.get_body(preferencelist=("html",)) is rich


def test_through_a_real_smtp_server_an_invitation_keeps_its_calendar_part_and_file(
    smtp_server, run_tasks
):
    ics = "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//t//t//EN",
            "METHOD:REQUEST",
            "END:VCALENDAR",
            "",
        ]
    )
    enqueue_email(to=["rita@example.org"], subject="Invitation", text="Hello", ics=ics)
    run_tasks()
    (raw,) = smtp_server.messages
    message = message_from_bytes(raw, policy=policy.default)
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.iter_parts()
    kinds = [p.get_content_type() for p in alternative.iter_parts()]
    assert kinds == ["text/plain", "text/html", "text/calendar"]
    calendar = list(alternative.iter_parts())[2]
    assert calendar.get_param("method") == "REQUEST" and "METHOD:REQUEST" in calendar.get_content()
    assert attachment.get_filename() == "invitation.ics"
    assert b"METHOD:REQUEST" in attachment.get_content()
