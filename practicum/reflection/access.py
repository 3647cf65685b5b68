"""Fetching the toolkit's objects for the user asking: their own, or a 404.

Every object here belongs to one mentor; another mentor's object is a 404, never a 403, so
that nothing tells anyone it exists. The one exception is what a mentor shares with a
supervisor, fetched through `get_share_for_supervisor`.
"""

from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404

from practicum.reflection.models import ReflectionShare


def get_own(request, model_or_queryset: type[Model] | QuerySet, pk: int):
    """The signed-in mentor's own object `pk`, or Http404."""
    return get_object_or_404(model_or_queryset, pk=pk, mentor=request.user)


def get_share_for_supervisor(request, code: str) -> ReflectionShare:
    """An active share addressed to the signed-in supervisor, for a session they supervise."""
    return get_object_or_404(
        ReflectionShare.objects.visible_to(request.user).select_related(
            "reflection__tool", "reflection__mentor", "session"
        ),
        code=code,
    )
