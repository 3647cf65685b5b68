import datetime
from functools import lru_cache

from django import forms
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from practicum.accounts.models import Role, User
from practicum.frameworks.models import Competency, EthicsClause, FrameworkVersion
from practicum.frameworks.official import clause_label, competency_label, official_choices
from practicum.practice.models import (
    MAX_SESSION_MINUTES,
    SessionFormat,
    SupervisionRelationship,
)
from practicum.practice.services import CONTRACT, future_session_refusal


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


class SupervisorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        country = f" ({obj.country.name})" if obj.country else ""
        return f"{obj.get_full_name()}{country}"


class RelationshipForm(forms.ModelForm):
    KIND_CHOICES = [("platform", _("On Practicum")), ("external", _("Not on Practicum"))]
    kind = forms.ChoiceField(
        label=_("Where is your supervisor?"), choices=KIND_CHOICES, widget=forms.RadioSelect
    )
    supervisor = SupervisorChoiceField(
        label=_("Supervisor on Practicum"), queryset=User.objects.none(), required=False
    )

    class Meta:
        model = SupervisionRelationship
        fields = [
            "kind",
            "supervisor",
            "external_name",
            "external_email",
            "external_address",
            "focus_area",
            "started_on",
            "frequency",
            "contract_fees",
            "contract_logistics",
            "confidentiality_scope",
            "confidentiality_limits",
        ]
        widgets = {
            "started_on": DateInput,
            "external_address": forms.Textarea(attrs={"rows": 3}),
            "contract_fees": forms.Textarea(attrs={"rows": 2}),
            "contract_logistics": forms.Textarea(attrs={"rows": 2}),
            "confidentiality_scope": forms.Textarea(attrs={"rows": 2}),
            "confidentiality_limits": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "confidentiality_scope": _("What stays between you (Code clause 1.B.2)."),
            "confidentiality_limits": _(
                "For example: illegal activity, a risk of harm to self or others, a legal duty."
            ),
        }

    def __init__(self, *args, mentor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.mentor = mentor
        self.fields["supervisor"].queryset = (
            User.objects.filter(role_grants__role=Role.SUPERVISOR, is_active=True)
            .exclude(pk=mentor.pk)
            .order_by("full_name", "email")
        )

    def clean_started_on(self):
        started_on = self.cleaned_data["started_on"]
        if started_on > timezone.localdate() + datetime.timedelta(days=366):
            raise forms.ValidationError(_("The start date is more than a year away."))
        return started_on

    def clean(self):
        data = super().clean()
        if data.get("kind") == "platform":
            if not data.get("supervisor"):
                self.add_error("supervisor", _("Choose your supervisor from the list."))
            data["external_name"] = data["external_email"] = data["external_address"] = ""
        elif data.get("kind") == "external":
            data["supervisor"] = None
            for name in ("external_name", "external_email", "external_address"):
                if not (data.get(name) or "").strip():
                    self.add_error(
                        name, _("The credential asks for this of an external supervisor.")
                    )
        return data


class ChosenRows(forms.ModelMultipleChoiceField):
    """The rows chosen, as a list. With none chosen Django returns `queryset.none()`, which is
    still built and compiled as a query wherever it is read (twice per saved session)."""

    def clean(self, value):
        if not value and not self.required:
            return []
        return list(super().clean(value))  # the rows its check has already read


@lru_cache(maxsize=64)
def _rows_of(model, framework_pk: int | None):
    """`model`'s rows of one framework version, as a queryset built once per process and
    version: a field given it takes its own copy (`queryset.all()`), so this one is never
    evaluated, and each form no longer builds the filter again (a fifth of its construction)."""
    return model.objects.filter(framework_id=framework_pk)


def _version(kind: str) -> FrameworkVersion | None:
    """The version of `kind` in force, as an instance with only its id: a field is read from
    the database when first used (only a reader in another language than English has
    `official_choices` read its `translations`)."""
    pk = FrameworkVersion.objects.current_pk(kind)
    return None if pk is None else FrameworkVersion.from_db(DEFAULT_DB_ALIAS, ["id"], [pk])


# What logging or editing a session reads of the relationship chosen: its mentor and dates (the
# service's checks), and whom to ask for the sign-off, in which language and zone (the email).
# Both whole rows, joined, are most of two wide models: selecting them was a fifth of a logged
# session's time. Anything else read later is loaded then, one query (the tests count them).
SESSION_RELATIONSHIP_FIELDS = (
    "mentor_id",
    "supervisor",
    "started_on",
    "ended_on",
    "external_name",
    "external_email",
    "supervisor__email",
    "supervisor__full_name",
    "supervisor__time_zone",
    "supervisor__preferred_language",
)


class ChosenRelationship(forms.ModelChoiceField):
    """The choices are the mentor's relationships (`queryset`); the one chosen is read with
    only what the session needs of it (`chosen`)."""

    chosen = SupervisionRelationship.objects.none()

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        try:
            return self.chosen.get(pk=value)
        except (ValueError, TypeError, ValidationError, SupervisionRelationship.DoesNotExist):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None


class SessionForm(forms.Form):
    # The three querysets are the mentor's and the versions' own, set in __init__: none here,
    # or each form's copy of the fields would first copy a placeholder queryset, twice over.
    relationship = ChosenRelationship(label=_("Supervisor"), queryset=None)
    held_on = forms.DateField(label=_("Date"), widget=DateInput)
    start_time = forms.TimeField(
        label=_("Start time"), widget=TimeInput, help_text=_("In your own time zone.")
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=MAX_SESSION_MINUTES
    )
    format = forms.ChoiceField(label=_("Format"), choices=SessionFormat.choices)
    focus = forms.CharField(label=_("Focus"), max_length=200)
    cases_brought = forms.CharField(
        label=_("Cases or themes brought"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Describe cases without client names."),
    )
    key_learnings = forms.CharField(
        label=_("Key learnings"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    actions = forms.CharField(
        label=_("Actions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    competencies = ChosenRows(
        label=_("Competencies addressed"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    clauses = ChosenRows(
        label=_("Code clauses touched"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    experience = forms.CharField(
        label=_("How I experienced the session"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    feedback_to_supervisor = forms.CharField(
        label=_("Feedback to my supervisor"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    names_checked = forms.BooleanField(
        label=_("I have checked: these are not client names."), required=False
    )

    def __init__(self, *args, mentor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.mentor = mentor
        mine = SupervisionRelationship.objects.filter(mentor=mentor).select_related("supervisor")
        self.fields["relationship"].queryset = mine.defer(
            *CONTRACT
        )  # four decryptions, for nothing
        self.fields["relationship"].chosen = mine.only(*SESSION_RELATIONSHIP_FIELDS)
        # Which versions are in force, by id (kept per process, `current_pk`): loading the rows
        # would read both whole documents on every save, for their id alone.
        competencies = _version(FrameworkVersion.Kind.COMPETENCIES)
        code = _version(FrameworkVersion.Kind.CODE_OF_ETHICS)
        self.fields["competencies"].queryset = _rows_of(
            Competency, competencies and competencies.pk
        )
        self.fields["clauses"].queryset = _rows_of(EthicsClause, code and code.pk)
        # The official texts' own words, in the reader's language where the body publishes it.
        official_choices(self.fields["competencies"], competencies, competency_label)
        official_choices(self.fields["clauses"], code, clause_label)

    def clean(self):
        data = super().clean()
        day, start = data.get("held_on"), data.get("start_time")
        if day and start:
            zone = timezone.get_current_timezone()
            data["starts_at"] = datetime.datetime.combine(day, start, tzinfo=zone)
            refusal = future_session_refusal(data["starts_at"])
            if refusal:
                self.add_error("held_on", refusal)
        return data

    def session_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "relationship": data["relationship"],
            "starts_at": data["starts_at"],
            "duration_minutes": data["duration_minutes"],
            "format": data["format"],
            "focus": data["focus"].strip(),
            "cases_brought": data["cases_brought"].strip(),
            "key_learnings": data["key_learnings"].strip(),
            "actions": data["actions"].strip(),
            "experience": data["experience"].strip(),
            "feedback_to_supervisor": data["feedback_to_supervisor"].strip(),
            "competencies": data["competencies"],
            "clauses": data["clauses"],
        }

    @classmethod
    def initial_for(cls, session) -> dict:
        local = timezone.localtime(session.starts_at)
        return {
            "relationship": session.relationship_id,
            "held_on": local.date(),
            "start_time": local.time().replace(second=0, microsecond=0),
            "duration_minutes": session.duration_minutes,
            "format": session.format,
            "focus": session.focus,
            "cases_brought": session.cases_brought,
            "key_learnings": session.key_learnings,
            "actions": session.actions,
            "experience": session.experience,
            "feedback_to_supervisor": session.feedback_to_supervisor,
            "competencies": list(session.competencies.values_list("pk", flat=True)),
            "clauses": list(session.clauses.values_list("pk", flat=True)),
        }


class SignOffForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[
            ("confirm", _("Confirm: this session took place as logged")),
            ("dispute", _("Dispute: something is not right")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("If you dispute it, what is not right?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "dispute" and not (data.get("reason") or "").strip():
            self.add_error(
                "reason", _("Say why you dispute this entry, so the mentor can correct it.")
            )
        return data


class EndRelationshipForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DateInput)

    def clean_ended_on(self):
        ended_on = self.cleaned_data["ended_on"]
        if ended_on > timezone.localdate():
            raise forms.ValidationError(_("The end date cannot be in the future."))
        return ended_on
