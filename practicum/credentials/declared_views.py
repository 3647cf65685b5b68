"""Declared credentials: the mentor's declaration page, and the staff verification queue."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from practicum.accounts.access import role_required
from practicum.accounts.models import Role
from practicum.credentials.declared_forms import DeclareForm, DeclineForm
from practicum.credentials.models import DeclaredCredential
from practicum.credentials.services import declared as service
from practicum.credentials.views._access import PAGE_SIZE
from practicum.lib.conflict import Conflict, conflict_response
from practicum.lib.downloads import stored_file_response
from practicum.lib.forms import add_service_errors


@role_required(Role.MENTOR)
def declare(request):
    form = DeclareForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.declared_credential_submit(holder=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Your credential is declared: credentialing staff will verify it.")
            )
            return redirect("credentials:declare")
    declarations = DeclaredCredential.objects.filter(holder=request.user).select_related(
        "credential_type", "credential"
    )
    return render(
        request,
        "credentials/declare.html",
        {"form": form, "declarations": declarations},
        status=400 if form.is_bound else 200,
    )


def _pending(pk: int) -> DeclaredCredential:
    return get_object_or_404(
        DeclaredCredential.objects.select_related("holder", "credential_type"), pk=pk
    )


@role_required(Role.CREDENTIALING_STAFF)
def declared_queue(request):
    pending = DeclaredCredential.objects.filter(
        status=DeclaredCredential.Status.PENDING
    ).select_related("holder", "credential_type")
    page = Paginator(pending, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "credentials/staff/declared_queue.html", {"page": page})


@role_required(Role.CREDENTIALING_STAFF)
def declared_review(request, pk: int, decline_form=None, status: int = 200):
    declared = _pending(pk)
    return render(
        request,
        "credentials/staff/declared_review.html",
        {"declared": declared, "decline_form": decline_form or DeclineForm()},
        status=status,
    )


@role_required(Role.CREDENTIALING_STAFF)
def declared_evidence(request, pk: int):
    declared = _pending(pk)
    return stored_file_response(
        declared.evidence,
        kind=declared.evidence_type or None,
        filename_stem=f"declared-{declared.credential_type.code}-{declared.pk}",
    )


@role_required(Role.CREDENTIALING_STAFF)
@require_POST
def declared_act(request, pk: int):
    declared = _pending(pk)
    back = redirect("credentials:declared_review", pk=pk)
    try:
        if "verify" in request.POST:
            credential = service.declared_credential_verify(declared=declared, by=request.user)
            messages.success(request, _("Verified: %(number)s is issued.") % {"number": credential})
            return redirect("credentials:declared_queue")
        form = DeclineForm(request.POST)
        if not form.is_valid():
            return declared_review(request, pk, decline_form=form, status=400)
        try:
            service.declared_credential_decline(
                declared=declared, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return declared_review(request, pk, decline_form=form, status=400)
        messages.success(request, _("Declined: the mentor is told."))
        return redirect("credentials:declared_queue")
    except Conflict as error:
        return conflict_response(request, error, back_url=back.url)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return back
