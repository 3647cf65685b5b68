"""The library's pages: finding and reading (everyone), studying (mentors), the editorial desk
(editors, and a training centre's administrators for their centre's resources).

Every file goes through `lib.downloads.stored_file_response` after `access.resource_readable`:
a resource's files are addressed by its random code, and anyone who may not read it gets the
same 404 as for a code that does not exist.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Sum
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from practicum.accounts.access import role_required
from practicum.accounts.models import Role
from practicum.audit.services import audit_trail
from practicum.frameworks.access import member_required
from practicum.frameworks.models import Competency, EthicsClause
from practicum.institutions.models import TrainingCentre
from practicum.lib.conflict import Conflict, conflict_response
from practicum.lib.downloads import stored_file_response
from practicum.lib.forms import add_service_errors, flash_service_errors
from practicum.library import access, data, recommendations, search, services
from practicum.library.forms import FilterForm, PublishForm, ResourceForm, ReturnForm, StudyForm
from practicum.library.models import Resource, ResourceTag, StudyRecord
from practicum.library.rendering import article_html
from practicum.reflection.tool_templates import TEMPLATE_SLUGS, tool_template_pdf

PAGE_SIZE = 20
MANAGERS = (Role.EDITOR, Role.INSTITUTION_ADMIN)


def _with_tags(queryset):
    return queryset.select_related("centre").prefetch_related(
        Prefetch("tags", queryset=ResourceTag.objects.order_by("vocabulary", "slug"))
    )


def _filtered(request, queryset):
    form = FilterForm(request.GET or None)
    if not form.is_valid():
        return form, queryset, ""
    values = form.cleaned_data
    if values.get("kind"):
        queryset = queryset.filter(kind=values["kind"])
    if values.get("language"):
        queryset = queryset.filter(language=values["language"])
    if values.get("access"):
        queryset = queryset.filter(access=values["access"])
    if values.get("tag"):
        vocabulary, slug = values["tag"].split(":", 1)
        queryset = queryset.filter(tags__vocabulary=vocabulary, tags__slug=slug)
    if values.get("competency"):
        queryset = queryset.filter(competencies=values["competency"])
    if values.get("clause"):
        queryset = queryset.filter(clauses=values["clause"])
    return form, queryset.distinct(), values.get("q", "")


def index(request):
    """The library: everything listed for this person, filtered, searched, a page at a time."""
    form, queryset, query = _filtered(request, access.listed_for(request.user))
    if query:
        ranked = search.rank(list(queryset.only("pk", "title", "summary", "author")), query)
        resources = _with_tags(Resource.objects.filter(pk__in=[r.pk for r in ranked]))
        order = {r.pk: n for n, r in enumerate(ranked)}
        resources = sorted(resources, key=lambda r: order[r.pk])
    else:
        resources = _with_tags(queryset)
    page = Paginator(resources, PAGE_SIZE).get_page(request.GET.get("page"))
    names = _tag_names()
    for resource in page:
        resource.tag_labels = [
            names[(t.vocabulary, t.slug)]
            for t in resource.tags.all()
            if (t.vocabulary, t.slug) in names
        ]
    topic = None
    values = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if values.get("competency"):
        topic = Competency.objects.filter(pk=values["competency"]).first()
    elif values.get("clause"):
        topic = EthicsClause.objects.filter(pk=values["clause"]).first()
    return render(
        request,
        "library/index.html",
        {"form": form, "page": page, "query": query, "topic": topic},
    )


def _tag_names() -> dict[tuple[str, str], str]:
    return {(name, t.slug): t.name for name in ("theme", "format") for t in data.vocabulary(name)}


def detail(request, code: str):
    resource = access.resource_for_reader(request.user, code)
    refusal = access.read_refusal(resource, request.user)
    study = None
    if request.user.is_authenticated:
        study = StudyRecord.objects.filter(mentor=request.user, resource=resource).first()
    may_study = (
        refusal is None
        and resource.is_live
        and request.user.is_authenticated
        and request.user.has_role(Role.MENTOR)
    )
    year = timezone.localdate().year
    return render(
        request,
        "library/detail.html",
        {
            "resource": resource,
            "refusal": refusal,
            "body_html": article_html(resource.body) if refusal is None and resource.body else "",
            "tags": [(t.vocabulary, data.term(t.vocabulary, t.slug)) for t in resource.tags.all()],
            "competencies": resource.competencies.all(),
            "clauses": resource.clauses.all(),
            "study": study,
            "may_study": may_study,
            "study_form": StudyForm(initial={"reflection": study.reflection if study else ""}),
            "hours": services.study_hours(resource),
            "room": services.cpd_room(request.user, year) if may_study else None,
            "cap": data.rules().cpd_cap_per_year,
            "may_manage": access.may_manage(request.user, resource),
        },
    )


def resource_file(request, code: str):
    resource = access.resource_readable(request.user, code)
    if resource.kind not in (Resource.Kind.BRIEFING, Resource.Kind.VIDEO):
        raise Http404
    return stored_file_response(
        resource.file,
        kind=resource.file_kind,
        filename_stem=f"resource-{resource.code}",
        inline=resource.kind == Resource.Kind.VIDEO,
    )


def resource_captions(request, code: str):
    resource = access.resource_readable(request.user, code)
    if resource.kind != Resource.Kind.VIDEO:
        raise Http404
    return stored_file_response(
        resource.captions, kind="vtt", filename_stem=f"captions-{resource.code}", inline=True
    )


def template_pdf(request, code: str):
    """A template's printable PDF, made from the reflective tool's own versioned content."""
    resource = access.resource_readable(request.user, code)
    if resource.kind != Resource.Kind.TEMPLATE or resource.template_tool not in TEMPLATE_SLUGS:
        raise Http404
    response = HttpResponse(
        tool_template_pdf(resource.template_tool, resource.language),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="{resource.template_tool}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Mentors: studying, self-study CPD, recommendations ------------------------------------


@member_required(Role.MENTOR)
@require_POST
def study(request, code: str):
    resource = access.resource_for_reader(request.user, code)
    form = StudyForm(request.POST)
    if form.is_valid():
        try:
            services.resource_study(
                resource=resource, mentor=request.user, reflection=form.cleaned_data["reflection"]
            )
        except ValidationError as error:
            flash_service_errors(request, error)
        else:
            messages.success(request, _("Marked as studied. Your reflection is yours alone."))
    else:
        flash_service_errors(request, ValidationError(list(form.errors.get("reflection", []))))
    return redirect("library:detail", code=resource.code)


@member_required(Role.MENTOR)
@require_POST
def study_cpd(request, code: str):
    resource = access.resource_for_reader(request.user, code)
    record = get_object_or_404(StudyRecord, mentor=request.user, resource=resource)
    try:
        entry = services.study_add_to_cpd(study=record, mentor=request.user)
    except Conflict as error:
        return conflict_response(request, error, back_url=resource_url(resource))
    except ValidationError as error:
        flash_service_errors(request, error)
    else:
        messages.success(
            request,
            _("%(hours)s hours of self-study added to your CPD ledger.")
            % {"hours": services.hours_text(entry.hours)},
        )
    return redirect("library:detail", code=resource.code)


def resource_url(resource: Resource) -> str:
    from django.urls import reverse

    return reverse("library:detail", kwargs={"code": resource.code})


@member_required(Role.MENTOR)
def my_studies(request):
    records = StudyRecord.objects.filter(mentor=request.user).select_related("resource")
    year = timezone.localdate().year
    return render(
        request,
        "library/my_studies.html",
        {
            "page": Paginator(records, PAGE_SIZE).get_page(request.GET.get("page")),
            "hours_this_year": services.self_study_hours(request.user, year),
            "cap": data.rules().cpd_cap_per_year,
            "year": year,
        },
    )


@member_required(Role.MENTOR)
def my_studies_export(request):
    response = JsonResponse(
        {"library_studies": services.studies_export(request.user)},
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = (
        f'attachment; filename="practicum-library-{timezone.localdate():%Y-%m-%d}.json"'
    )
    return response


@member_required(Role.MENTOR)
@require_POST
def my_studies_erase(request):
    count = services.studies_erase(mentor=request.user)
    messages.success(request, _("%(n)s study records deleted.") % {"n": count})
    return redirect("library:my_studies")


@member_required(Role.MENTOR)
def recommended_panel(request):
    """The Mentor Dashboard's "Recommended for you" (embedded over htmx): the mentor's own."""
    return render(
        request,
        "library/recommended_panel.html",
        {"recommendations": recommendations.for_mentor(request.user)},
    )


def lab_resources(request, code: str):
    """A lab page's fragment: resources on its theme (and for labs), listed for this person."""
    from practicum.supervision.services import labs_visible_to

    if not request.user.is_authenticated:
        raise Http404
    lab = get_object_or_404(labs_visible_to(request.user), code=code)
    return render(
        request,
        "library/lab_resources.html",
        {"resources": recommendations.for_lab_theme(request.user, lab.theme)},
    )


