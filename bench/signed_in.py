"""A signed-in session for a bench user, as Django's login would store it: the scripts that
`manage.py shell -c` runs for the benchmarks (bench/run.py, bench/writes.py, bench/faults.py)
hand its key to wrk or to their clients as the session cookie."""

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore


def cookie(user) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key
