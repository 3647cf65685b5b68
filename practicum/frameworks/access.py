"""Member features need the pledge of the Code in force; a new version asks again."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from practicum.accounts.access import role_required
from practicum.frameworks.services import pledge_up_to_date


def member_required(*roles: str) -> Callable:
    """`role_required(*roles)`, and the current pledge accepted."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def pledged(request, *args, **kwargs):
            if not pledge_up_to_date(request.user, request.session):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('frameworks:pledge')}?{query}")
            return view(request, *args, **kwargs)

        return role_required(*roles)(pledged)

    return decorator
