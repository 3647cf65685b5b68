"""The pages each role can reach, for the browser checks that visit them all (axe, reflow).

Derived from the URL conf, not listed by hand:
- every route without arguments (and every matrix row whose own arguments open a page) is
  asked for as each persona; the ones answering 200 with a whole HTML page are visited;
- every route with arguments is reached through `object_pages.OBJECT_PAGES` (an object of the
  demo world for a persona who may see it), unless it answers with a file or only takes POSTs;
- the admin's pages come from its registry: index, each app, each model's list, add form and
  the change form of one of its rows.
Non-HTML answers (PDF, JSON, calendars) and htmx fragments are skipped by the visitor."""

import contextlib

from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from practicum.accounts.tests.object_pages import FILE_SUFFIXES, FILES, FRAGMENTS, OBJECT_PAGES
from practicum.accounts.tests.site_world import PERSONAS, World

# Routes that answer 200 but are not pages a person reads (or that end the visitor's session).
# The API's interactive docs are Swagger UI as django-ninja ships it (a developer's tool, not a
# page of ours); its own browser test checks that it loads under the CSP.
NOT_PAGES = {"healthz", "account_logout", "api_v1:openapi-view"}

# Pages whose content is the same whoever reads them (the public frameworks, directories and
# checks, allauth's account pages, the concern form, the pledge): only their navigation follows
# the reader's roles, and each persona's own pages check that navigation. They are checked as a
# visitor, as a member without a second factor (mentor) and as staff with one (allauth's 2FA
# pages differ), not once more for every other persona: that repetition was most of the
# browser suite's time.
SHARED_PREFIXES = (
    "/accounts/",
    "/frameworks/",
    "/centres/",
    "/credentials/verify/",
    "/credentials/badges/check/",
    "/ethics/concerns/",
    "/onboarding/",
)
SHARED_CHECKERS = {"anonymous", "mentor", "staff"}


# The parties to a case or an application are members like the mentor persona: the member pages
# without arguments (the log, the toolkit...) are the mentor's templates, checked as the mentor.
# Each party checks its own object pages, its dashboard and the pages of its part.
PARTY_PAGES = {
    "professional": ("/ethics/", "/account/restricted/"),
    "complainant": ("/ethics/",),
    "applicant": ("/credentials/",),
}


def checked_by(persona: str, paths: list[str]) -> list[str]:
    """`paths` less the pages another persona checks: the shared pages, and for a party the
    member pages the mentor persona checks."""
    if persona in SHARED_CHECKERS:
        return paths
    paths = [path for path in paths if not path.startswith(SHARED_PREFIXES)]
    if persona in PARTY_PAGES:
        plain = set(plain_paths())
        paths = [
            path
            for path in paths
            if path not in plain or path == "/mentor/" or path.startswith(PARTY_PAGES[persona])
        ]
    return paths


def routes(patterns=None, namespace="", prefix=""):
    """(name, pattern text, takes arguments) for every named route outside the admin."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from routes(entry.url_patterns, ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}"
            yield name, prefix + str(entry.pattern), bool(entry.pattern.regex.groupindex)


def post_only(name: str) -> bool:
    """The matrix marks POST-only endpoints 405 (a page never answers 405 to one role)."""
    from practicum.accounts.tests.test_authorisation_matrix import MATRIX

    return 405 in MATRIX[name]["codes"].values()


def answers_with_a_file(name: str, pattern: str) -> bool:
    return (
        name in FILES
        or name in FRAGMENTS
        or name.startswith("api_v1:")
        or pattern.rstrip("/$").endswith(FILE_SUFFIXES)
    )


def uncovered_routes() -> list[str]:
    """Routes with arguments that no entry reaches and no reason excuses."""
    return sorted(
        name
        for name, pattern, has_args in routes()
        if has_args
        and name not in OBJECT_PAGES
        and not answers_with_a_file(name, pattern)
        and not post_only(name)
    )


def plain_paths() -> list[str]:
    """Every route without arguments (and matrix rows with their own arguments), once."""
    from practicum.accounts.tests.test_authorisation_matrix import MATRIX

    paths = []
    for name, pattern, has_args in routes():
        if name in NOT_PAGES or answers_with_a_file(name, pattern) or post_only(name):
            continue
        if has_args and name in OBJECT_PAGES:
            continue
        paths.append(reverse(name, kwargs=MATRIX[name]["kwargs"] if has_args else None))
    return sorted(set(paths))


def is_page(response) -> bool:
    """A whole HTML page answered 200 (not a fragment, a file or a redirect)."""
    return (
        response.status_code == 200
        and response.get("Content-Type", "").startswith("text/html")
        and b"<html" in response.content[:500]
    )


def pages_of(world: World, persona: str) -> list[str]:
    """Every page `persona` can open: the plain routes answering them 200 with a page, then
    the object pages the registry gives them."""
    client = Client()
    if world.people[persona] is not None:
        client.force_login(world.people[persona])
    paths = [path for path in plain_paths() if is_page(client.get(path))]
    for name, build in sorted(OBJECT_PAGES.items()):
        for who, kwargs in build(world):
            if who == persona:
                paths.append(reverse(name, kwargs=kwargs))
    return paths


def admin_paths(user) -> list[str]:
    """The admin pages `user` may open: index, each app, each model's list, add form and the
    change form of its first row (when it has one)."""
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    paths = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        if model_admin.has_view_or_change_permission(request):
            paths.append(reverse(f"{prefix}_changelist"))
            first = model_admin.get_queryset(request).order_by("pk").first()
            if first is not None:
                paths.append(reverse(f"{prefix}_change", args=[first.pk]))
        if model_admin.has_add_permission(request):
            paths.append(reverse(f"{prefix}_add"))
    apps = sorted({model._meta.app_label for model in admin.site._registry})
    paths += [reverse("admin:app_list", kwargs={"app_label": label}) for label in apps]
    return sorted(set(paths))


def sign_in_as(page, live_server, user) -> None:
    """Start the browser's session as `user` (None: signed out)."""
    page.context.clear_cookies()
    if user is None:
        return
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


# htmx marks an element from the request it sends (a `load` trigger sends it before the page's
# load event) until the swapped-in content has settled, and new content stays `htmx-added` until
# its own `load` triggers have sent theirs: no such element, no fragment still to come.
HTMX_IDLE = (
    "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
)


def visit(page, path) -> bool:
    """Open a page; False when it is not a page (a PDF, a feed, an htmx fragment)."""
    from playwright.sync_api import Error, TimeoutError

    try:
        response = page.goto(path)
    except Error as error:
        if "Download is starting" in str(error):
            return False  # a file (CSV, PDF), not a page
        raise
    assert response.status == 200, path
    if not response.headers.get("content-type", "").startswith("text/html"):
        return False
    if "<html" not in response.text()[:500]:
        return False  # a fragment, checked inside the page that embeds it
    # htmx fragments are part of the page: wait until htmx is idle (on a busy machine the page
    # has loaded at least). Not "networkidle", which waits for half a second of silence on every
    # page, most of them with no fragment at all.
    with contextlib.suppress(TimeoutError):
        page.wait_for_function(HTMX_IDLE, polling=50)
    return True


__all__ = [
    "PERSONAS",
    "admin_paths",
    "checked_by",
    "pages_of",
    "sign_in_as",
    "uncovered_routes",
    "visit",
]
