"""Forms of the credentials app: the application wizard's steps, staff review, public checks.

Each rule is checked here and tied to its field, so a refused form saves nothing; services
check the business rules again under a lock.
"""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from practicum.accounts.models import Role, User
from practicum.credentials import payments
from practicum.credentials.models import (
    Application,
    CredentialType,
    ReferenceContact,
    TrainingSource,
    body_today,
)
from practicum.lib.uploads import validate_evidence
from practicum.practice.models import (
    MentoringEngagement,
    Reference,
    SupervisionRelationship,
    TrainingRecord,
)

TEXT_MAX = 4000
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _day(value) -> str:
    return date_format(value, "DATE_FORMAT") if value else _("now")


def _text(label, *, required=True, rows=4, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


# --- The application wizard ----------------------------------------------------------------


class TrainingChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, record: TrainingRecord) -> str:
        return _("%(programme)s, %(centre)s (%(type)s): %(hours)s h, %(start)s to %(end)s") % {
            "programme": record.programme_name,
            "centre": record.centre_name,
            "type": record.get_centre_type_display(),
            "hours": f"{record.hours.normalize():f}",
            "start": _day(record.started_on),
            "end": _day(record.ended_on),
        }


class TrainingStepForm(forms.Form):
    training = TrainingChoice(
        queryset=TrainingRecord.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Training programmes to count"),
        error_messages={"required": gettext_lazy("Choose at least one training programme.")},
    )

    def __init__(self, *args, applicant: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["training"].queryset = TrainingRecord.objects.filter(mentor=applicant).order_by(
            "started_on", "pk"
        )

    def step_data(self) -> dict:
        return {"training": sorted(r.pk for r in self.cleaned_data["training"])}


class EngagementChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, engagement: MentoringEngagement) -> str:
        return _("%(mentee)s: %(kind)s, %(start)s to %(end)s") % {
            "mentee": engagement.mentee_name,
            "kind": engagement.get_kind_display(),
            "start": _day(engagement.started_on),
            "end": _day(engagement.ended_on),
        }


class ReferenceChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, reference: Reference) -> str:
        return _("%(referee)s (%(relation)s), for %(mentee)s: %(status)s") % {
            "referee": reference.referee_name,
            "relation": reference.get_relation_display(),
            "mentee": reference.engagement.mentee_name,
            "status": reference.get_status_display(),
        }


class EngagementsStepForm(forms.Form):
    engagements = EngagementChoice(
        queryset=MentoringEngagement.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Completed engagements to count"),
        error_messages={"required": gettext_lazy("Choose your completed engagements.")},
    )
    references = ReferenceChoice(
        queryset=Reference.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=gettext_lazy("References to submit"),
        help_text=gettext_lazy(
            "Verified references, and mentees the body will contact itself. One per engagement."
        ),
    )

    def __init__(self, *args, applicant: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engagements"].queryset = MentoringEngagement.objects.filter(
            mentor=applicant, status=MentoringEngagement.Status.COMPLETED
        ).order_by("started_on", "pk")
        self.fields["references"].queryset = (
            Reference.objects.filter(
                engagement__mentor=applicant,
                engagement__status=MentoringEngagement.Status.COMPLETED,
                status__in=[*Reference.VERIFIED, Reference.Status.TO_BE_CONTACTED],
            )
            .select_related("engagement")
            .order_by("engagement__started_on", "pk")
        )

    def clean(self):
        cleaned = super().clean()
        engagements = {e.pk for e in cleaned.get("engagements") or []}
        references = cleaned.get("references") or []
        if any(r.engagement_id not in engagements for r in references):
            self.add_error(
                "references", _("Choose references only for engagements you count above.")
            )
        seen = set()
        for reference in references:
            if reference.engagement_id in seen:
                self.add_error(
                    "references",
                    _("Choose one reference per engagement: each verifies one engagement."),
                )
                break
            seen.add(reference.engagement_id)
        return cleaned

    def step_data(self) -> dict:
        return {
            "engagements": sorted(e.pk for e in self.cleaned_data["engagements"]),
            "references": sorted(r.pk for r in self.cleaned_data["references"]),
        }


class RelationshipChoice(forms.ModelChoiceField):
    def label_from_instance(self, relationship: SupervisionRelationship) -> str:
        return _("%(name)s (%(email)s), focus: %(focus)s, since %(start)s") % {
            "name": relationship.supervisor_name,
            "email": relationship.supervisor_email,
            "focus": relationship.get_focus_area_display(),
            "start": _day(relationship.started_on),
        }


