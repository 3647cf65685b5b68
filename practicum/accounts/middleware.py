import zoneinfo

from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import timezone, translation

from practicum.accounts.access import RESTRICTED_URL_NAMES


class UserPreferencesMiddleware:
    """Show every date and time in the user's own zone, every string in their language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
            _remember_roles(request, user)
        else:
            timezone.deactivate()
        return self.get_response(request)


def _remember_roles(request, user) -> None:
    """Keep the user's roles in the session while their roles stamp is unchanged."""
    kept = request.session.get("roles")
    if kept and kept[0] == user.pk and kept[1] == user.roles_stamp:
        # Set through the attribute, not `user.__dict__`: request.user is a SimpleLazyObject,
        # whose own __dict__ is not the user's, so the roles were asked for on every page.
        user.roles = frozenset(kept[2])
    else:
        request.session["roles"] = [user.pk, user.roles_stamp, sorted(user.roles)]


class AccountStatusMiddleware:
    """A restricted account reaches only the pages open to it; anything else leads to one page
    that says why. (A suspended account is inactive: Django already treats it as signed out.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.account_status == user.AccountStatus.RESTRICTED
            and not request.path_info.startswith(settings.STATIC_URL)
        ):
            try:
                name = resolve(request.path_info).view_name
            except Resolver404:
                name = ""
            if name not in RESTRICTED_URL_NAMES:
                return redirect("accounts:restricted")
        return self.get_response(request)
