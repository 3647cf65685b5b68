import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from practicum.frameworks.models import BehaviouralIndicator, FrameworkVersion
from practicum.institutions.models import (
    RECOGNISED_KINDS,
    CentreKind,
    CentreMember,
    Cohort,
    Mode,
    Programme,
    TrainingCentre,
)

MAX_HOURS = Decimal(2000)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _hours(value):
    if value is not None and (value <= 0 or value > MAX_HOURS):
        raise ValidationError(_("Hours must be more than zero and at most 2,000."))
    return value


class DirectoryFilter(forms.Form):
    quiet_optional = True
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    country = forms.CharField(label=_("Country"), required=False, max_length=80)
    mode = forms.ChoiceField(
        label=_("Mode"), required=False, choices=[("", _("Any mode")), *Mode.choices]
    )


class StatusCheckForm(forms.Form):
    q = forms.CharField(label=_("Centre's name"), max_length=100, min_length=2)


class CentreForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = TrainingCentre
        fields = ["name", "country", "website", "contact_name", "contact_email"]


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Invite as"), choices=CentreMember.Role.choices)


class IndicatorField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.identifier} {obj.text[:90]}"


class ProgrammeForm(forms.ModelForm):
    indicators = IndicatorField(
        label=_("Competency indicators covered"),
        queryset=BehaviouralIndicator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The Core Competencies' behavioural indicators the curriculum covers."),
    )

    class Meta:
        model = Programme
        fields = ["name", "hours", "mode", "description", "active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        framework = FrameworkVersion.objects.current("competencies")
        self.fields["indicators"].queryset = (
            BehaviouralIndicator.objects.filter(competency__framework=framework).order_by(
                "competency__number", "number"
            )
            if framework
            else BehaviouralIndicator.objects.none()
        )
        if self.instance.pk:
            self.initial["indicators"] = list(self.instance.indicators.values_list("pk", flat=True))

    def clean_hours(self):
        return _hours(self.cleaned_data.get("hours"))

    def validate_unique(self):
        # The centre is set by the view, not the form: check the name within it here.
        if self.instance.centre_id:
            super().validate_unique()


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["started_on", "ended_on", "instructor_name", "instructor_email"]
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("started_on"), cleaned.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", _("The end date cannot be before the start date."))
        return cleaned


class GraduateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("Email"), help_text=_("It matches the graduate's account."))
    hours = forms.DecimalField(
        label=_("Hours completed"),
        required=False,
        max_digits=6,
        decimal_places=2,
        help_text=_("Leave empty for the programme's hours."),
    )
    completed_on = forms.DateField(
        label=_("Completed on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for the cohort's end date."),
    )

    def clean_hours(self):
        return _hours(self.cleaned_data.get("hours"))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))


class ClaimForm(forms.Form):
    programme = forms.ModelChoiceField(queryset=Programme.objects.all())
    completed_on = forms.DateField()
    hours = forms.DecimalField(max_digits=6, decimal_places=2)


class ClaimDecisionForm(forms.Form):
    confirm = forms.TypedChoiceField(
        choices=[("1", _("Confirm")), ("0", _("Decline"))], coerce=lambda v: v == "1"
    )


class RecognitionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[(k.value, k.label) for k in map(CentreKind, RECOGNISED_KINDS)]
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end date cannot be before the start date."))
        if start and end and end - start > datetime.timedelta(days=366 * 10):
            self.add_error("valid_until", _("A period cannot be longer than ten years."))
        return cleaned


class StatusChangeForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("suspend", _("Suspend")),
            ("reinstate", _("Reinstate")),
            ("withdraw", _("Withdraw")),
        ]
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit trail and shown to the centre's administrators."),
    )
