from functools import partial

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from practicum.frameworks.models import Competency, EthicsClause, FrameworkVersion
from practicum.frameworks.official import clause_label, competency_label, official_choices
from practicum.lib.uploads import validate_captions, validate_pdf, validate_video
from practicum.library.data import rules, vocabulary
from practicum.library.models import Resource
from practicum.reflection.tool_templates import TEMPLATE_TOOLS


def template_tool_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(slug, str(label)) for slug, label in TEMPLATE_TOOLS]


def _current(kind: str):
    return FrameworkVersion.objects.current(kind)


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Resource.Kind.choices)
    access = forms.ChoiceField(label=_("Who may read it whole"), choices=[])
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to everyone who sees the resource listed, members or not."),
    )
    author = forms.CharField(label=_("Author"), max_length=150)
    written_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    minutes = forms.IntegerField(
        label=_("Reading or viewing time (minutes)"), min_value=1, max_value=600
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    body = forms.CharField(
        label=_("Text (for an article)"),
        required=False,
        max_length=60000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown: # headings, *emphasis*, lists, > quotes and [links](https://…)."),
    )
    url = forms.URLField(
        label=_("Address (for an external link)"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )
    template_tool = forms.ChoiceField(
        label=_("Reflective tool (for a template)"), required=False, choices=[]
    )
    file = forms.FileField(
        label=_("File (a PDF for a briefing paper, MP4 or WebM for a video)"), required=False
    )
    captions = forms.FileField(label=_("Captions (WebVTT, for a video)"), required=False)
    competencies = forms.ModelMultipleChoiceField(
        label=_("Core Competencies"),
        queryset=Competency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    clauses = forms.ModelMultipleChoiceField(
        label=_("Code clauses"),
        queryset=EthicsClause.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    themes = forms.MultipleChoiceField(
        label=_("Supervision themes"), required=False, widget=forms.CheckboxSelectMultiple
    )
    formats = forms.MultipleChoiceField(
        label=_("Formats"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, centre_form: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if centre_form:
            del self.fields["access"]
        else:
            self.fields["access"].choices = [
                c for c in Resource.Access.choices if c[0] != Resource.Access.CENTRE
            ]
        self.fields["template_tool"].choices = template_tool_choices()
        competencies = _current(FrameworkVersion.Kind.COMPETENCIES)
        code = _current(FrameworkVersion.Kind.CODE_OF_ETHICS)
        self.fields["competencies"].queryset = Competency.objects.filter(
            framework=competencies
        ).order_by("number")
        self.fields["clauses"].queryset = EthicsClause.objects.filter(framework=code).order_by(
            "position"
        )
        official_choices(self.fields["competencies"], competencies, competency_label)
        official_choices(self.fields["clauses"], code, partial(clause_label, length=60))
        self.fields["themes"].choices = [(t.slug, t.name) for t in vocabulary("theme")]
        self.fields["formats"].choices = [(t.slug, t.name) for t in vocabulary("format")]

    @classmethod
    def initial_from(cls, resource: Resource) -> dict:
        return {
            **{
                name: getattr(resource, name)
                for name in (
                    "kind",
                    "access",
                    "title",
                    "summary",
                    "author",
                    "written_on",
                    "minutes",
                    "language",
                    "body",
                    "url",
                    "template_tool",
                )  # fmt: skip
            },
            "competencies": list(resource.competencies.all()),
            "clauses": list(resource.clauses.all()),
            "themes": [t.slug for t in resource.tags.all() if t.vocabulary == "theme"],
            "formats": [t.slug for t in resource.tags.all() if t.vocabulary == "format"],
        }

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        kind = self.data.get("kind")
        if kind == Resource.Kind.BRIEFING:
            self.cleaned_data["file_kind"] = validate_pdf(upload, max_bytes=rules().pdf_max_bytes)
        elif kind == Resource.Kind.VIDEO:
            self.cleaned_data["file_kind"] = validate_video(
                upload, max_bytes=rules().video_max_bytes
            )
        else:
            raise forms.ValidationError(
                _("Only a briefing paper or a video carries a file: leave this empty.")
            )
        return upload

    def clean_captions(self):
        upload = self.cleaned_data.get("captions")
        if not upload:
            return None
        if self.data.get("kind") != Resource.Kind.VIDEO:
            raise forms.ValidationError(_("Only a video has captions: leave this empty."))
        validate_captions(upload, max_bytes=rules().captions_max_bytes)
        return upload

    def content(self) -> dict:
        data = dict(self.cleaned_data)
        data["competencies"] = [c.pk for c in data.get("competencies", [])]
        data["clauses"] = [c.pk for c in data.get("clauses", [])]
        return data


class PublishForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Publish on (leave empty for now)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("What needs changing"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class StudyForm(forms.Form):
    reflection = forms.CharField(
        label=_("What you take from it (private: only you see it)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind"))] + Resource.Kind.choices
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Any language"))]
    )
    access = forms.ChoiceField(label=_("Open to"), required=False, choices=[])
    tag = forms.ChoiceField(label=_("Tag"), required=False, choices=[])
    competency = forms.IntegerField(required=False, widget=forms.HiddenInput)
    clause = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Any language"))] + list(settings.LANGUAGES)
        self.fields["access"].choices = [("", _("Anyone"))] + [
            c for c in Resource.Access.choices if c[0] != Resource.Access.CENTRE
        ]
        self.fields["tag"].choices = (
            [("", _("Any tag"))]
            + [(f"theme:{t.slug}", t.name) for t in vocabulary("theme")]
            + [(f"format:{t.slug}", t.name) for t in vocabulary("format")]
        )
