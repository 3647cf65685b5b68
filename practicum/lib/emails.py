"""Email leaves the process only from the background worker.

Callers render the message and call `enqueue_email` inside the transaction of the change it
reports: with the database task backend the queued row commits (or rolls back) with that change.

The task row is the outbox, and it keeps no usable secret: the message (recipients, subject,
bodies, with any reset key or sign-off link in them) is sealed with the field-encryption keys
(`lib/crypto.py`) before it is queued, and the sealed payload is cleared from the row the moment
the message has been sent. Finished rows are deleted after `TASK_RETENTION_HOURS` by the
`prune_tasks` periodic job (`prune_finished_tasks`), and an account erasure removes every row
that names the person (`forget_email_in_tasks`).
"""

import contextlib
import json
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.utils import timezone
from django_tasks import TaskContext, task
from django_tasks_db.models import DBTaskResult

from practicum.lib.crypto import decrypt, encrypt
from practicum.lib.email_layout import html_email

CLEARED = {"args": [], "kwargs": {"sealed": ""}}


def _seal(**message) -> str:
    return encrypt(json.dumps(message))


def _unseal(sealed: str) -> dict:
    return json.loads(decrypt(sealed))


class _InvitationEmail(EmailMultiAlternatives):
    """Gives its text/calendar alternative the `method` parameter that mail clients (Outlook,
    Gmail, Apple Mail) look for before they offer Accept / Decline."""

    ics_method = "REQUEST"

    def _create_mime_attachment(self, content, mimetype):
        part = super()._create_mime_attachment(content, mimetype)
        if mimetype == "text/calendar":
            part.set_param("method", self.ics_method)
        return part


def build_message(message: dict) -> EmailMultiAlternatives:
    """The message as it leaves: multipart/alternative of text and HTML; an invitation adds a
    `text/calendar; method=...` alternative (what clients act on) and keeps an `invitation.ics`
    attachment (what people save or forward)."""
    email = _InvitationEmail(
        message["subject"], message["text"], settings.DEFAULT_FROM_EMAIL, message["to"]
    )
    if message.get("html"):
        email.attach_alternative(message["html"], "text/html")
    if message.get("ics"):
        email.ics_method = message.get("ics_method") or "REQUEST"
        email.attach_alternative(message["ics"], "text/calendar")
        email.attach("invitation.ics", message["ics"].encode("utf-8"), "application/ics")
    return email


@task(takes_context=True)
def deliver_email(context: TaskContext, *, sealed: str = "", **legacy) -> None:
    # `legacy`: rows queued before messages were sealed (to=, subject=, text=, html=) still go
    # out once after a deploy, and are cleared like the rest.
    if sealed:
        message = _unseal(sealed)
    elif legacy.get("to"):
        message = legacy
    else:
        return  # already sent, or forgotten with an erased account
    email = build_message(message)
    # One Message-ID per queued email, the same on every attempt: the one duplicate a retry
    # can cause (see `_mark_sent`) is recognisably the same message to mail systems.
    email.extra_headers["Message-ID"] = _message_id(context.task_result.id)
    email.send()
    _mark_sent(context.task_result.id)


def _message_id(task_id) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >") or "practicum.invalid"
    return f"<task-{task_id}@{domain}>"


def _mark_sent(task_id) -> None:
    """Clear the sent message from its row: nothing in it can be replayed or read any more,
    even with the keys, and a retried attempt of this task sends nothing.

    Between the mail server's acceptance and this update is the one window where a retry sends
    the message twice: a database that went away meanwhile is waited for (as long as the
    worker waits for it) rather than leaving the row to be retried; only a worker dying here, or
    a retry that began before the database came back to this worker, duplicates the message."""
    deadline = time.monotonic() + settings.DATABASE_RECONNECT_SECONDS
    while True:
        try:
            DBTaskResult.objects.filter(pk=task_id).update(args_kwargs=CLEARED)
            return
        except (OperationalError, InterfaceError):
            if time.monotonic() >= deadline:
                raise
            with contextlib.suppress(DatabaseError):
                connection.close()
            time.sleep(1)


def enqueue_email(
    *,
    to: list[str],
    subject: str,
    text: str,
    html: str | None = None,
    ics: str | None = None,
    ics_method: str = "REQUEST",
) -> None:
    """Queue an email (sealed; see above), with an optional iCalendar invitation attached.
    Without `html`, the HTML part is the text set in the common layout (`lib.email_layout`)."""
    if html is None:
        html = html_email(subject=subject, text=text)
    message = {"to": list(to), "subject": subject, "text": text, "html": html}
    if ics:
        message.update(ics=ics, ics_method=ics_method)
    deliver_email.enqueue(sealed=_seal(**message))


def render_email(template: str, *, context: dict, recipient=None) -> tuple[str, str, str | None]:
    """(subject, text, html) of `<template>_subject.txt`, `<template>.txt` and `<template>.html`
    (or, without one, the text in the common HTML layout), rendered in the recipient's language
    and time zone (a user, or None for someone without an account: then the current ones, and
    the text names its zone)."""
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
        subject = " ".join(subject.split())
        try:
            html = render_to_string(f"{template}.html", context)
        except TemplateDoesNotExist:
            html = html_email(subject=subject, text=text)
    return subject, text, html


def send_templated_email(
    template: str, *, context: dict, recipient=None, to: str | None = None
) -> None:
    """The one way a service sends an email: render `template` (a path without its suffix, e.g.
    ``"practice/email/sign_off_request"``) for `recipient` (a user) or the address `to` (someone
    without an account), and queue it with `enqueue_email` inside the caller's transaction."""
    address = to or recipient.email
    subject, text, html = render_email(template, context=context, recipient=recipient)
    enqueue_email(to=[address], subject=subject, text=text, html=html)


# --- Retention and erasure of task rows (every task, not only emails) ---------------------


def prune_finished_tasks(*, now=None) -> int:
    """Delete task rows that finished (successfully or not) over TASK_RETENTION_HOURS ago.
    Returns how many went."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.TASK_RETENTION_HOURS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted


def _row_text(row: DBTaskResult) -> str:
    parts = [
        json.dumps(row.args_kwargs, ensure_ascii=False),
        json.dumps(row.return_value, ensure_ascii=False),
        row.traceback or "",
    ]
    sealed = (row.args_kwargs or {}).get("kwargs", {}).get("sealed")
    if sealed:
        # A payload sealed under a key no longer held is unreadable to anyone: skip it.
        with contextlib.suppress(ValueError):
            parts.append(json.dumps(_unseal(sealed), ensure_ascii=False))
    return "\n".join(parts).casefold()


def forget_email_in_tasks(email: str) -> int:
    """Delete every task row, queued or finished, whose arguments, sealed message, result or
    error mention `email` (an erased person's address). Returns how many went."""
    needle = email.strip().casefold()
    if not needle:
        return 0
    ids = [row.pk for row in DBTaskResult.objects.all().iterator() if needle in _row_text(row)]
    if ids:
        DBTaskResult.objects.filter(pk__in=ids).delete()
    return len(ids)
