"""Email leaves the process only from the background worker.

Callers render the message and enqueue `deliver_email` inside the transaction of the change it
reports: with the database task backend the queued row commits (or rolls back) with that change.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def deliver_email(*, to: list[str], subject: str, text: str, html: str | None = None) -> None:
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


def enqueue_email(*, to: list[str], subject: str, text: str, html: str | None = None) -> None:
    deliver_email.enqueue(to=list(to), subject=subject, text=text, html=html)


def render_email(template: str, *, context: dict, recipient=None) -> tuple[str, str, str | None]:
    """(subject, text, html) of `<template>_subject.txt`, `<template>.txt` and, when it exists,
    `<template>.html`, rendered in the recipient's language and time zone (a user, or None for
    someone without an account: then the current ones, and the text names its zone)."""
    from django.template import TemplateDoesNotExist
    from django.template.loader import render_to_string
    from django.utils import timezone, translation

    from practicum.lib.dates import user_zone

    zone = user_zone(recipient) if recipient is not None else timezone.get_current_timezone()
    language = (
        getattr(recipient, "preferred_language", "") if recipient is not None else ""
    ) or translation.get_language()
    with timezone.override(zone), translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context)
        text = render_to_string(f"{template}.txt", context)
        try:
            html = render_to_string(f"{template}.html", context)
        except TemplateDoesNotExist:
            html = None
    return " ".join(subject.split()), text, html


def send_templated_email(
    template: str, *, context: dict, recipient=None, to: str | None = None
) -> None:
    """The one way a service sends an email: render `template` (a path without its suffix, e.g.
    ``"practice/email/sign_off_request"``) for `recipient` (a user) or the address `to` (someone
    without an account), and queue it with `enqueue_email` inside the caller's transaction."""
    address = to or recipient.email
    subject, text, html = render_email(template, context=context, recipient=recipient)
    enqueue_email(to=[address], subject=subject, text=text, html=html)
