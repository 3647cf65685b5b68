from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme

from practicum.frameworks import ranking, services
from practicum.frameworks.forms import PledgeForm, SearchForm
from practicum.frameworks.models import BehaviouralIndicator, FrameworkVersion
from practicum.frameworks.official import official_text
from practicum.lib.translations import localized

Kind = FrameworkVersion.Kind


def _framework(kind: str, version: str | None) -> FrameworkVersion:
    # The content (the whole text) is loaded only if the page's cached body must be rendered.
    versions = FrameworkVersion.objects.defer("content")
    if version is None:
        framework = versions.filter(pk=FrameworkVersion.objects.current_pk(kind)).first()
        if framework is None:
            raise Http404
        return framework
    return get_object_or_404(versions, kind=kind, version=version)


def _versions(kind: str):
    return FrameworkVersion.objects.filter(kind=kind).only("version", "effective_date", "kind")


def index(request):
    frameworks = [FrameworkVersion.objects.current(kind) for kind in Kind.values]
    return render(request, "frameworks/index.html", {"frameworks": [f for f in frameworks if f]})


def _code_groups(framework: FrameworkVersion) -> list[dict]:
    clauses = list(framework.clauses.all())
    groups = []
    for group in framework.content.get("outline", []):
        sections = []
        for section in group["sections"]:
            section_clauses = [
                c
                for c in clauses
                if c.group_number == group["number"] and c.section_letter == section["letter"]
            ]
            title = localized(section_clauses[0], "section_title") if section_clauses else None
            sections.append(
                {**section, "title": title or section["title"], "clauses": section_clauses}
            )
        first = next((c for c in clauses if c.group_number == group["number"]), None)
        name = localized(first, "group_name") if first else None
        groups.append({**group, "name": name or group["name"], "sections": sections})
    return groups


def _current(kind: str, framework: FrameworkVersion, version: str | None):
    return framework if version is None else FrameworkVersion.objects.current(kind)


# The framework pages change only with a new version: their body is a cached fragment (keyed by
# version and language, see the templates), and what only that body reads is computed lazily.
def code_of_ethics(request, version: str | None = None):
    framework = _framework(Kind.CODE_OF_ETHICS, version)
    return render(
        request,
        "frameworks/code_of_ethics.html",
        {
            "framework": framework,
            "groups": SimpleLazyObject(lambda: _code_groups(framework)),
            "sanctions": framework.sanctions.all(),
            "official": official_text(framework),
            "versions": _versions(Kind.CODE_OF_ETHICS),
            "current": _current(Kind.CODE_OF_ETHICS, framework, version),
            "latest_pk": FrameworkVersion.objects.latest_pk(Kind.CODE_OF_ETHICS),
            "search_form": SearchForm(),
        },
    )


def competencies(request, version: str | None = None):
    framework = _framework(Kind.COMPETENCIES, version)
    items = framework.competencies.prefetch_related(
        Prefetch("indicators", queryset=BehaviouralIndicator.objects.order_by("number"))
    )
    return render(
        request,
        "frameworks/competencies.html",
        {
            "framework": framework,
            "competencies": items,
            "official": official_text(framework),
            "versions": _versions(Kind.COMPETENCIES),
            "current": _current(Kind.COMPETENCIES, framework, version),
            "latest_pk": FrameworkVersion.objects.latest_pk(Kind.COMPETENCIES),
        },
    )


def readiness(request, version: str | None = None):
    framework = _framework(Kind.READINESS_QUESTIONNAIRE, version)
    return render(
        request,
        "frameworks/readiness.html",
        {
            "framework": framework,
            "statements": framework.statements.all(),
            "versions": _versions(Kind.READINESS_QUESTIONNAIRE),
            "current": FrameworkVersion.objects.current(Kind.READINESS_QUESTIONNAIRE),
        },
    )


def search(request):
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    code = FrameworkVersion.objects.current(Kind.CODE_OF_ETHICS)
    competency_framework = FrameworkVersion.objects.current(Kind.COMPETENCIES)
    # Exact-word matches first, then clauses close in meaning (the same ranker as the worksheet).
    clauses = ranking.search_clauses(query, framework=code, limit=50) if code and query else []
    indicators = (
        services.indicator_search(framework=competency_framework, query=query)
        if competency_framework and query
        else []
    )
    page = Paginator(clauses, 25).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "query": query,
        "terms": services.search_terms(query),
        "code": code,
        "clauses": page,
        "indicators": indicators[:25] if indicators else [],
    }
    template = "frameworks/search.html"
    if request.headers.get("HX-Request"):
        template += "#results"
    return render(request, template, context)


@login_required
def pledge(request):
    code = services.current_code()
    if code is None:
        return redirect("dashboard")
    accepted = not services.pledge_outstanding(request.user)
    form = PledgeForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if request.method == "POST" and form.is_valid():
        services.pledge_accept(user=request.user, framework=code)
        target = form.cleaned_data["next"]
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = "dashboard"
        return redirect(target or "dashboard")
    # The pledge is part of the Code: the body's official translation of it, else its English.
    official = official_text(code, "pledge")
    text = code.content["pledge"] if official["english_only"] else code.local["pledge"]
    return render(
        request,
        "frameworks/pledge.html",
        {"form": form, "code": code, "accepted": accepted, "official": official, "text": text},
    )
