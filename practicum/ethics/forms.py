import datetime
import time
from functools import partial

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from practicum.accounts.models import Role, User
from practicum.ethics.models import Case, CaseMessage, PanelMember, Relation
from practicum.frameworks.models import EthicsClause, Sanction
from practicum.frameworks.official import clause_label, official_choices
from practicum.lib.translations import isolated


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        if not isinstance(data, list | tuple):
            data = [data]
        return [super(MultipleFileField, self).clean(d, initial) for d in data]


def _started_token() -> str:
    return signing.dumps(time.time(), salt="ethics-concern-form")


class ConcernForm(forms.Form):
    complainant_name = forms.CharField(label=_("Your name"), max_length=150)
    complainant_email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send the case reference and a private link to follow it here."),
    )
    relation = forms.ChoiceField(
        label=_("Your relation to the professional"), choices=Relation.choices
    )
    professional_query = forms.CharField(
        label=_("The professional"),
        max_length=150,
        required=False,
        help_text=_("Their full name, membership number or credential number."),
    )
    professional_description = forms.CharField(
        label=_("If you do not know who they are, describe them"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
    what_happened = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_("Describe what happened, where and who was involved."),
    )
    happened_on = forms.DateField(
        label=_("When it happened (or began)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    clauses = forms.ModelMultipleChoiceField(
        label=_("Clauses of the Code you believe are involved"),
        queryset=EthicsClause.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Optional. Staff will consider the whole Code in any case."),
    )
    evidence = MultipleFileField(
        label=_("Evidence (PDF, PNG or JPEG)"),
        required=False,
        help_text=_("Up to 5 files of 10 MB each."),
    )
    share_identity = forms.BooleanField(
        label=_("I agree that my identity may be shared with the professional"), required=False
    )
    consent = forms.BooleanField(
        label=_(
            "I confirm that what I say is true to the best of my knowledge and I agree to the "
            "ethics process: staff may contact me and handle this information confidentially."
        )
    )
    # Bot checks: a field people never see, and the time the form was shown (signed).
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, framework=None, minimum_seconds: int = 3, **kwargs):
        super().__init__(*args, **kwargs)
        self.minimum_seconds = minimum_seconds
        if framework is not None:
            self.fields["clauses"].queryset = framework.clauses.all()
        official_choices(self.fields["clauses"], framework, partial(clause_label, length=120))
        if not self.is_bound:
            self.initial["started"] = _started_token()

    def clean_happened_on(self):
        day = self.cleaned_data["happened_on"]
        if day > datetime.date.today():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(_("The form could not be accepted. Please try again."))
        try:
            started = signing.loads(data.get("started") or "", salt="ethics-concern-form")
        except signing.BadSignature:
            started = None
        if started is None or time.time() - float(started) < self.minimum_seconds:
            self.data = self.data.copy()
            self.data["started"] = _started_token()
            raise forms.ValidationError(
                _(
                    "The form was sent too quickly or has expired. Please check it and send "
                    "it again."
                )
            )
        if (
            not (data.get("professional_query") or "").strip()
            and not (data.get("professional_description") or "").strip()
        ):
            self.add_error(
                "professional_query",
                _("Name the professional, or describe them if you do not know who they are."),
            )
        return data


class InformationForm(forms.Form):
    text = forms.CharField(
        label=_("Information to add"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000
    )
    evidence = MultipleFileField(label=_("Evidence (PDF, PNG or JPEG)"), required=False)


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000
    )
    evidence = MultipleFileField(label=_("Evidence (PDF, PNG or JPEG)"), required=False)


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["text"].label = label


class AppealForm(forms.Form):
    grounds = forms.CharField(
        label=_("Grounds of your appeal"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
    )


class ReportForm(forms.Form):
    text = forms.CharField(
        label=_("Monitoring report"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000
    )


def ethics_staff():
    return User.objects.filter(role_grants__role=Role.ETHICS_STAFF, is_active=True).order_by(
        "full_name", "email"
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name()


class StaffMultipleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name()


class AssignForm(forms.Form):
    owner = StaffChoiceField(label=_("Case owner"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = ethics_staff()


class IdentifyForm(forms.Form):
    query = forms.CharField(
        label=_("Membership number, credential number or full name"), max_length=150
    )


class InvestigateForm(forms.Form):
    investigators = StaffMultipleField(
        label=_("Investigators"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["investigators"].queryset = ethics_staff()


class PanelForm(forms.Form):
    members = StaffMultipleField(
        label=_("Panel members"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = ethics_staff()


class RequestForm(forms.Form):
    party = forms.ChoiceField(label=_("Ask"), choices=CaseMessage.Party.choices)
    text = forms.CharField(
        label=_("Request"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class ExtendForm(forms.Form):
    days = forms.IntegerField(
        label=_("Extend the answer deadline by (days)"), min_value=1, max_value=365
    )


class SanctionTermsMixin(forms.Form):
    sanction = forms.ModelChoiceField(
        label=_("Sanction"), queryset=Sanction.objects.none(), required=False
    )
    ends_on = forms.DateField(
        label=_("End date (suspension, probation)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    due_on = forms.DateField(
        label=_("Due date (training)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    terms = forms.CharField(
        label=_("Terms (the training required, probation monitoring, referral authority)"),
        required=False,
        max_length=500,
    )

    def set_framework(self, framework):
        self.fields["sanction"].queryset = Sanction.objects.filter(framework=framework)


class VoteForm(SanctionTermsMixin):
    vote = forms.ChoiceField(label=_("Your vote"), choices=())

    def __init__(self, *args, case: Case, appeal: bool, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("ends_on", "due_on", "terms"):
            del self.fields[name]
        self.set_framework(case.framework)
        self.fields["sanction"].label = _("Sanction you propose (if upheld or varied)")
        Vote = PanelMember.Vote
        self.fields["vote"].choices = (
            [(v, Vote(v).label) for v in (Vote.CONFIRM, Vote.VARY, Vote.OVERTURN)]
            if appeal
            else [(v, Vote(v).label) for v in (Vote.UPHOLD, Vote.NOT_UPHOLD)]
        )
        self.clauses = [] if appeal else list(case.clauses.all())
        for clause in self.clauses:
            self.fields[f"clause_{clause.pk}"] = forms.ChoiceField(
                label=_("Finding on %(id)s") % {"id": isolated(clause.identifier)},
                choices=[("1", _("Upheld")), ("0", _("Not upheld"))],
                widget=forms.RadioSelect,
            )

    def findings(self) -> dict[int, bool]:
        return {c.pk: self.cleaned_data[f"clause_{c.pk}"] == "1" for c in self.clauses}


class DecideForm(SanctionTermsMixin):
    reasons = forms.CharField(
        label=_("Reasons for the decision"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_framework(case.framework)

    def terms_dict(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in ("ends_on", "due_on", "terms")}


class TrainingAcceptForm(forms.Form):
    record = forms.ChoiceField(label=_("Record that meets the requirement"), choices=())

    def __init__(self, *args, professional=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        if professional is not None:
            for t in professional.training_records.order_by("-pk")[:50]:
                choices.append((f"training:{t.pk}", f"{_('Training')}: {t.programme_name}"))
            for c in professional.cpd_entries.order_by("-pk")[:50]:
                choices.append((f"cpd:{c.pk}", f"{_('CPD')}: {c.title}"))
        self.fields["record"].choices = choices


class QueueFilterForm(forms.Form):
    quiet_optional = True
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("All open"))] + list(Case.Stage.choices)
    )
    assigned = forms.ChoiceField(
        label=_("Assigned"),
        required=False,
        choices=[("", _("Anyone")), ("me", _("Me")), ("nobody", _("Nobody"))],
    )
    owner = StaffChoiceField(label=_("Case owner"), queryset=User.objects.none(), required=False)
    age = forms.ChoiceField(
        label=_("Age"),
        required=False,
        choices=[("", _("Any")), ("overdue", _("Past its stage's target"))],
    )
    clause = forms.CharField(label=_("Clause"), required=False, max_length=16)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = ethics_staff()
