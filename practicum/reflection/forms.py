import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from practicum.accounts.models import User
from practicum.frameworks.models import Competency, EthicsClause, FrameworkVersion
from practicum.frameworks.official import competency_label, official_choices
from practicum.lib.translations import localized
from practicum.practice.models import CpdEntry, MentoringEngagement, SupervisionSession
from practicum.reflection import services
from practicum.reflection.models import (
    DevelopmentGoal,
    EthicsWorksheet,
    Reflection,
    Tag,
    ToolVersion,
    WorksheetClause,
)

TEXTAREA_ROWS = 5


def _textarea(rows: int = TEXTAREA_ROWS) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class DateInput(forms.DateInput):
    input_type = "date"


class EngagementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: MentoringEngagement) -> str:
        return f"{obj.mentee_name} ({obj.started_on:%Y-%m-%d})"


def engagement_field() -> EngagementChoiceField:
    return EngagementChoiceField(
        label=_("Engagement"),
        queryset=MentoringEngagement.objects.none(),
        required=False,
        help_text=_("The mentoring engagement it is about, to see patterns with this client."),
    )


def mentor_engagements(mentor: User):
    return MentoringEngagement.objects.filter(mentor=mentor).only(
        "mentee_name", "started_on", "mentor_id"
    )


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SupervisionSession) -> str:
        when = timezone.localtime(obj.starts_at).strftime("%Y-%m-%d %H:%M")
        return f"{when} · {obj.supervisor_name} · {obj.get_format_display()}"


# --- Tags -----------------------------------------------------------------------------------


class TagsForm(forms.Form):
    """Themes: tick existing ones (yours and the suggested), or add your own."""

    tags = forms.MultipleChoiceField(
        label=_("Themes"), required=False, widget=forms.CheckboxSelectMultiple
    )
    new_tags = forms.CharField(
        label=_("Other themes"),
        required=False,
        max_length=400,
        help_text=_("Separate themes with commas. No client names."),
    )

    def __init__(self, *args, mentor: User, suggested: list, **kwargs):
        """`suggested`: names, or (name, its names in every language casefolded): a theme the
        mentor has in another language is theirs already, not suggested again."""
        super().__init__(*args, **kwargs)
        names = {t.name.casefold(): t.name for t in Tag.objects.filter(mentor=mentor)}
        for item in suggested:
            name, variants = (item, frozenset()) if isinstance(item, str) else item
            if not names.keys() & (variants | {name.casefold()}):
                names[name.casefold()] = name
        self.fields["tags"].choices = [(n, n) for n in sorted(names.values(), key=str.casefold)]

    def clean_new_tags(self) -> list[str]:
        try:
            return services.parse_tag_names(self.cleaned_data["new_tags"])
        except forms.ValidationError as error:
            raise forms.ValidationError(error.messages) from error

    def tag_names(self) -> list[str]:
        """The ticked themes and the new ones, as typed."""
        return list(self.cleaned_data.get("tags") or []) + list(
            self.cleaned_data.get("new_tags") or []
        )

    def clean(self):
        data = super().clean()
        names = {n.casefold() for n in self.tag_names()}
        if len(names) > services.MAX_TAGS:
            self.add_error(
                "new_tags", _("At most %(n)d themes on one entry.") % {"n": services.MAX_TAGS}
            )
        return data


# --- Reflective Conversation Framework ------------------------------------------------------


class ReflectionStartForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        help_text=_("A few words for you to recognise it, such as “the sponsor’s request”."),
    )
    engagement = engagement_field()

    def __init__(self, *args, mentor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engagement"].queryset = mentor_engagements(mentor)


class ReflectionDetailsForm(TagsForm):
    title = forms.CharField(label=_("Title"), max_length=120)
    engagement = engagement_field()
    field_order = ["title", "engagement", "tags", "new_tags"]

    def __init__(self, *args, mentor: User, **kwargs):
        super().__init__(*args, mentor=mentor, **kwargs)
        self.fields["engagement"].queryset = mentor_engagements(mentor)


class ReflectionStepForm(forms.Form):
    """The answers of one step of the framework, all optional: a draft may be unfinished."""

    def __init__(self, *args, step: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for field in step["fields"]:
            self.fields[field["key"]] = forms.CharField(
                label=field["label"],
                help_text=field.get("help", ""),
                required=False,
                max_length=services.MAX_ANSWER_CHARS,
                widget=_textarea(6),
            )


class ShareForm(forms.Form):
    session = SessionChoiceField(
        label=_("Supervision session"),
        queryset=SupervisionSession.objects.none(),
        help_text=_("Upcoming sessions first, then the most recent."),
    )
    share = forms.BooleanField(
        label=_("Share the chosen steps with this session’s supervisor"), required=False
    )
    steps = forms.MultipleChoiceField(
        label=_("Steps to share"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Your supervisor sees only these steps, and only until you withdraw."),
    )
    include_worksheet = forms.BooleanField(
        label=_("Share the Ethics Lens Worksheet too"), required=False
    )

    SESSIONS_LISTED = 60

    def __init__(self, *args, reflection: Reflection, **kwargs):
        super().__init__(*args, **kwargs)
        mentor_sessions = SupervisionSession.objects.filter(mentor=reflection.mentor)
        now = timezone.now()
        upcoming = list(
            mentor_sessions.filter(starts_at__gte=now).order_by("starts_at")[: self.SESSIONS_LISTED]
        )
        recent = list(mentor_sessions.filter(starts_at__lt=now)[: self.SESSIONS_LISTED])
        pks = [s.pk for s in upcoming + recent]
        if reflection.session_id and reflection.session_id not in pks:
            pks.append(reflection.session_id)
        self.fields["session"].queryset = SupervisionSession.objects.filter(
            pk__in=pks
        ).select_related("relationship__supervisor", "facilitator")
        order = {pk: i for i, pk in enumerate(pks)}
        self.fields["session"].choices = [("", "---------")] + sorted(
            (
                (s.pk, self.fields["session"].label_from_instance(s))
                for s in self.fields["session"].queryset
            ),
            key=lambda c: order[c[0]],
        )
        self.fields["steps"].choices = [
            (s["key"], s["title"]) for s in reflection.tool.steps if reflection.step_is_answered(s)
        ]
        if not hasattr(reflection, "worksheet"):
            del self.fields["include_worksheet"]

    def clean(self):
        data = super().clean()
        if data.get("share") and not data.get("steps"):
            self.add_error("steps", _("Choose at least one step to share."))
        return data


# --- Ethics Lens Worksheet ------------------------------------------------------------------


class WorksheetForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    dilemma = forms.CharField(
        label=_("The choice or dilemma"),
        widget=_textarea(6),
        max_length=services.MAX_ANSWER_CHARS,
        help_text=_("What is the choice in front of you? Who is involved (roles, not names)?"),
    )
    options = forms.CharField(
        label=_("The options open to you"),
        widget=_textarea(5),
        required=False,
        max_length=services.MAX_ANSWER_CHARS,
        help_text=_("One option per line, at most six. Doing nothing is an option too."),
    )
    engagement = engagement_field()

    def __init__(self, *args, mentor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engagement"].queryset = mentor_engagements(mentor)

    @staticmethod
    def initial_for(worksheet: EthicsWorksheet) -> dict:
        return {
            "title": worksheet.title,
            "dilemma": worksheet.dilemma,
            "options": "\n".join(worksheet.option_list),
            "engagement": worksheet.engagement_id,
        }

    def clean_options(self) -> list[str]:
        lines = [" ".join(line.split()) for line in self.cleaned_data["options"].splitlines()]
        options = [line for line in lines if line]
        if len(options) > services.MAX_OPTIONS:
            raise forms.ValidationError(
                _("List at most %(n)d options, one per line.") % {"n": services.MAX_OPTIONS}
            )
        return options


class ClauseSearchForm(forms.Form):
    quiet_optional = True  # a filter: every field is optional, saying so is noise

    q = forms.CharField(label=_("Search the Code for a clause"), max_length=200, required=False)


class ClauseAddForm(forms.Form):
    clause = forms.ModelChoiceField(queryset=EthicsClause.objects.none())
    source = forms.ChoiceField(choices=WorksheetClause.Source.choices)

    def __init__(self, *args, code: FrameworkVersion | None, **kwargs):
        super().__init__(*args, **kwargs)
        if code is not None:
            self.fields["clause"].queryset = code.clauses.all()


class WorksheetAnalysisForm(forms.Form):
    """For each cited clause, how each option stands against it."""

    def __init__(self, *args, worksheet: EthicsWorksheet, cited: list[WorksheetClause], **kwargs):
        super().__init__(*args, **kwargs)
        self.cited = cited
        self.options = worksheet.option_list
        for item in cited:
            existing = item.analysis_map
            for index, option in enumerate(self.options):
                name = self.field_name(item.pk, index)
                self.fields[name] = forms.CharField(
                    label=_("Option %(n)d: %(option)s") % {"n": index + 1, "option": option},
                    required=False,
                    max_length=services.MAX_ANSWER_CHARS,
                    widget=_textarea(3),
                    initial=existing.get(str(index), ""),
                )

    @staticmethod
    def field_name(cited_pk: int, index: int) -> str:
        return f"c{cited_pk}_o{index}"

    def groups(self) -> list[tuple[WorksheetClause, list]]:
        return [
            (item, [self[self.field_name(item.pk, i)] for i in range(len(self.options))])
            for item in self.cited
        ]

    def analyses(self) -> dict[int, dict[int, str]]:
        return {
            item.pk: {
                i: self.cleaned_data[self.field_name(item.pk, i)] for i in range(len(self.options))
            }
            for item in self.cited
        }


class WorksheetConclusionForm(forms.ModelForm):
    class Meta:
        model = EthicsWorksheet
        fields = list(services.CONCLUSION_FIELDS)
        widgets = {name: _textarea(3) for name in services.CONCLUSION_FIELDS}
        help_texts = {
            "stakeholder_client": _("How would the client be affected by your decision?"),
            "stakeholder_sponsor": _("Who pays, and what do they expect?"),
            "stakeholder_organisation": _("The client’s organisation, and your own."),
            "stakeholder_society": _(
                "Code clause 1.A.7: the broader society and the natural environment."
            ),
            "to_supervision": _("What you want to explore with your supervisor."),
        }


# --- Self-assessments -----------------------------------------------------------------------


class ReadinessForm(forms.Form):
    def __init__(self, *args, framework: FrameworkVersion, **kwargs):
        super().__init__(*args, **kwargs)
        scale = framework.local.get("scale", {})
        low, high = scale.get("min", 1), scale.get("max", 5)
        choices = [(str(v), str(v)) for v in range(low, high + 1)]
        choices[0] = (str(low), f"{low} · {scale.get('min_label', '')}".strip(" ·"))
        choices[-1] = (str(high), f"{high} · {scale.get('max_label', '')}".strip(" ·"))
        self.statements = list(framework.statements.all())
        for statement in self.statements:
            self.fields[f"s{statement.pk}"] = forms.TypedChoiceField(
                label=f"{statement.code}. {localized(statement, 'text')}",
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "scale"}),
                error_messages={"required": _("Score this statement from 1 to 5.")},
            )

    def scores(self) -> dict[int, int]:
        return {s.pk: self.cleaned_data[f"s{s.pk}"] for s in self.statements}


class SelfCareForm(forms.Form):
    note = forms.CharField(
        label=_("A note for yourself"),
        required=False,
        max_length=services.MAX_ANSWER_CHARS,
        widget=_textarea(3),
        help_text=_("Only you can read it."),
    )

    def __init__(self, *args, tool: ToolVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.statements = tool.local["statements"]
        choices = [(str(value), label) for value, label in tool.scale_choices]
        notes = self.fields.pop("note")
        for statement in self.statements:
            self.fields[statement["code"]] = forms.TypedChoiceField(
                label=statement["text"],
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "scale"}),
                error_messages={"required": _("Choose how often this was true.")},
            )
        self.fields["note"] = notes

    def answers(self) -> dict[str, int]:
        return {s["code"]: self.cleaned_data[s["code"]] for s in self.statements}


class ReminderForm(forms.Form):
    monthly_reminder = forms.BooleanField(
        label=_("Email me a reminder once a month"),
        required=False,
        help_text=_("The email only reminds you; it never holds your answers."),
    )


class CompetencyForm(forms.Form):
    note = forms.CharField(
        label=_("A note for yourself"),
        required=False,
        max_length=services.MAX_ANSWER_CHARS,
        widget=_textarea(3),
    )

    def __init__(self, *args, framework: FrameworkVersion, tool: ToolVersion, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(value), label) for value, label in tool.scale_choices]
        self.competencies = list(framework.competencies.prefetch_related("indicators"))
        notes = self.fields.pop("note")
        for competency in self.competencies:
            for indicator in competency.indicators.all():
                self.fields[f"i{indicator.pk}"] = forms.TypedChoiceField(
                    label=f"{indicator.identifier} {indicator.text}",
                    choices=choices,
                    coerce=int,
                    widget=forms.RadioSelect(attrs={"class": "scale"}),
                    error_messages={"required": _("Rate this indicator.")},
                )
        self.fields["note"] = notes

    def groups(self) -> list[tuple[Competency, list]]:
        return [(c, [self[f"i{i.pk}"] for i in c.indicators.all()]) for c in self.competencies]

    def ratings(self) -> dict[int, int]:
        return {
            i.pk: self.cleaned_data[f"i{i.pk}"]
            for c in self.competencies
            for i in c.indicators.all()
        }


