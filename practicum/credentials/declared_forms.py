"""Forms of the declared-credential flow (declared_views.py)."""

from django import forms
from django.utils.translation import gettext_lazy

from practicum.credentials.forms import DateInput, _text
from practicum.credentials.models import CredentialType


class DeclareForm(forms.Form):
    credential_type = forms.ModelChoiceField(
        label=gettext_lazy("Credential"),
        queryset=CredentialType.objects.all(),
        empty_label=None,
    )
    number = forms.CharField(
        label=gettext_lazy("Credential number"),
        max_length=32,
        help_text=gettext_lazy("As printed on your certificate."),
    )
    issued_on = forms.DateField(label=gettext_lazy("Issued on"), widget=DateInput())
    valid_from = forms.DateField(label=gettext_lazy("Valid from"), widget=DateInput())
    expires_on = forms.DateField(
        label=gettext_lazy("Expires on"),
        widget=DateInput(),
        help_text=gettext_lazy("The first day on which it is no longer valid."),
    )
    evidence = forms.FileField(
        label=gettext_lazy("Certificate or letter"),
        help_text=gettext_lazy("A PDF, PNG or JPEG file, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )


class DeclineForm(forms.Form):
    reason = _text(
        gettext_lazy("Reason for declining"),
        rows=3,
        help_text=gettext_lazy("The mentor reads it."),
    )
