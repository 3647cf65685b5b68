"""Private calendar feeds and the events they list."""

import datetime
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from practicum.accounts.models import User
from practicum.practice.models import token_digest
from practicum.supervision.calendar import CalendarEvent
from practicum.supervision.models import Booking, CalendarFeed, GroupSession, ThematicLab
from practicum.supervision.services._common import Membership, Registration
from practicum.supervision.services.bookings import _booking_event
from practicum.supervision.services.groups import _group_event
from practicum.supervision.services.labs import _lab_event

# --- Calendar feed ------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_create(*, user: User) -> str:
    """A new private feed URL token; any previous one stops working. Returns the token (shown
    once: only its digest is kept)."""
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.create(user=user, token_hash=token_digest(token))
    return token


def calendar_feed_revoke(*, user: User) -> int:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def calendar_feed_for_token(token: str) -> CalendarFeed | None:
    return (
        CalendarFeed.objects.select_related("user").filter(token_hash=token_digest(token)).first()
    )


FEED_PAST_DAYS = 30
# A cancelled booking stays in the feed, as STATUS:CANCELLED with a higher SEQUENCE, for this
# many days after it was cancelled (and while its date is in the feed), so that a subscribed
# calendar, which only ever sees the feed, removes it instead of keeping it. A cancelled group
# session (no cancellation time is kept) stays while its date is in the feed.
FEED_CANCELLED_DAYS = 30


def calendar_events_for(user: User) -> list[CalendarEvent]:
    """`user`'s sessions (as mentor, supervisor, member, facilitator, registrant) from a month
    ago on, in a fixed number of queries."""
    now = timezone.now()
    since = now - datetime.timedelta(days=FEED_PAST_DAYS)
    recently = now - datetime.timedelta(days=FEED_CANCELLED_DAYS)
    items = []
    bookings = (
        Booking.objects.for_user(user)
        .filter(starts_at__gte=since)
        .filter(
            Q(status=Booking.Status.BOOKED)
            | Q(status=Booking.Status.CANCELLED, cancelled_at__gte=recently)
        )
        .select_related("mentor", "supervisor")
    )
    items += [_booking_event(b) for b in bookings]
    sessions = (
        GroupSession.objects.filter(starts_at__gte=since)
        .filter(
            Q(group__facilitator=user)
            | Q(group__memberships__mentor=user, group__memberships__status=Membership.MEMBER)
        )
        .select_related("group__facilitator")
        .distinct()
    )
    items += [_group_event(s) for s in sessions]
    labs = (
        ThematicLab.objects.filter(starts_at__gte=since)
        .filter(
            Q(facilitators=user)
            | Q(registrations__mentor=user, registrations__status=Registration.REGISTERED)
        )
        .prefetch_related("facilitators")
        .distinct()
    )
    items += [_lab_event(lab) for lab in labs]
    return sorted(items, key=lambda item: item.starts_at)


# --- Reminders ----------------------------------------------------------------------------
