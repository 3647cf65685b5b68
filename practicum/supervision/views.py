from django.shortcuts import render

from practicum.accounts.models import Role
from practicum.frameworks.access import member_required


@member_required(Role.SUPERVISOR)
def supervisor_dashboard(request):
    return render(request, "supervision/supervisor_dashboard.html")
