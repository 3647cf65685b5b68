"""Absolute URLs for emails, calendar files and badges, built from `settings.SITE_URL`."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """`SITE_URL` + an absolute path (`/mentor/...`)."""
    return settings.SITE_URL.rstrip("/") + path


def absolute_reverse(name: str, *args, **kwargs) -> str:
    """The absolute URL of a named route, e.g. ``absolute_reverse("practice:sign_off_queue")``."""
    from django.urls import reverse  # at call time: modules loaded early may import this one

    return absolute_url(reverse(name, args=args or None, kwargs=kwargs or None))
