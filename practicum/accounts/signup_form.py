"""The name field of allauth's sign-up form. A module of its own: allauth imports it while
building its own forms, so it may not import allauth's forms (forms.py does)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SignupNameForm(forms.Form):
    """What allauth's sign-up form asks beyond email and password: the name we greet and list
    the person by (ACCOUNT_SIGNUP_FORM_CLASS)."""

    full_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        help_text=_("As you would like it on your records and certificates."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["full_name", "email", "password1", "password2"]

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Enter your name."))
        return name

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])
