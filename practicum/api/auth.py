"""Who is calling: a personal access token (Bearer) or the site's own signed-in session.

A token carries its scopes; a session holds every scope its user's roles allow, as the pages
do. Either way the user's roles are checked again on each request, and each caller is held to
a rate limit kept in the shared cache (lib/ratelimit.py: it holds across web processes).
"""

import zoneinfo

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from practicum.accounts.models import User
from practicum.api import services
from practicum.api.problems import Problem
from practicum.api.scopes import scopes_for
from practicum.frameworks.services import pledge_outstanding
from practicum.lib import ratelimit

RATE_WINDOW_SECONDS = 60


def rate_limit(key: str) -> None:
    """A fixed one-minute window per caller; raises a 429 problem past the limit."""
    limit = getattr(settings, "API_RATE_LIMIT_PER_MINUTE", 120)
    retry = ratelimit.hit(f"api:{key}", limit=limit, window=RATE_WINDOW_SECONDS)
    if retry is not None:
        raise Problem(
            429,
            _("Too many requests"),
            _("This token is limited to %(limit)s requests a minute.") % {"limit": limit},
            headers={"Retry-After": str(retry)},
        )


def _as_caller(request: HttpRequest, user: User, scopes: list[str], token=None) -> User:
    request.api_user = user
    request.api_scopes = frozenset(scopes)
    request.api_token = token
    return user


class TokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization", "")
        if not header:
            return None  # let the session try
        return super().__call__(request) or self._refuse()

    def _refuse(self):
        raise Problem(
            401,
            _("Not authenticated"),
            _("The token is unknown or revoked."),
            headers={"WWW-Authenticate": 'Bearer realm="api"'},
        )

    def authenticate(self, request: HttpRequest, token: str):
        found = services.token_authenticate(token)
        if found is None:
            return None
        rate_limit(f"token:{found.pk}")
        user = found.owner
        # The token acts in its owner's time zone, as the pages do.
        timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
        return _as_caller(request, user, found.scopes, token=found)


class SiteSessionAuth(SessionAuth):
    """The site's own pages calling the API: the session cookie, with the CSRF check."""

    def authenticate(self, request: HttpRequest, key):
        user = request.user
        if not user.is_authenticated:
            return None
        rate_limit(f"user:{user.pk}")
        return _as_caller(request, user, scopes_for(user))


AUTH = [TokenAuth(), SiteSessionAuth()]


def require(request: HttpRequest, scope: str, *roles: str, pledged: bool = False) -> User:
    """The caller, if they hold `scope` and one of `roles` (and the current pledge); else 403."""
    user = request.api_user
    if scope not in request.api_scopes:
        raise Problem(
            403,
            _("Missing scope"),
            _("This needs the %(scope)s scope.") % {"scope": scope},
        )
    if roles and not user.has_role(*roles):
        raise Problem(403, _("Forbidden"), _("Your account does not hold the role this needs."))
    if pledged and pledge_outstanding(user) is not None:
        raise Problem(
            403,
            _("Pledge outstanding"),
            _("Accept the pledge of the Code of Ethics in force on the site first."),
        )
    return user
