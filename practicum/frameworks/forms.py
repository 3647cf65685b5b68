from django import forms
from django.utils.translation import gettext_lazy as _


class PledgeForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I have read the Code of Ethics and I make this pledge."),
        error_messages={"required": _("Tick the box to make the pledge, or leave the page.")},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class SearchForm(forms.Form):
    quiet_optional = True  # a filter: every field is optional, saying so is noise

    q = forms.CharField(label=_("Search the clauses"), max_length=200, required=False)
