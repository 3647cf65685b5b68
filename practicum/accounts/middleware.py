import zoneinfo

from django.utils import timezone, translation


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
        else:
            timezone.deactivate()
        return self.get_response(request)
