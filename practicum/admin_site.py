"""The Django admin, reachable only by site administrators who have set up MFA."""

from django.contrib import admin, messages
from django.contrib.admin.apps import AdminConfig
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


def _mfa_enabled(user) -> bool:
    # Imported late: this module is loaded with INSTALLED_APPS, before models are ready.
    from allauth.mfa.utils import is_mfa_enabled

    return is_mfa_enabled(user)


class PracticumAdminSite(admin.AdminSite):
    site_header = "Practicum administration"
    site_title = "Practicum"

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and _mfa_enabled(user))

    def login(self, request, extra_context=None):
        # One way in for everybody: allauth's sign-in, with its MFA stage.
        user = request.user
        if user.is_authenticated and user.is_staff and not _mfa_enabled(user):
            messages.warning(
                request, _("Staff pages need two-factor authentication. Set it up to continue.")
            )
            return redirect("mfa_activate_totp")
        if user.is_authenticated:
            return redirect("dashboard")
        return redirect(f"{reverse('account_login')}?next={reverse('admin:index')}")


class PracticumAdminConfig(AdminConfig):
    default_site = "practicum.admin_site.PracticumAdminSite"