# --- The editorial desk ----------------------------------------------------------------------


@role_required(Role.EDITOR)
def editor_dashboard(request):
    status = request.GET.get("status") or Resource.Status.REVIEW
    if status not in Resource.Status.values:
        status = Resource.Status.REVIEW
    counts = dict(Resource.objects.values_list("status").annotate(n=Count("pk")).order_by())
    queryset = Resource.objects.filter(status=status).select_related("centre", "submitted_by")
    return render(
        request,
        "library/desk.html",
        {
            "status": status,
            "statuses": [
                (value, label, counts.get(value, 0)) for value, label in Resource.Status.choices
            ],
            "page": Paginator(queryset.order_by("-updated_at"), PAGE_SIZE).get_page(
                request.GET.get("page")
            ),
            "now": timezone.now(),
        },
    )


@role_required(Role.INSTITUTION_ADMIN)
def centre_resources(request):
    centres = TrainingCentre.objects.administered_by(request.user).order_by("name")
    queryset = Resource.objects.filter(centre__in=centres.values("pk")).select_related("centre")
    return render(
        request,
        "library/centre_resources.html",
        {
            "centres": centres,
            "page": Paginator(queryset.order_by("-updated_at"), PAGE_SIZE).get_page(
                request.GET.get("page")
            ),
        },
    )


