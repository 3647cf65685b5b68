"""Sessions read with one plain SELECT behave as Django's database sessions do."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from practicum.lib.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_saved_session_loads_with_its_stored_text(django_assert_num_queries):
    store = SessionStore()
    store["roles"] = [1, "stamp", ["mentor"]]
    store.create()
    again = SessionStore(store.session_key)
    with django_assert_num_queries(1):
        assert again["roles"] == [1, "stamp", ["mentor"]]
    assert again.raw == Session.objects.get(session_key=store.session_key).session_data


def test_an_expired_or_unknown_session_is_empty():
    store = SessionStore()
    store["x"] = 1
    store.create()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert dict(expired.items()) == {} and expired.session_key is None and expired.raw is None
    unknown = SessionStore("x" * 32)
    assert dict(unknown.items()) == {} and unknown.raw is None


def test_a_tampered_session_is_empty():
    store = SessionStore()
    store["x"] = 1
    store.create()
    Session.objects.filter(pk=store.session_key).update(session_data="not-signed")
    assert dict(SessionStore(store.session_key).items()) == {}
