"""The account pages for tokens and webhooks."""

import pytest
from django.urls import reverse

from practicum.api.models import ApiToken, WebhookDelivery, WebhookEndpoint, token_digest
from practicum.api.services import token_create, webhook_create
from practicum.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_new_token_is_shown_once_then_only_its_prefix(client, mentor):
    client.force_login(mentor)
    response = client.post(
        reverse("api:tokens"), {"name": "Coaching log", "scopes": ["records:read"]}, follow=True
    )
    token = ApiToken.objects.get(owner=mentor)
    raw = response.context["new_token"]["raw"]
    assert token_digest(raw) == token.digest
    assert raw in response.content.decode()
    again = client.get(reverse("api:tokens")).content.decode()
    assert raw not in again
    assert token.prefix in again
    assert AuditEntry.objects.filter(action="api_token.create", person=mentor).exists()


def test_it_offers_only_the_scopes_the_account_may_grant(client, mentor, staff):
    client.force_login(mentor)
    refused = client.post(reverse("api:tokens"), {"name": "x", "scopes": ["staff:read"]})
    assert refused.status_code == 400
    assert not ApiToken.objects.exists()
    client.force_login(staff)
    page = client.get(reverse("api:tokens")).content.decode()
    assert 'value="staff:read"' in page and 'value="records:read"' not in page


def test_revoking_from_the_page(client, mentor):
    token, _ = token_create(owner=mentor, name="x", scopes=["records:read"])
    client.force_login(mentor)
    response = client.post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_another_users_token_and_endpoint_are_404(client, mentor, other_mentor):
    token, _ = token_create(owner=mentor, name="x", scopes=["records:read"])
    endpoint = webhook_create(
        owner=mentor, url="https://hooks.example.org/x", events=["credential.issued"]
    )
    client.force_login(other_mentor)
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    assert client.get(reverse("api:webhook_detail", args=[endpoint.pk])).status_code == 404
    assert client.post(reverse("api:webhook_delete", args=[endpoint.pk])).status_code == 404
    assert client.post(reverse("api:webhook_test", args=[endpoint.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_adding_an_endpoint_and_seeing_its_log(client, mentor):
    client.force_login(mentor)
    refused = client.post(
        reverse("api:webhooks"),
        {"url": "http://hooks.example.org/x", "events": ["credential.issued"]},
    )
    assert refused.status_code == 400
    assert "https://" in refused.content.decode()
    response = client.post(
        reverse("api:webhooks"),
        {"url": "https://hooks.example.org/x", "events": ["credential.issued"]},
    )
    endpoint = WebhookEndpoint.objects.get(owner=mentor)
    assert response["Location"] == reverse("api:webhook_detail", args=[endpoint.pk])
    client.post(reverse("api:webhook_test", args=[endpoint.pk]))
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    page = client.get(reverse("api:webhook_detail", args=[endpoint.pk])).content.decode()
    assert delivery.event_id in page
    assert endpoint.secret in page
    client.post(reverse("api:webhook_delete", args=[endpoint.pk]))
    assert not WebhookEndpoint.objects.exists()


def test_the_docs_page_uses_vendored_files_only(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
