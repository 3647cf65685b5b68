"""Exporting the reflective toolkit (JSON, PDF) and deleting all of it for good."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from practicum.accounts.models import Role
from practicum.frameworks.access import member_required
from practicum.reflection import exports, services
from practicum.reflection.access import get_own
from practicum.reflection.forms import EraseToolkitForm
from practicum.reflection.models import Reflection


@member_required(Role.MENTOR)
def export_index(request):
    return render(
        request,
        "reflection/export_index.html",
        {"counts": services.toolkit_counts(request.user)},
    )


@member_required(Role.MENTOR)
def export_json(request):
    return exports.attachment(
        exports.all_json(request.user),
        content_type="application/json",
        filename=f"practicum-reflective-toolkit-{timezone.localdate():%Y-%m-%d}.json",
    )


@member_required(Role.MENTOR)
def export_pdf(request):
    return exports.attachment(
        exports.all_pdf(mentor=request.user),
        content_type="application/pdf",
        filename=f"practicum-reflective-toolkit-{timezone.localdate():%Y-%m-%d}.pdf",
    )


@member_required(Role.MENTOR)
def reflection_pdf(request, pk: int):
    reflection = get_own(request, Reflection.objects.select_related("tool", "mentor"), pk)
    return exports.attachment(
        exports.reflection_pdf(reflection=reflection),
        content_type="application/pdf",
        filename=f"reflection-{timezone.localdate():%Y-%m-%d}.pdf",
    )


@member_required(Role.MENTOR)
def erase(request):
    """Delete everything of the toolkit for good, once the mentor types their email."""
    form = EraseToolkitForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.toolkit_erase(mentor=request.user)
        messages.success(request, _("Everything in your reflective toolkit has been deleted."))
        return redirect("reflection:toolkit")
    return render(
        request,
        "reflection/erase.html",
        {"form": form, "counts": services.toolkit_counts(request.user)},
        status=400 if request.method == "POST" else 200,
    )
