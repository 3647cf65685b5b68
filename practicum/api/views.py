"""The account pages for personal access tokens and webhook endpoints."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from practicum.api import services
from practicum.api.events import Event
from practicum.api.forms import TokenForm, WebhookForm
from practicum.api.models import ApiToken, WebhookEndpoint
from practicum.api.scopes import Scope, scopes_for
from practicum.lib.forms import add_service_errors, flash_service_errors

PAGE_SIZE = 20
NEW_TOKEN_KEY = "api_new_token"


def _get_token_for_user(request, pk: int) -> ApiToken:
    return get_object_or_404(ApiToken, pk=pk, owner=request.user)


def _get_endpoint_for_user(request, pk: int) -> WebhookEndpoint:
    return get_object_or_404(WebhookEndpoint, pk=pk, owner=request.user)


@login_required
def tokens(request):
    form = TokenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.token_create(
                owner=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # Shown once, on the next page, then gone: only its digest is kept.
            request.session[NEW_TOKEN_KEY] = {"pk": token.pk, "raw": raw}
            return redirect("api:tokens")
    new_token = request.session.pop(NEW_TOKEN_KEY, None)
    rows = ApiToken.objects.filter(owner=request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "page": page,
            "new_token": new_token,
            "can_grant": bool(scopes_for(request.user)),
            "scope_labels": dict(Scope.choices),
            "docs_url": reverse("api_v1:openapi-view"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = _get_token_for_user(request, pk)
    services.token_revoke(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api:tokens")


@login_required
def webhooks(request):
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.webhook_create(owner=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The endpoint is added. Its signing secret is below."))
            return redirect("api:webhook_detail", pk=endpoint.pk)
    rows = WebhookEndpoint.objects.filter(owner=request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "api/webhooks.html",
        {"form": form, "page": page, "event_labels": dict(Event.choices)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def webhook_detail(request, pk: int):
    endpoint = _get_endpoint_for_user(request, pk)
    deliveries = endpoint.deliveries.all()
    page = Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "api/webhook_detail.html",
        {
            "endpoint": endpoint,
            "page": page,
            "event_names": [str(dict(Event.choices).get(e, e)) for e in endpoint.events],
            "signature_header": services.SIGNATURE_HEADER,
        },
    )


@login_required
@require_POST
def webhook_test(request, pk: int):
    endpoint = _get_endpoint_for_user(request, pk)
    services.webhook_send_test(endpoint=endpoint)
    messages.success(request, _("A test ping is queued; its delivery appears below."))
    return redirect("api:webhook_detail", pk=endpoint.pk)


@login_required
@require_POST
def webhook_delete(request, pk: int):
    endpoint = _get_endpoint_for_user(request, pk)
    try:
        services.webhook_delete(endpoint=endpoint, by=request.user)
    except ValidationError as error:
        flash_service_errors(request, error)
        return redirect("api:webhook_detail", pk=endpoint.pk)
    messages.success(request, _("The endpoint is deleted."))
    return redirect("api:webhooks")