# --- Development plan -----------------------------------------------------------------------


class CompetencyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Competency) -> str:
        return f"{obj.number}. {obj.name}"


class GoalForm(forms.Form):
    title = forms.CharField(label=_("Goal"), max_length=200)
    competencies = CompetencyChoiceField(
        label=_("Competencies it develops"),
        queryset=Competency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Link the goal to at least one competency.")},
    )
    specific = forms.CharField(
        label=_("Specific: what exactly will you do?"), widget=_textarea(3), max_length=4000
    )
    measurable = forms.CharField(
        label=_("Measurable: how will you know you have done it?"),
        widget=_textarea(3),
        max_length=4000,
    )
    achievable = forms.CharField(
        label=_("Achievable: what makes it realistic for you now?"),
        widget=_textarea(3),
        max_length=4000,
    )
    relevant = forms.CharField(
        label=_("Relevant: why does it matter for your practice?"),
        widget=_textarea(3),
        max_length=4000,
    )
    due_on = forms.DateField(label=_("Time-bound: by when?"), widget=DateInput)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100, initial=0)
    status = forms.ChoiceField(
        label=_("Status"), choices=DevelopmentGoal.Status.choices, initial="active"
    )

    def __init__(self, *args, framework: FrameworkVersion | None, goal=None, **kwargs):
        super().__init__(*args, **kwargs)
        frameworks = [framework] if framework else []
        competency_filter = {"framework__in": frameworks}
        self.goal = goal
        queryset = Competency.objects.filter(**competency_filter)
        if goal is not None:
            # A goal keeps the competencies it was linked to, even of an older version.
            queryset = queryset | Competency.objects.filter(pk__in=goal.competencies.all())
        self.fields["competencies"].queryset = queryset.distinct().order_by("framework", "number")
        official_choices(self.fields["competencies"], framework, competency_label)

    @staticmethod
    def initial_for(goal: DevelopmentGoal) -> dict:
        return {
            "title": goal.title,
            "competencies": list(goal.competencies.all()),
            "specific": goal.specific,
            "measurable": goal.measurable,
            "achievable": goal.achievable,
            "relevant": goal.relevant,
            "due_on": goal.due_on,
            "progress": goal.progress,
            "status": goal.status,
        }

    def clean_due_on(self) -> datetime.date:
        due_on = self.cleaned_data["due_on"]
        today = timezone.localdate()
        if self.goal is None and due_on < today:
            raise forms.ValidationError(_("A new goal needs a date from today on."))
        if due_on > today + datetime.timedelta(days=366 * 5):
            raise forms.ValidationError(_("Choose a date within five years."))
        return due_on


