"""Counts a training centre may see about its own mentors who consent (institutions, below this
app, asks through `institutions.services.PROGRESS_PROVIDERS`): confirmed supervision sessions
and CPD hours in a calendar year. Numbers only, never what a session or entry says."""

import datetime
from decimal import Decimal

from django.db.models import Count, Sum

from practicum.practice.models import CpdEntry, SupervisionSession


def sessions_and_cpd(user_ids: list[int], year: int) -> dict[int, tuple[int, Decimal]]:
    if not user_ids:
        return {}
    start = datetime.datetime(year, 1, 1, tzinfo=datetime.UTC)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=datetime.UTC)
    sessions = dict(
        SupervisionSession.objects.filter(
            mentor_id__in=user_ids,
            status=SupervisionSession.Status.CONFIRMED,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .values_list("mentor_id")
        .annotate(n=Count("pk"))
    )
    cpd = dict(
        CpdEntry.objects.filter(mentor_id__in=user_ids, occurred_on__year=year)
        .values_list("mentor_id")
        .annotate(h=Sum("hours"))
    )
    return {uid: (sessions.get(uid, 0), cpd.get(uid) or Decimal(0)) for uid in user_ids}
