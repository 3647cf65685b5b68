from django.shortcuts import render

from practicum.accounts.access import role_required
from practicum.accounts.models import Role


@role_required(Role.CREDENTIALING_STAFF)
def staff_dashboard(request):
    return render(request, "credentials/staff_dashboard.html")


@role_required(Role.INSTITUTION_ADMIN)
def institution_dashboard(request):
    return render(request, "credentials/institution_dashboard.html")
