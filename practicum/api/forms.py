from django import forms
from django.utils.translation import gettext_lazy as _

from practicum.accounts.models import User
from practicum.api.events import Event
from practicum.api.scopes import Scope, scopes_for


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What uses it, e.g. “my coaching log app”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [
            (scope, f"{Scope(scope).label} ({scope})") for scope in scopes_for(user)
        ]


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=_("HTTPS address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("An HTTPS address on the public internet that accepts POST requests."),
    )
    description = forms.CharField(label=_("Description"), max_length=120, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=[(e, Event(e).label) for e in Event.available()],
        widget=forms.CheckboxSelectMultiple,
    )
