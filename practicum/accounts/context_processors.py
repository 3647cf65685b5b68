"""The navigation: each role sees only what it may use. URL names only, no app imports."""

from functools import cache

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from practicum.accounts.models import Role

# (role, url name, label) in display order. A role's first entry is its dashboard.
NAVIGATION = [
    (Role.MENTOR, "practice:mentor_dashboard", _("Mentor dashboard")),
    (Role.MENTOR, "practice:session_list", _("Supervision log")),
    (Role.MENTOR, "supervision:my_supervision", _("Supervision")),
    (Role.MENTOR, "reflection:toolkit", _("Reflective toolkit")),
    (Role.MENTOR, "credentials:index", _("Credentials")),
    (Role.MENTOR, "ethics:my_cases", _("Ethics")),
    (Role.SUPERVISOR, "supervision:supervisor_dashboard", _("Supervision")),
    (Role.SUPERVISOR, "reflection:shared_list", _("Shared reflections")),
    (Role.CREDENTIALING_STAFF, "credentials:staff_dashboard", _("Credentialing")),
    (Role.CREDENTIALING_STAFF, "credentials:queue", _("Review queue")),
    (Role.CREDENTIALING_STAFF, "credentials:credential_list", _("Issued credentials")),
    (Role.CREDENTIALING_STAFF, "supervision:application_queue", _("Supervisor applications")),
    (Role.CREDENTIALING_STAFF, "supervision:lab_admin_list", _("Thematic labs")),
    (Role.ETHICS_STAFF, "ethics:staff_dashboard", _("Ethics")),
    (Role.INSTITUTION_ADMIN, "institutions:dashboard", _("Institution")),
    (Role.CREDENTIALING_STAFF, "institutions:staff_centres", _("Training centres")),
    (Role.CREDENTIALING_STAFF, "credentials:accreditation_queue", _("Accreditation")),
    (Role.SITE_ADMIN, "admin:index", _("Site administration")),
]


@cache
def _resolvable(url_name: str) -> bool:
    # An entry whose app is not installed (or not built yet) is left out, not a broken link.
    try:
        reverse(url_name)
    except NoReverseMatch:
        return False
    return True


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {
        "nav_items": [
            {"url_name": url_name, "label": label}
            for role, url_name, label in NAVIGATION
            if role in user.roles and _resolvable(url_name)
        ]
    }
