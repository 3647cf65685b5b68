from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from practicum.institutions.models import Programme


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ProgrammeChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.hours.normalize():f} h, {obj.get_mode_display()})"


class ApplicationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Recognition sought"),
        choices=[("accredited", _("Accredited")), ("endorsed", _("Endorsed"))],
    )
    organisation = forms.CharField(
        label=_("The organisation"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who you are, since when you train mentors, your quality assurance."),
    )
    programmes = ProgrammeChoices(
        label=_("Programmes"),
        queryset=Programme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Each with its hours, mode and the competency indicators its curriculum covers "
            "(edit a programme to map them)."
        ),
    )
    faculty = forms.CharField(
        label=_("Faculty"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One person a line: name, then a dash, then their credentials."),
    )
    files = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("Curriculum, certificates, policies: PDF, PNG or JPEG, up to 10 MB each."),
    )

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programmes"].queryset = Programme.objects.filter(centre=centre, active=True)

    def clean_faculty(self):
        people = []
        for line in self.cleaned_data["faculty"].splitlines():
            if not line.strip():
                continue
            name, _sep, credentials = line.partition("-")
            if not name.strip():
                raise ValidationError(_("Each line starts with a name."))
            people.append({"name": name.strip()[:150], "credentials": credentials.strip()[:300]})
        if not people:
            raise ValidationError(_("Name at least one member of the faculty."))
        return people


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"), required=False, max_length=5000, widget=forms.Textarea
    )
    files = MultipleFileField(label=_("Files"), required=False)


class InfoRequestForm(forms.Form):
    message = forms.CharField(
        label=_("What do you need from the centre?"), max_length=5000, widget=forms.Textarea
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Do not approve"))]
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when not approving: the centre reads them."),
    )
