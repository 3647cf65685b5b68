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
