"""Background work of the supervision app, run by `manage.py db_worker`."""

from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django_tasks import task

from practicum.lib.emails import enqueue_email


@task()
def deliver_calendar_email(
    *, to: list[str], subject: str, text: str, ics: str, method: str = "REQUEST"
) -> None:
    """An email with an iCalendar invitation attached (`lib.emails` sends no attachments).

    The caller renders everything in the request, in the recipient's language and zone.
    """
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to)
    part = MIMEText(ics, "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="invitation.ics")
    message.attach(part)
    message.send()


def enqueue_calendar_email(
    *,
    to: list[str],
    subject: str,
    text: str,
    ics: str,
    method: str = "REQUEST",
    html: str | None = None,
) -> None:
    """Through the sealed outbox of `lib.emails`, like every email (nothing readable is kept in
    the task row once sent); `deliver_calendar_email` above only drains rows queued before."""
    enqueue_email(to=to, subject=subject, text=text, html=html, ics=ics, ics_method=method)