class EvidenceForm(forms.Form):
    record = forms.ChoiceField(
        label=_("Evidence"),
        help_text=_("A supervision session, a CPD entry or a reflection of yours."),
    )
    note = forms.CharField(
        label=_("What it shows"), required=False, max_length=2000, widget=_textarea(2)
    )

    LISTED = 50

    def __init__(self, *args, mentor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.mentor = mentor
        sessions = SupervisionSession.objects.filter(mentor=mentor).select_related(
            "relationship__supervisor", "facilitator"
        )[: self.LISTED]
        cpd = CpdEntry.objects.filter(mentor=mentor)[: self.LISTED]
        reflections = Reflection.objects.filter(mentor=mentor).only("title", "created_at")[
            : self.LISTED
        ]
        label = SessionChoiceField(queryset=SupervisionSession.objects.none()).label_from_instance
        self.fields["record"].choices = [
            ("", "---------"),
            (_("Supervision sessions"), [(f"session:{s.pk}", label(s)) for s in sessions]),
            (
                _("CPD entries"),
                [(f"cpd:{c.pk}", f"{c.occurred_on:%Y-%m-%d} · {c.title}") for c in cpd],
            ),
            (
                _("Reflections"),
                [
                    (f"reflection:{r.pk}", f"{r.created_at:%Y-%m-%d} · {r.title}")
                    for r in reflections
                ],
            ),
        ]

    def clean_record(self) -> dict:
        kind, _sep, pk = self.cleaned_data["record"].partition(":")
        model = {"session": SupervisionSession, "cpd": CpdEntry, "reflection": Reflection}.get(kind)
        target = (
            model.objects.filter(pk=pk, mentor=self.mentor).first()
            if model and pk.isdigit()
            else None
        )
        if target is None:
            raise forms.ValidationError(_("Choose one of your own records from the list."))
        return {
            {"session": "session", "cpd": "cpd_entry", "reflection": "reflection"}[kind]: target
        }


class EraseToolkitForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("Type it to confirm that you want all of this deleted."),
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email != self.user.email.lower():
            raise forms.ValidationError(_("This is not the email address of your account."))
        return email


class PatternKeepForm(forms.Form):
    name = forms.CharField(
        label=_("Name this pattern"),
        max_length=40,
        error_messages={
            "required": _("Give the theme a name."),
            "max_length": _("A theme has at most 40 characters."),
        },
    )
    keys = forms.CharField(widget=forms.HiddenInput, max_length=2000)
