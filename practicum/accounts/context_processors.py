"""The navigation: each role sees only what it may use. URL names only, no app imports.

The menu is grouped by role: one section per role a person holds, so it stays one row however
many roles they have; a section with one page is a plain link, others open as a disclosure.
"""

from functools import cache, lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf
from django.utils.translation import gettext_lazy as _

from practicum.accounts.models import Role
from practicum.lib.reversing import cached_reverse

# The section each role's pages sit under, in display order.
SECTIONS = [
    (Role.MENTOR, _("Mentoring")),
    (Role.SUPERVISOR, _("Supervising")),
    (Role.CREDENTIALING_STAFF, _("Credentialing")),
    (Role.ETHICS_STAFF, _("Ethics")),
    (Role.INSTITUTION_ADMIN, _("Institution")),
    (Role.EDITOR, _("Library")),
    (Role.SITE_ADMIN, _("Administration")),
]

# (role, url name, label) in display order. A role's first entry is its dashboard. Labels are
# unique across roles: a person holding several sees no two items of the same name.
NAVIGATION = [
    (Role.MENTOR, "practice:mentor_dashboard", _("Mentor dashboard")),
    (Role.MENTOR, "practice:session_list", _("Supervision log")),
    (Role.MENTOR, "supervision:my_supervision", _("My supervision")),
    (Role.MENTOR, "reflection:toolkit", _("Reflective toolkit")),
    (Role.MENTOR, "credentials:index", _("Credentials")),
    (Role.MENTOR, "ethics:my_cases", _("My ethics cases")),
    (Role.MENTOR, "library:index", _("Resource library")),
    (Role.SUPERVISOR, "supervision:supervisor_dashboard", _("Supervisor dashboard")),
    (Role.SUPERVISOR, "practice:sign_off_queue", _("Sessions to sign off")),
    (Role.SUPERVISOR, "reflection:shared_list", _("Shared reflections")),
    (Role.CREDENTIALING_STAFF, "credentials:staff_dashboard", _("Credentialing dashboard")),
    (Role.CREDENTIALING_STAFF, "credentials:queue", _("Review queue")),
    (Role.CREDENTIALING_STAFF, "credentials:credential_list", _("Issued credentials")),
    (Role.CREDENTIALING_STAFF, "supervision:application_queue", _("Supervisor applications")),
    (Role.CREDENTIALING_STAFF, "supervision:lab_admin_list", _("Thematic labs")),
    (Role.CREDENTIALING_STAFF, "institutions:staff_centres", _("Training centres")),
    (Role.CREDENTIALING_STAFF, "credentials:accreditation_queue", _("Accreditation")),
    (Role.ETHICS_STAFF, "ethics:staff_dashboard", _("Ethics cases")),
    (Role.INSTITUTION_ADMIN, "institutions:dashboard", _("Institution")),
    (Role.INSTITUTION_ADMIN, "library:centre_resources", _("Centre resources")),
    (Role.EDITOR, "library:editor_dashboard", _("Editorial desk")),
    (Role.EDITOR, "library:index", _("Published library")),
    (Role.SITE_ADMIN, "admin:index", _("Site administration")),
]


@cache
def _resolvable(url_name: str) -> bool:
    # An entry whose app is not installed (or not built yet) is left out, not a broken link.
    try:
        cached_reverse(url_name)
    except NoReverseMatch:
        return False
    return True


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_sections": [], "nav_key": ""}
    roles = frozenset(user.roles)
    urlconf, prefix = get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()
    urls = _links(roles, urlconf, prefix)[2]
    # Only a menu link's own page marks an item current: any other path shares one menu.
    current = request.path if request.path in urls else ""
    items, sections, _urls = _menu(roles, current, urlconf, prefix)
    # What the menu's HTML depends on besides the language (base.html caches it under this).
    key = f"{prefix}|{urlconf}|{','.join(sorted(roles))}|{current}"
    return {"nav_items": items, "nav_sections": sections, "nav_key": key}


@lru_cache(maxsize=1024)
def _menu(roles: frozenset, current: str, urlconf: str, prefix: str):
    """The menu of `roles` with `current` marked, built once per process (labels are lazy:
    they translate when rendered). Shared between requests: read it, never change it."""
    items = []
    sections = []
    for role, label in SECTIONS:
        if role not in roles:
            continue
        links = []
        for item_role, url_name, item_label in NAVIGATION:
            if item_role == role and _resolvable(url_name):
                url = cached_reverse(url_name)
                links.append({"url_name": url_name, "url": url, "label": item_label,
                              "current": current == url})  # fmt: skip
        if not links:
            continue
        items += links
        sections.append(
            {
                "key": str(role),
                "label": label,
                "items": links,
                "current": any(link["current"] for link in links),
            }
        )
    return items, sections, frozenset(link["url"] for link in items)


def _links(roles: frozenset, urlconf: str, prefix: str):
    return _menu(roles, "", urlconf, prefix)
