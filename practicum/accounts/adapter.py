from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.db import transaction

from practicum.accounts import services
from practicum.lib.emails import enqueue_email


def _site() -> SimpleNamespace:
    """What allauth's templates call `current_site`: the body's name and `SITE_URL`'s host,
    not the host the request happened to reach (a proxy's, or 127.0.0.1 in development)."""
    return SimpleNamespace(name=settings.BODY_NAME, domain=urlsplit(settings.SITE_URL).netloc)


def _on_site(value, request_root: str):
    # allauth builds its links (confirm, reset, sign up) from the request's host.
    if isinstance(value, str) and request_root and value.startswith(request_root):
        return settings.SITE_URL.rstrip("/") + "/" + value[len(request_root) :]
    return value


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """As allauth's, but signed by the body with links to `SITE_URL`, with the common HTML
        part, and delivered by the worker, not inside the request."""
        request = allauth_context.request
        root = request.build_absolute_uri("/") if request is not None else ""
        ctx = {"request": request, "email": email}
        ctx.update({key: _on_site(value, root) for key, value in context.items()})
        ctx.update(current_site=_site(), site_url=settings.SITE_URL.rstrip("/") + "/")
        message = self.render_mail(template_prefix, email, ctx)
        html = next(
            (body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"),
            None,
        )
        enqueue_email(to=message.to, subject=message.subject, text=message.body, html=html)

    def save_user(self, request, user, form, commit=True):
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if commit:
                # Every member of the body is a mentor; other roles are granted by staff.
                services.user_onboard(user=user, language=getattr(request, "LANGUAGE_CODE", "en"))
        return user
