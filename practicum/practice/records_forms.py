"""Forms for engagements, references, training and the CPD ledger.

Each rule is checked here, tied to its field, so a refused form saves nothing; the database
constraints on the models hold the same rules as a last line.
"""

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from practicum.institutions.models import Programme
from practicum.lib.uploads import validate_evidence
from practicum.practice.models import CpdEntry, MentoringEngagement, Reference, TrainingRecord

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
MAX_HOURS = Decimal(2000)
COMMENT_MAX_LENGTH = 2000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _check_hours(hours: Decimal | None) -> Decimal | None:
    if hours is None:
        return hours
    if hours <= 0:
        raise ValidationError(_("Hours must be more than zero."))
    if hours > MAX_HOURS:
        raise ValidationError(_("Hours must be at most %(max)s.") % {"max": f"{MAX_HOURS:,.0f}"})
    return hours


def _not_in_future(day: datetime.date | None, message) -> datetime.date | None:
    if day is not None and day > timezone.localdate():
        raise ValidationError(message)
    return day


class EvidenceMixin:
    """An optional or required evidence upload, checked by content; sets `evidence_type`."""

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            self.instance.evidence_type = validate_evidence(upload, max_bytes=EVIDENCE_MAX_BYTES)
        return upload


def _evidence_field(*, required: bool) -> forms.FileField:
    return forms.FileField(
        label=_("Evidence"),
        required=required,
        help_text=_("A certificate or letter: PDF, PNG or JPEG, up to 10 MB."),
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )


class EngagementForm(forms.ModelForm):
    mentee_email = forms.EmailField(
        label=_("Mentee's email"),
        required=False,
        max_length=254,
        help_text=_("Kept encrypted. Needed if the body is to contact the mentee."),
    )

    class Meta:
        model = MentoringEngagement
        fields = [
            "mentee_name",
            "mentee_email",
            "organisation",
            "kind",
            "started_on",
            "ended_on",
            "status",
            "hours",
            "confidentiality_agreement",
            "private_notes",
        ]
        widgets = {
            "started_on": DateInput(),
            "ended_on": DateInput(),
            "private_notes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "mentee_name": _("Kept encrypted; shown only to you and, when you apply, to staff."),
            "ended_on": _("Needed once the engagement has finished."),
            "hours": _("Up to 2,000."),
            "private_notes": _("Only you can read these."),
        }

    def clean_mentee_name(self):
        return " ".join(self.cleaned_data["mentee_name"].split())

    def clean_mentee_email(self):
        return self.cleaned_data["mentee_email"].strip().lower()

    def clean_hours(self):
        return _check_hours(self.cleaned_data.get("hours"))

    def clean(self):
        cleaned = super().clean()
        started_on, ended_on = cleaned.get("started_on"), cleaned.get("ended_on")
        status = cleaned.get("status")
        finished = status in {
            MentoringEngagement.Status.COMPLETED,
            MentoringEngagement.Status.ENDED_EARLY,
        }
        if started_on and ended_on and ended_on < started_on:
            self.add_error("ended_on", _("The end date cannot be before the start date."))
        elif finished and "ended_on" in cleaned and ended_on is None:
            self.add_error("ended_on", _("Give the end date of a finished engagement."))
        elif finished and ended_on and ended_on > timezone.localdate():
            self.add_error(
                "ended_on", _("A finished engagement cannot end in the future: check the date.")
            )
        return cleaned


class ReferenceForm(forms.Form):
    referee_name = forms.CharField(label=_("Referee's name"), max_length=150)
    referee_email = forms.EmailField(
        label=_("Referee's email"),
        max_length=254,
        help_text=_("They receive a single-use link by email. Only you see this address."),
    )
    relation = forms.ChoiceField(
        label=_("Relation to the mentee"), choices=Reference.Relation.choices
    )

    def clean_referee_name(self):
        return " ".join(self.cleaned_data["referee_name"].split())


class RefereeAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        widget=forms.RadioSelect,
        choices=[
            (Reference.Status.CONFIRMED, _("I confirm this engagement as described")),
            (Reference.Status.CORRECTED, _("I confirm it, with corrected dates")),
            (Reference.Status.DECLINED, _("I cannot confirm this engagement")),
        ],
    )
    started_on = forms.DateField(
        label=_("Start date, as you know it"),
        required=False,
        widget=DateInput(),
        help_text=_("Only when you correct the dates."),
    )
    ended_on = forms.DateField(
        label=_("End date, as you know it"),
        required=False,
        widget=DateInput(),
        help_text=_("Only when you correct the dates; leave it empty if it has not ended."),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The mentor and the body's credentialing staff will read it."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("answer") != Reference.Status.CORRECTED:
            cleaned["started_on"] = cleaned["ended_on"] = None
            return cleaned
        started_on, ended_on = cleaned.get("started_on"), cleaned.get("ended_on")
        if started_on is None and "started_on" not in self.errors:
            self.add_error("started_on", _("Give the start date as you know it."))
        if started_on and ended_on and ended_on < started_on:
            self.add_error("ended_on", _("The end date cannot be before the start date."))
        return cleaned


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} — {obj.centre.name} ({obj.centre.country})"


class TrainingForm(EvidenceMixin, forms.ModelForm):
    """A programme picked from the registry (its centre's kind on the end date is kept, and no
    evidence is needed: the centre verifies it), or a centre typed in (Non-Accredited, with a
    certificate or letter)."""

    programme = ProgrammeChoiceField(
        label=_("Programme from the registry"),
        queryset=Programme.objects.select_related("centre").order_by("centre__name", "name"),
        required=False,
        empty_label=_("Not listed: I type the centre and programme"),
        help_text=_(
            "Choose it when your centre is on the registry: the centre confirms your completion "
            "and no evidence is needed."
        ),
    )
    evidence = _evidence_field(required=False)

    class Meta:
        model = TrainingRecord
        fields = [
            "programme",
            "centre_name",
            "programme_name",
            "hours",
            "mode",
            "started_on",
            "ended_on",
            "instructor_name",
            "instructor_email",
            "evidence",
        ]
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}
        help_texts = {
            "hours": _("Up to 2,000."),
            "centre_name": _("Only for a centre not on the registry: it counts as Non-Accredited."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre_name"].required = False
        self.fields["programme_name"].required = False
        self.fields["evidence"].help_text = _(
            "A certificate or letter: PDF, PNG or JPEG, up to 10 MB. "
            "Needed for a centre not on the registry."
        )

    def clean_hours(self):
        return _check_hours(self.cleaned_data.get("hours"))

    def clean_instructor_email(self):
        return self.cleaned_data["instructor_email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        started_on, ended_on = cleaned.get("started_on"), cleaned.get("ended_on")
        if started_on and ended_on and ended_on < started_on:
            self.add_error("ended_on", _("The end date cannot be before the start date."))
        programme = cleaned.get("programme")
        if programme is not None:
            self.instance.centre = programme.centre
            cleaned["centre_name"] = programme.centre.name
            cleaned["programme_name"] = programme.name
            if ended_on:
                self.instance.centre_type = programme.centre.kind_on(ended_on)
        else:
            self.instance.centre = None
            self.instance.centre_type = TrainingRecord.CentreType.NON_ACCREDITED
            for name in ("centre_name", "programme_name"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("This field is required."))
            if not cleaned.get("evidence") and "evidence" not in self.errors:
                self.add_error(
                    "evidence",
                    _(
                        "Attach the certificate or letter, "
                        "or choose the programme from the registry."
                    ),
                )
        return cleaned


class CpdForm(EvidenceMixin, forms.ModelForm):
    evidence = _evidence_field(required=False)

    class Meta:
        model = CpdEntry
        fields = ["category", "title", "occurred_on", "hours", "evidence"]
        widgets = {"occurred_on": DateInput()}
        help_texts = {"hours": _("Up to 2,000.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Self-study lines come from studying library resources, within the library's yearly
        # cap: not typed in (an existing one keeps its category when edited).
        if self.instance.category != CpdEntry.Category.SELF_STUDY:
            self.fields["category"].choices = [
                choice
                for choice in self.fields["category"].choices
                if choice[0] != CpdEntry.Category.SELF_STUDY
            ]

    def clean_hours(self):
        return _check_hours(self.cleaned_data.get("hours"))

    def clean_occurred_on(self):
        return _not_in_future(
            self.cleaned_data.get("occurred_on"),
            _("Record learning once it has happened: the date is in the future."),
        )