class SupervisorStepForm(forms.Form):
    relationship = RelationshipChoice(
        queryset=SupervisionRelationship.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label=gettext_lazy("Your declared supervisor"),
        error_messages={"required": gettext_lazy("Choose your supervisor.")},
    )
    supervisor_address = forms.CharField(
        label=gettext_lazy("Supervisor's postal address"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Give your supervisor's postal address.")},
    )

    def __init__(self, *args, applicant: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relationship"].queryset = (
            SupervisionRelationship.objects.active()
            .filter(mentor=applicant)
            .select_related("supervisor")
        )

    def clean_supervisor_address(self) -> str:
        return "\n".join(
            line.strip() for line in self.cleaned_data["supervisor_address"].splitlines()
        ).strip()

    def step_data(self) -> dict:
        return {
            "relationship": self.cleaned_data["relationship"].pk,
            "supervisor_address": self.cleaned_data["supervisor_address"],
        }


class DeclarationStepForm(forms.Form):
    declaration = forms.BooleanField(
        error_messages={
            "required": gettext_lazy("Tick the box to make the declaration, or save for later.")
        },
    )

    def __init__(self, *args, text: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["declaration"].label = text

    def step_data(self) -> dict:
        return {"declaration": True}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Several evidence files at once, each checked by content (PDF, PNG or JPEG)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > MAX_FILES:
            raise ValidationError(_("Attach at most %(n)d files at once.") % {"n": MAX_FILES})
        cleaned = [super(EvidenceFilesField, self).clean(upload, initial) for upload in uploads]
        for upload in cleaned:
            validate_evidence(upload, max_bytes=EVIDENCE_MAX_BYTES)
        return cleaned


class AnswerForm(forms.Form):
    answer = _text(gettext_lazy("Your answer"), required=False, rows=5)
    files = EvidenceFilesField(
        label=gettext_lazy("Evidence files"),
        required=False,
        help_text=gettext_lazy("PDF, PNG or JPEG, up to 10 MB each, at most 5 at once."),
    )

    def __init__(self, *args, for_audit: bool = False, **kwargs):
        self.for_audit = for_audit
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if self.for_audit and not cleaned.get("files"):
            self.add_error("files", _("The audit asks for evidence: attach at least one file."))
        elif not (cleaned.get("answer") or "").strip() and not cleaned.get("files"):
            self.add_error("answer", _("Write an answer or attach a file."))
        return cleaned


# --- Staff ---------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    quiet_optional = True  # a filter: every field is optional, saying so is noise

    DUE_CHOICES = [
        ("", gettext_lazy("Any deadline")),
        ("soon", gettext_lazy("Due within 7 days")),
        ("overdue", gettext_lazy("Overdue")),
    ]
    ASSIGNED_CHOICES = [
        ("", gettext_lazy("Anyone")),
        ("me", gettext_lazy("Me")),
        ("nobody", gettext_lazy("Nobody yet")),
    ]
    SORT_CHOICES = [
        ("target", gettext_lazy("Target date, soonest first")),
        ("-target", gettext_lazy("Target date, latest first")),
        ("submitted", gettext_lazy("Submitted, oldest first")),
    ]

    type = forms.ChoiceField(label=gettext_lazy("Credential"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Under way"))]
        + [(s, label) for s, label in Application.Status.choices if s != "draft"],
    )
    source = forms.ChoiceField(
        label=gettext_lazy("Training source"),
        required=False,
        choices=[("", gettext_lazy("Any"))] + list(TrainingSource.choices),
    )
    due = forms.ChoiceField(label=gettext_lazy("Deadline"), required=False, choices=DUE_CHOICES)
    assigned = forms.ChoiceField(
        label=gettext_lazy("Assigned to"), required=False, choices=ASSIGNED_CHOICES
    )
    sort = forms.ChoiceField(label=gettext_lazy("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("Any"))] + [
            (t.code, str(t)) for t in CredentialType.objects.all()
        ]


def credentialing_staff():
    return (
        User.objects.filter(role_grants__role=Role.CREDENTIALING_STAFF, is_active=True)
        .distinct()
        .order_by("full_name", "email")
    )


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=gettext_lazy("Reviewer"),
        empty_label=gettext_lazy("Nobody"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = credentialing_staff()


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=gettext_lazy("Amount received"), max_digits=8, decimal_places=2, min_value=0.01
    )
    received_on = forms.DateField(label=gettext_lazy("Date received"), widget=DateInput())
    provider_reference = forms.CharField(
        label=gettext_lazy("Bank reference"), max_length=120, required=False
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def clean_idempotency_key(self) -> str:
        key = self.cleaned_data["idempotency_key"]
        if not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", key):
            raise ValidationError(_("Reload the page and try again."))
        return key

    def clean_received_on(self) -> datetime.date:
        day = self.cleaned_data["received_on"]
        if day > body_today():
            raise ValidationError(_("The date received cannot be in the future."))
        return day

    def confirmation(self, currency: str) -> payments.Confirmation:
        """What staff recorded, as the payment services take it (in the invoice's currency)."""
        data = self.cleaned_data
        return payments.Confirmation(
            idempotency_key=data["idempotency_key"],
            amount=data["amount"],
            currency=currency,
            received_on=data["received_on"],
            provider_reference=data["provider_reference"],
        )


class InfoRequestForm(forms.Form):
    message = _text(
        gettext_lazy("What do you need from the applicant?"),
        help_text=gettext_lazy("The applicant reads this on their application page."),
    )


class DecisionForm(forms.Form):
    APPROVE, REJECT = "approve", "reject"
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (APPROVE, gettext_lazy("Approve and issue the credential")),
            (REJECT, gettext_lazy("Do not approve")),
        ],
        error_messages={"required": gettext_lazy("Choose approve or do not approve.")},
    )
    # One rule, said once in the label: no "(optional)" marker contradicting it.
    quiet_optional = True
    reasons = _text(
        gettext_lazy("Reasons (required unless you approve)"),
        required=False,
        help_text=gettext_lazy("The applicant reads them."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.REJECT and not (cleaned.get("reasons") or "").strip():
            self.add_error(
                "reasons", _("You chose not to approve: write the reasons the applicant will read.")
            )
        return cleaned


class NoteForm(forms.Form):
    text = _text(
        gettext_lazy("Note to other staff"),
        rows=3,
        help_text=gettext_lazy("Never shown to the applicant."),
    )


class ContactForm(forms.Form):
    reference_id = forms.TypedChoiceField(label=gettext_lazy("Reference"), coerce=int)
    method = forms.ChoiceField(label=gettext_lazy("Contacted by"), choices=ReferenceContact.Method)
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=ReferenceContact.Outcome)
    contacted_on = forms.DateField(label=gettext_lazy("Date of the contact"), widget=DateInput())
    note = _text(gettext_lazy("Note"), required=False, rows=2)

    def __init__(self, *args, references: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference_id"].choices = [
            (r["id"], f"{r['referee_name']} ({r['referee_email']})") for r in references
        ]
        self.fields["contacted_on"].initial = timezone.localdate()

    def clean_contacted_on(self) -> datetime.date:
        day = self.cleaned_data["contacted_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The contact cannot be in the future."))
        return day


class CredentialStatusForm(forms.Form):
    SUSPEND, REINSTATE, REVOKE = "suspend", "reinstate", "revoke"
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        widget=forms.RadioSelect,
        choices=[
            (SUSPEND, gettext_lazy("Suspend")),
            (REINSTATE, gettext_lazy("Reinstate")),
            (REVOKE, gettext_lazy("Revoke")),
        ],
    )
    reason = _text(
        gettext_lazy("Reason"),
        rows=3,
        help_text=gettext_lazy("Shown on the public verification page when suspended or revoked."),
    )
    until = forms.DateField(
        label=gettext_lazy("Suspended until"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("Leave empty for a suspension until further notice."),
    )


# --- Public --------------------------------------------------------------------------------


class VerifyNumberForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Credential number"),
        max_length=40,
        help_text=gettext_lazy("As printed on the certificate, e.g. IMC-CMM-2026-000123."),
    )

    def clean_number(self) -> str:
        return "".join(self.cleaned_data["number"].split()).upper()


class BadgeCheckForm(forms.Form):
    MAX_BYTES = 64 * 1024
    file = forms.FileField(
        label=gettext_lazy("Badge file"),
        required=False,
        help_text=gettext_lazy("The .jwt file downloaded from a credential's page."),
    )
    token = forms.CharField(
        label=gettext_lazy("Or paste its content"),
        required=False,
        max_length=MAX_BYTES,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        text = (cleaned.get("token") or "").strip()
        if upload:
            if upload.size > self.MAX_BYTES:
                self.add_error("file", _("This file is too large to be one of our badges."))
                return cleaned
            try:
                text = upload.read().decode("ascii").strip()
            except UnicodeDecodeError:
                self.add_error("file", _("This file is not a badge issued by us (a VC-JWT)."))
                return cleaned
        if not text and not self.errors:
            self.add_error("file", _("Choose a badge file, or paste its content below."))
        cleaned["jwt"] = text
        return cleaned
