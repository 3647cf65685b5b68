"""Fixed-window rate limits counted in the shared cache.

The count lives in Django's default cache, so it holds across every web process and machine
that shares it (the database cache, or Redis with REDIS_URL). The first hit of a window `add`s
its counter and every later hit `incr`ements it: on Redis both are single atomic commands, so
two processes never lose each other's hits.
"""

import time

from django.core.cache import cache


def hit(key: str, *, limit: int, window: int) -> int | None:
    """Count one hit for `key`. None while within `limit` hits per `window` seconds, else the
    seconds until the window ends (for a Retry-After header)."""
    now = time.time()
    index = int(now // window)
    cache_key = f"rate:{key}:{window}:{index}"
    # Increment first, create on a miss: every hit costs the same (four queries on the database
    # cache, one command on Redis), so a page's query count does not depend on the window.
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the window's first hit (or its counter just expired)
        if cache.add(cache_key, 1, window * 2):
            count = 1
        else:  # another process created it between the two calls
            try:
                count = cache.incr(cache_key)
            except ValueError:
                cache.set(cache_key, 1, window * 2)
                count = 1
    if count > limit:
        return max(1, window - int(now) % window)
    return None
