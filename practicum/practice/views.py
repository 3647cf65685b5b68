from django.shortcuts import render

from practicum.accounts.models import Role
from practicum.frameworks.access import member_required


@member_required(Role.MENTOR)
def mentor_dashboard(request):
    return render(request, "practice/mentor_dashboard.html")
