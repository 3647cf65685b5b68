"""A race lost: another request decided first. The loser gets 409 Conflict with a message.

A service raises `Conflict` where a select_for_update re-read shows that the state it was asked
to change has already moved on (a session signed off, a reference answered, an application
decided). It subclasses ValidationError so callers that only catch ValidationError keep working;
views that know it answer with `conflict_response()` (409, the message, a way back), and
`ConflictMiddleware` does the same for any Conflict a view lets through.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _


class Conflict(ValidationError):
    """The object changed under us; exactly one request won. Carries a message for people."""


def conflict_response(request, exc: Conflict, *, back_url: str | None = None):
    return render(
        request,
        "conflict.html",
        {
            "title": _("Someone got there first"),
            "messages_list": exc.messages,
            "outcome": _("Nothing you sent was saved: the decision already recorded stands."),
            "back_url": back_url,
        },
        status=409,
    )


class ConflictMiddleware:
    """Renders any Conflict that escapes a view as a 409 page with its message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Conflict):
            return conflict_response(request, exception)
        return None
