"""The name field of allauth's sign-up form. A module of its own: allauth imports it while
building its own forms, so it may not import allauth's forms (forms.py does)."""

from django import forms
from django.conf import settings
from django.utils import translation
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
    # Chosen here, remembered on the account: the emails that follow (the verification first)
    # and every page after sign-in speak it. Not required: a sign-up without it (an old form,
    # a script) keeps the language the page was negotiated in.
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("For the pages and the emails we send you. You can change it at any time."),
    )
    field_order = ["full_name", "email", "password1", "password2", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The language the browser asked for (LocaleMiddleware activated it for this request).
        self.fields["language"].initial = translation.get_language()

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Enter your name."))
        return name

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"]
        fields = ["full_name"]
        if self.cleaned_data.get("language"):
            user.preferred_language = self.cleaned_data["language"]
            fields.append("preferred_language")
            # The rest of this request (the verification email allauth sends next) speaks it too.
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        user.save(update_fields=fields)
