"""The pages each role can reach, for the browser checks that visit them all (axe, reflow).

Pages without an object come from the authorisation matrix (every named URL whose row says 200
for the persona); pages about an object are listed here with the object made for them; the
admin's pages come from its registry. Non-HTML answers (PDF, JSON, calendars) are skipped by
the visitor."""

import datetime

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from conftest import ACCESS_PERSONAS, make_user
from practicum.accounts.models import Role

ANON, MENTOR, SUPERVISOR, STAFF = ACCESS_PERSONAS
# Routes that answer 200 but are not pages a person reads (or that end the visitor's session).
# The API's interactive docs are Swagger UI as django-ninja ships it (a developer's tool, not a
# page of ours); its own browser test checks that it loads under the CSP.
NOT_PAGES = {"healthz", "account_logout", "api_v1:openapi-view"}


def matrix_paths(persona: str) -> list[str]:
    from practicum.accounts.tests.test_authorisation_matrix import MATRIX

    paths = []
    for name, row in sorted(MATRIX.items()):
        if name in NOT_PAGES or row["codes"][persona] != 200:
            continue
        try:
            paths.append(reverse(name, kwargs=row["kwargs"]))
        except NoReverseMatch:
            continue
    return paths


def admin_paths(user) -> list[str]:
    """The admin pages `user` may open: index, each app, each model's list and add form."""
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    paths = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        if model_admin.has_view_or_change_permission(request):
            paths.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        if model_admin.has_add_permission(request):
            paths.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
    apps = sorted({model._meta.app_label for model in admin.site._registry})
    paths += [reverse("admin:app_list", kwargs={"app_label": label}) for label in apps]
    return sorted(set(paths))


def make_people() -> dict:
    """The personas of the authorisation matrix, with the objects their pages are about."""
    from practicum.practice.models import FocusArea, SupervisionRelationship, SupervisionSession
    from practicum.supervision.tests.conftest import make_supervisor

    mentor = make_user("maya@example.org", Role.MENTOR, full_name="Maya Mentor")
    supervisor = make_supervisor(
        "sam@example.org", name="Sam Supervisor", windows=[(d, "09:00", "12:00") for d in range(7)]
    )
    staff = make_user(
        "chloe@example.org", Role.CREDENTIALING_STAFF, full_name="Chloé Staff", mfa=True
    )
    site_admin = make_user("ada@example.org", Role.SITE_ADMIN, full_name="Ada Admin", mfa=True)
    relationship = SupervisionRelationship.objects.create(
        mentor=mentor,
        supervisor=supervisor,
        focus_area=FocusArea.BOTH,
        started_on=datetime.date(2025, 1, 1),
        frequency="monthly",
    )
    session = SupervisionSession.objects.create(
        mentor=mentor,
        relationship=relationship,
        format="one_to_one",
        focus="Endings",
        starts_at=timezone.now() - datetime.timedelta(days=2),
        duration_minutes=60,
    )
    object_pages = {
        MENTOR: [
            reverse("practice:session_create"),
            reverse("practice:session_detail", kwargs={"pk": session.pk}),
            reverse("practice:session_edit", kwargs={"pk": session.pk}),
            reverse("supervision:book", kwargs={"public_id": supervisor.public_id}),
            reverse("supervision:supervisor_profile", kwargs={"public_id": supervisor.public_id}),
        ],
        SUPERVISOR: [reverse("practice:sign_off_session", kwargs={"pk": session.pk})],
    }
    return {
        "people": {ANON: None, MENTOR: mentor, SUPERVISOR: supervisor, STAFF: staff},
        "site_admin": site_admin,
        "object_pages": object_pages,
    }


def pages_by_persona(people: dict) -> dict[str, list[str]]:
    return {
        persona: matrix_paths(persona) + people["object_pages"].get(persona, [])
        for persona in ACCESS_PERSONAS
    }


def sign_in_as(page, live_server, user) -> None:
    """Start the browser's session as `user` (None: signed out)."""
    from django.test import Client

    page.context.clear_cookies()
    if user is None:
        return
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def visit(page, path) -> bool:
    """Open a page; False when it is not a page (a PDF, a feed, an htmx fragment)."""
    from playwright.sync_api import Error

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
    page.wait_for_load_state("networkidle")  # htmx fragments are part of the page
    return True
