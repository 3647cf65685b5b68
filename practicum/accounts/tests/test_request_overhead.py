"""What every page pays before and after its view: kept small, and never stale."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practicum.accounts.models import Role, RoleGrant

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_a_member_page_asks_for_the_roles_once_per_session(client, mentor, page_cache_off):
    client.force_login(mentor)
    url = reverse("reflection:toolkit")
    client.get(url)
    sql = _queries(client, url)
    assert not any("accounts_rolegrant" in q for q in sql)
    # Nor is the session written again by a GET that changed nothing in it.
    assert not any(q.lstrip().upper().startswith(("UPDATE", "INSERT")) for q in sql)


def test_a_revoked_role_takes_effect_on_the_next_request(client, supervisor):
    client.force_login(supervisor)
    url = reverse("practice:sign_off_queue")
    assert client.get(url).status_code == 200
    RoleGrant.objects.filter(user=supervisor, role=Role.SUPERVISOR).delete()
    assert client.get(url).status_code == 403
    assert (
        reverse("practice:sign_off_queue")
        not in client.get(reverse("reflection:toolkit")).content.decode()
    )


def test_a_granted_role_shows_in_the_menu_on_the_next_request(client, mentor):
    client.force_login(mentor)
    url = reverse("reflection:toolkit")
    assert reverse("practice:sign_off_queue") not in client.get(url).content.decode()
    RoleGrant.objects.create(user=mentor, role=Role.SUPERVISOR)
    assert reverse("practice:sign_off_queue") in client.get(url).content.decode()
