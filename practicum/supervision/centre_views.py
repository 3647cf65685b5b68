"""A training centre's supervision: the groups and labs its administrators arranged for the
centre's own mentors, and the forms to arrange more (institution administrators of that centre
only; another centre is a 404)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Min, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from practicum.accounts.access import role_required
from practicum.accounts.models import Role
from practicum.institutions.services import centre_for_admin
from practicum.lib.forms import add_service_errors
from practicum.supervision import services
from practicum.supervision.forms import CentreGroupForm, CentreLabForm
from practicum.supervision.lab_views import REGISTERED_COUNT, WAITING_COUNT, _facilitators
from practicum.supervision.models import (
    GroupMembership,
    GroupSession,
    SupervisionGroup,
    ThematicLab,
)
from practicum.supervision.views import PAGE_SIZE


@role_required(Role.INSTITUTION_ADMIN)
def centre_supervision(request, pk: int):
    centre = centre_for_admin(request.user, pk)
    now = timezone.now()
    groups = (
        SupervisionGroup.objects.filter(reserved_for=centre)
        .select_related("facilitator")
        .annotate(
            members=Count(
                "memberships",
                filter=Q(memberships__status=GroupMembership.Status.MEMBER),
                distinct=True,
            ),
            next_session=Min(
                "sessions__starts_at",
                filter=Q(
                    sessions__starts_at__gte=now,
                    sessions__status=GroupSession.Status.SCHEDULED,
                ),
            ),
        )
        .order_by("name", "pk")
    )
    labs = (
        ThematicLab.objects.filter(reserved_for=centre)
        .annotate(registered=REGISTERED_COUNT, waiting=WAITING_COUNT)
        .prefetch_related(_facilitators())
        .order_by("-starts_at", "-pk")
    )
    # One page number walks both lists; the longer one decides how many pages there are.
    group_page = Paginator(groups, PAGE_SIZE).get_page(request.GET.get("page"))
    lab_page = Paginator(labs, PAGE_SIZE).get_page(request.GET.get("page"))
    longer = max(group_page, lab_page, key=lambda page: page.paginator.num_pages)
    return render(
        request,
        "supervision/centre_supervision.html",
        {"centre": centre, "groups": group_page, "labs": lab_page, "page": longer, "now": now},
    )


@role_required(Role.INSTITUTION_ADMIN)
def centre_group_create(request, pk: int):
    centre = centre_for_admin(request.user, pk)
    form = CentreGroupForm(
        request.POST or None, facilitators=services.facilitators_offering("group")
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.centre_group_arrange(
                centre=centre, by=request.user, facilitator=data.pop("facilitator"), **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "The group is arranged: its facilitator is told, and your mentors can "
                    "ask to join."
                ),
            )
            return redirect("supervision:centre_supervision", centre.pk)
    return render(
        request,
        "supervision/centre_arrange_form.html",
        {"centre": centre, "form": form, "kind": "group"},
    )


@role_required(Role.INSTITUTION_ADMIN)
def centre_lab_create(request, pk: int):
    centre = centre_for_admin(request.user, pk)
    form = CentreLabForm(request.POST or None, facilitators=services.facilitators_offering("lab"))
    if request.method == "POST" and form.is_valid():
        try:
            services.centre_lab_arrange(
                centre=centre,
                by=request.user,
                facilitators=form.cleaned_data["facilitators"],
                **form.lab_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The lab is arranged: your mentors can register for it now.")
            )
            return redirect("supervision:centre_supervision", centre.pk)
    return render(
        request,
        "supervision/centre_arrange_form.html",
        {"centre": centre, "form": form, "kind": "lab"},
    )
