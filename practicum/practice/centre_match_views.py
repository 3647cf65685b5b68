"""Credentialing staff's queue of training records whose centre was typed in, with suggested
registry centres, and the page where one is linked (or set aside when none matches)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from practicum.accounts.access import role_required
from practicum.accounts.models import Role
from practicum.audit.services import audit_trail
from practicum.institutions.models import Programme, TrainingCentre
from practicum.lib.conflict import Conflict, conflict_response
from practicum.lib.forms import flash_service_errors
from practicum.practice import centre_matching
from practicum.practice.models import TrainingRecord

PAGE_SIZE = 20


class ProgrammeField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.hours.normalize():f} h)"


class MatchForm(forms.Form):
    centre = forms.ModelChoiceField(queryset=TrainingCentre.objects.all(), widget=forms.HiddenInput)
    programme = ProgrammeField(
        label=gettext_lazy("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=gettext_lazy("Not known: link the centre only"),
        help_text=gettext_lazy(
            "With the programme, the centre's record of the mentor's completion makes the "
            "training Verified."
        ),
    )

    def __init__(self, *args, centre=None, **kwargs):
        super().__init__(*args, **kwargs)
        centre_id = str(centre.pk if centre is not None else self.data.get("centre", ""))
        if centre_id.isdigit():
            self.fields["programme"].queryset = Programme.objects.filter(
                centre_id=str(centre_id)
            ).order_by("name")


class FindForm(forms.Form):
    quiet_optional = True
    q = forms.CharField(label=gettext_lazy("Find a centre by name"), max_length=100, required=False)


@role_required(Role.CREDENTIALING_STAFF)
def match_queue(request):
    form = FindForm(request.GET or None)
    records = centre_matching.unmatched_records().select_related("mentor")
    if form.is_valid() and form.cleaned_data["q"]:
        records = records.filter(centre_name__icontains=form.cleaned_data["q"])
    page = Paginator(records.order_by("created_at", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    best = centre_matching.best_suggestions(list(page))
    rows = [(record, best.get(record.pk)) for record in page]
    return render(
        request,
        "practice/staff/match_queue.html",
        {"page": page, "rows": rows, "form": form},
    )


def _centre_from_query(request) -> TrainingCentre | None:
    value = request.GET.get("centre", "")
    if not value.isdigit():
        return None
    return TrainingCentre.objects.filter(pk=value).first()


@role_required(Role.CREDENTIALING_STAFF)
def match_record(request, pk: int):
    record = get_object_or_404(TrainingRecord.objects.select_related("mentor", "centre"), pk=pk)
    chosen = _centre_from_query(request)
    find = FindForm(request.GET or None)
    found = []
    if find.is_valid() and find.cleaned_data["q"]:
        found = TrainingCentre.objects.filter(name__icontains=find.cleaned_data["q"]).order_by(
            "name"
        )[:10]
    return render(
        request,
        "practice/staff/match_record.html",
        {
            "record": record,
            "open": record.centre_id is None and record.registry_checked_at is None,
            "suggestions": centre_matching.centre_suggestions(record.centre_name),
            "find": find,
            "found": found,
            "searched": bool(find.is_valid() and find.cleaned_data["q"]),
            "chosen": chosen,
            "form": MatchForm(initial={"centre": chosen}, centre=chosen) if chosen else None,
            "entries": audit_trail(record),
        },
    )


@require_POST
@role_required(Role.CREDENTIALING_STAFF)
def match_act(request, pk: int):
    record = get_object_or_404(TrainingRecord, pk=pk)
    back = redirect("practice:match_record", pk=record.pk)
    try:
        if request.POST.get("action") == "set_aside":
            centre_matching.training_centre_set_aside(record=record, by=request.user)
            messages.success(request, _("The record is set aside: it stays Non-Accredited."))
            return redirect("practice:match_queue")
        form = MatchForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose a centre, and a programme of that centre or none."))
        centre_matching.training_centre_match(
            record=record,
            centre=form.cleaned_data["centre"],
            programme=form.cleaned_data["programme"],
            by=request.user,
        )
    except Conflict as error:
        return conflict_response(request, error, back_url=back.url)
    except ValidationError as error:
        flash_service_errors(request, error)
        return back
    messages.success(request, _("The record is linked to the centre; the mentor is told."))
    return redirect("practice:match_queue")
