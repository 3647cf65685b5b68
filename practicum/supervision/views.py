from django.shortcuts import render

from practicum.accounts.models import Role
from practicum.frameworks.access import member_required
from practicum.practice.models import SupervisionRelationship, SupervisionSession


@member_required(Role.SUPERVISOR)
def supervisor_dashboard(request):
    supervisees = (
        SupervisionRelationship.objects.active()
        .filter(supervisor=request.user)
        .select_related("mentor")
        .order_by("mentor__full_name")
    )
    awaiting = SupervisionSession.objects.filter(
        relationship__supervisor=request.user, status=SupervisionSession.Status.PENDING
    ).count()
    return render(
        request,
        "supervision/supervisor_dashboard.html",
        {"supervisees": supervisees, "awaiting": awaiting},
    )
