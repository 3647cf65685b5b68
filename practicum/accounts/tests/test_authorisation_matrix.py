"""Every view, every role. A new URL without a row fails `test_every_view_has_a_row`.

Codes are for a GET. 302 for the anonymous column means "sent to sign in"; 403 means the page
belongs to another role; 405 marks POST-only endpoints. Object pages of another user are 404:
their own tests (test_profile.py, ...) prove that.
"""

import importlib

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import ACCESS_PERSONAS as ROLES
from conftest import access_row as row

ANON, MENTOR, SUPERVISOR, STAFF = ROLES

# url name -> expected GET status per persona: the project's, allauth's, accounts' and
# frameworks' views here; every other app keeps its own in <app>/tests/authorisation_rows.py.
CORE_ROWS = {
    "favicon": row(301, 301, 301, 301),
    "home": row(200, 302, 302, 302),
    "healthz": row(200, 200, 200, 200),
    "dashboard": row(302, 302, 302, 302),
    # allauth: sign-in and sign-up send signed-in users on; account pages need a session
    "account_login": row(200, 302, 302, 302),
    "account_logout": row(302, 200, 200, 200),
    "account_inactive": row(200, 200, 200, 200),
    "account_signup": row(200, 302, 302, 302),
    "account_reauthenticate": row(302, 200, 200, 200),
    "account_email": row(302, 200, 200, 200),
    "account_email_verification_sent": row(200, 200, 200, 200),
    "account_change_password": row(302, 200, 200, 200),
    "account_set_password": row(302, 302, 302, 302),
    "account_reset_password": row(200, 200, 200, 200),
    "account_confirm_login_code": row(302, 302, 302, 302),
    "account_confirm_email": row(200, 200, 200, 200, {"key": "not-a-real-key"}),
    "account_reset_password_from_key_done": row(200, 200, 200, 200),
    "account_reset_password_from_key": row(200, 200, 200, 200, {"uidb36": "zz", "key": "bad"}),
    "account_reset_password_done": row(200, 200, 200, 200),
    "mfa_index": row(302, 200, 200, 200),
    "mfa_authenticate": row(302, 302, 302, 302),
    "mfa_reauthenticate": row(302, 302, 302, 200),
    # allauth asks for a fresh re-authentication before changing MFA (force_login has none)
    "mfa_activate_totp": row(302, 302, 302, 302),
    "mfa_deactivate_totp": row(302, 404, 404, 302),
    "mfa_view_recovery_codes": row(302, 404, 404, 404),
    "mfa_generate_recovery_codes": row(302, 302, 302, 302),
    "mfa_download_recovery_codes": row(302, 404, 404, 404),
    # ours
    "accounts:profile": row(302, 200, 200, 200),
    "accounts:restricted": row(302, 302, 302, 302),
    "accounts:language": row(405, 405, 405, 405),
    "accounts:public_profile": row(404, 404, 404, 404, {"public_id": "nobody"}),
    "accounts:profile_photo": row(404, 404, 404, 404, {"public_id": "nobody"}),
    "frameworks:index": row(200, 200, 200, 200),
    "frameworks:code": row(200, 200, 200, 200),
    "frameworks:code_version": row(200, 200, 200, 200, {"version": "1.0"}),
    "frameworks:competencies": row(200, 200, 200, 200),
    "frameworks:competencies_version": row(200, 200, 200, 200, {"version": "1.0"}),
    "frameworks:readiness": row(200, 200, 200, 200),
    "frameworks:readiness_version": row(200, 200, 200, 200, {"version": "1.0"}),
    "frameworks:search": row(200, 200, 200, 200),
    "frameworks:pledge": row(302, 200, 200, 200),
    "admin:index": row(302, 302, 302, 302),
}


def app_rows() -> dict:
    rows = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("practicum."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.authorisation_rows")
        except ModuleNotFoundError:
            continue
        clash = set(rows) & set(module.ROWS)
        assert not clash, f"rows defined twice: {clash}"
        rows.update(module.ROWS)
    return rows


MATRIX = {**CORE_ROWS, **app_rows()}


def url_names(patterns=None, namespace=""):
    """Every named route, admin's own model pages aside (the admin is tested on its own)."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace == "admin":
                yield "admin:index"
                continue
            yield from url_names(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern):
            assert entry.name, f"unnamed route {entry.pattern}: name it so it can be covered"
            yield f"{namespace}{entry.name}"


def test_every_view_has_a_row():
    missing = sorted(set(url_names()) - set(MATRIX))
    assert not missing, f"views without an authorisation row: {missing}"


def test_no_row_is_stale():
    stale = sorted(set(MATRIX) - set(url_names()))
    assert not stale, f"rows for views that no longer exist: {stale}"


@pytest.fixture
def persona_client(client, mentor, supervisor, staff):
    people = {ANON: None, MENTOR: mentor, SUPERVISOR: supervisor, STAFF: staff}

    def as_persona(name):
        client.logout()
        if people[name] is not None:
            client.force_login(people[name])
        return client

    return as_persona


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_what_the_matrix_says(persona_client, name):
    url = reverse(name, kwargs=MATRIX[name]["kwargs"])
    seen = {}
    for persona in ROLES:
        seen[persona] = persona_client(persona).get(url).status_code
    assert seen == MATRIX[name]["codes"], f"{name} {url}"


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in_with_next(client):
    response = client.get(reverse("practice:mentor_dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=/mentor/" in response["Location"]
