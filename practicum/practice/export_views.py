"""The mentor's own data: exports (CSV, PDF, JSON), deleting a record, erasing the account.

The files hold confidential text (mentee names, reflections): they are sent as attachments,
never cached, and their names carry no personal data.
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from practicum.accounts.models import Role
from practicum.frameworks.access import member_required
from practicum.lib.dates import add_years
from practicum.lib.forms import flash_service_errors
from practicum.practice import erasure, exports

MAX_PERIOD_YEARS = 10


_add_years = add_years  # one home: practicum.lib.dates


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last twelve months, today included."""
    today = today or timezone.localdate()
    return _add_years(today, -1) + datetime.timedelta(days=1), today


class PeriodForm(forms.Form):
    """A period of whole days, both included, of at most ten years."""

    start = forms.DateField(
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=gettext_lazy("To (included)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = required

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end date cannot be before the start date."))
            elif end >= _add_years(start, MAX_PERIOD_YEARS):
                self.add_error(
                    "end",
                    _("A period can be at most %(years)d years.") % {"years": MAX_PERIOD_YEARS},
                )
        return data


class EraseAccountForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Your email address"),
        help_text=gettext_lazy("Type it to confirm that you want everything erased."),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email != self.user.email.lower():
            raise ValidationError(_("This is not the email address of your account."))
        return email


def _attachment(content, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _index(request, *, period_form=None, csv_form=None, status: int = 200):
    if period_form is None:
        start, end = default_period()
        period_form = PeriodForm(initial={"start": start, "end": end})
    return render(
        request,
        "practice/export/index.html",
        {
            "logs": [
                ("sessions", _("Supervision log")),
                ("engagements", _("Mentoring engagements")),
                ("training", _("Training")),
                ("cpd", _("CPD/CEU ledger")),
            ],
            "period_form": period_form,
            "csv_form": csv_form,
        },
        status=status,
    )


@member_required(Role.MENTOR)
def export_index(request):
    return _index(request)


@member_required(Role.MENTOR)
def log_csv(request, log: str):
    if log not in exports.LOGS:
        raise Http404
    start = end = None
    if log in exports.DATED_LOGS and ("start" in request.GET or "end" in request.GET):
        form = PeriodForm(request.GET, required=False)
        if not form.is_valid():
            return _index(request, csv_form=form, status=400)
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    text = exports.log_csv(log, mentor=request.user, start=start, end=end)
    return _attachment(
        # With the byte-order mark, Excel on Windows reads UTF-8 (not its ANSI code page).
        text.encode("utf-8-sig"),
        content_type="text/csv; charset=utf-8",
        filename=f"practicum-{log}-{timezone.localdate():%Y-%m-%d}.csv",
    )


@member_required(Role.MENTOR)
def sessions_pdf(request):
    if "start" in request.GET or "end" in request.GET:
        form = PeriodForm(request.GET)
        if not form.is_valid():
            return _index(request, period_form=form, status=400)
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        start, end = default_period()
    pdf = exports.supervision_log_pdf(mentor=request.user, start=start, end=end)
    return _attachment(
        pdf,
        content_type="application/pdf",
        filename=f"practicum-supervision-log-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.pdf",
    )


@member_required(Role.MENTOR)
def all_json(request):
    return _attachment(
        exports.all_json(request.user),
        content_type="application/json",
        filename=f"practicum-my-data-{timezone.localdate():%Y-%m-%d}.json",
    )


def _get_record_for_user(request, kind: str, pk: int):
    model = erasure.RECORD_KINDS.get(kind)
    if model is None:
        raise Http404
    return get_object_or_404(model, pk=pk, mentor=request.user)


def _next_url(request) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "practice:mentor_dashboard"


@member_required(Role.MENTOR)
@require_POST
def record_delete(request, kind: str, pk: int):
    record = _get_record_for_user(request, kind, pk)
    try:
        erasure.record_delete(kind=kind, record=record)
    except ValidationError as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, _("Deleted for good."))
    return redirect(_next_url(request))


@member_required(Role.MENTOR)
def erase_account(request):
    user = request.user
    refusal = erasure.erasure_refusal(user)
    form = EraseAccountForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            erasure.account_erase(user=user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            messages.success(request, _("Your account and all your records have been erased."))
            return redirect("home")
    return render(
        request,
        "practice/export/erase.html",
        {
            "form": form,
            "refusal": refusal,
            "preview": erasure.erasure_preview(user=user),
        },
        status=403 if refusal and request.method == "POST" else 200,
    )
