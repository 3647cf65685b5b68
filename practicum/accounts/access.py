"""Who may open which page. Views declare it with these decorators, never inline checks.

A page of another role is a 403 with a friendly page; an object of another user is a 404
(that is the job of each app's `get_<thing>_for_user` helpers).
"""

from collections.abc import Callable
from functools import wraps

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from practicum.accounts.models import STAFF_ROLES


def role_required(*roles: str) -> Callable:
    """Signed in, holding one of `roles`; staff roles also need MFA set up."""
    needs_mfa = bool(set(roles) & STAFF_ROLES)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not request.user.has_role(*roles):
                raise PermissionDenied
            if needs_mfa and not is_mfa_enabled(request.user):
                messages.warning(
                    request,
                    _("Staff pages need two-factor authentication. Set it up to continue."),
                )
                return redirect("mfa_activate_totp")
            return view(request, *args, **kwargs)

        wrapper.required_roles = roles  # read by the authorisation-matrix test
        return wrapper

    return decorator


# URL names (namespaced) a restricted account may still open; apps add theirs in ready().
RESTRICTED_URL_NAMES: set[str] = {
    "account_logout",
    "accounts:restricted",
    "healthz",
    "accounts:language",
}
# Links shown on the restricted-account page: callables user -> [(label, url)], from apps above.
RESTRICTED_LINKS: list[Callable] = []