def _resource_form_page(request, *, form, resource=None, centre=None):
    return render(
        request,
        "library/resource_form.html",
        {"form": form, "resource": resource, "centre": centre},
        status=400 if request.method == "POST" else 200,
    )


def _save_new(request, form, centre=None):
    try:
        resource = services.resource_create(by=request.user, content=form.content(), centre=centre)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, _("Saved as a draft (version 1)."))
    return redirect("library:manage", code=resource.code)


@role_required(Role.EDITOR)
def resource_new(request):
    form = ResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        response = _save_new(request, form)
        if response:
            return response
    return _resource_form_page(request, form=form)


@role_required(Role.INSTITUTION_ADMIN)
def centre_resource_new(request, pk: int):
    centre = get_object_or_404(TrainingCentre.objects.administered_by(request.user), pk=pk)
    form = ResourceForm(request.POST or None, request.FILES or None, centre_form=True)
    if request.method == "POST" and form.is_valid():
        response = _save_new(request, form, centre=centre)
        if response:
            return response
    return _resource_form_page(request, form=form, centre=centre)


@role_required(*MANAGERS)
def resource_edit(request, code: str):
    resource = access.resource_for_manager(request.user, code)
    form = ResourceForm(
        request.POST or None,
        request.FILES or None,
        initial=ResourceForm.initial_from(resource),
        centre_form=resource.centre_id is not None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.resource_edit(resource=resource, by=request.user, content=form.content())
        except Conflict as error:
            return conflict_response(request, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved as a new version, in draft."))
            return redirect("library:manage", code=resource.code)
    return _resource_form_page(request, form=form, resource=resource, centre=resource.centre)


@role_required(*MANAGERS)
def manage(request, code: str):
    resource = access.resource_for_manager(request.user, code)
    studies = resource.studies.aggregate(n=Count("pk"), hours=Sum("cpd_hours"))
    return render(
        request,
        "library/manage.html",
        {
            "resource": resource,
            "versions": resource.versions.select_related("created_by"),
            "entries": audit_trail(resource),
            "publish_refusal": services.publish_refusal(resource, request.user),
            "publish_form": PublishForm(),
            "return_form": ReturnForm(),
            "studies": studies,
            "now": timezone.now(),
        },
    )


@require_POST  # first: a GET is a 405 for everyone, whoever they are
@role_required(*MANAGERS)
def resource_act(request, code: str, action: str):
    resource = access.resource_for_manager(request.user, code)
    try:
        if action == "submit":
            services.resource_submit(resource=resource, by=request.user)
            messages.success(request, _("Submitted for review by another editor."))
        elif action == "return":
            form = ReturnForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Say what needs changing."))
            services.resource_return(
                resource=resource, by=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Returned to draft."))
        elif action == "publish":
            form = PublishForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Give the publication date and time as shown."))
            services.resource_publish(
                resource=resource, by=request.user, publish_at=form.cleaned_data["publish_at"]
            )
            messages.success(request, _("Published."))
        elif action == "archive":
            services.resource_archive(resource=resource, by=request.user)
            messages.success(request, _("Archived: no longer listed."))
        else:
            raise Http404
    except Conflict as error:
        return conflict_response(request, error)
    except ValidationError as error:
        flash_service_errors(request, error)
    return redirect("library:manage", code=resource.code)


@role_required(*MANAGERS)
def version_file(request, code: str, number: int, which: str):
    """An earlier version's file or captions, for those who manage the resource."""
    resource = access.resource_for_manager(request.user, code)
    version = get_object_or_404(resource.versions, number=number)
    if which == "file":
        return stored_file_response(
            version.file, kind=version.file_kind, filename_stem=f"resource-{code}-v{number}"
        )
    if which == "captions":
        return stored_file_response(
            version.captions, kind="vtt", filename_stem=f"captions-{code}-v{number}"
        )
    raise Http404
