from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction

from practicum.accounts import services
from practicum.lib.emails import enqueue_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """As allauth's, but the message is delivered by the worker, not inside the request."""
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
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
