from django.shortcuts import render

from practicum.accounts.access import role_required
from practicum.accounts.models import Role


@role_required(Role.ETHICS_STAFF)
def staff_dashboard(request):
    return render(request, "ethics/staff_dashboard.html")
