"""CSRF secrets and masks drawn in one call to the operating system's random source, not 32.

Django draws each of a token's 32 characters with its own `secrets.choice`, so a CSRF secret or
mask costs 32 reads of os.urandom plus the rejection sampling around each: about 150 µs. A
visitor without the CSRF cookie (every first visit, every client that keeps no cookies) costs
two of those on every page that carries a form, a page-cache hit included, where that was a
quarter of the whole request. `random_string` gives the same distribution, each character
uniform and independent, from one draw.
"""

import secrets

from django.apps import AppConfig
from django.middleware import csrf
from django.utils.crypto import RANDOM_STRING_CHARS


def random_string(length: int, allowed_chars: str = RANDOM_STRING_CHARS) -> str:
    """As `django.utils.crypto.get_random_string`. A number drawn uniformly below
    base**length (by `secrets.randbelow`, which rejects and draws again rather than reduce
    with a bias), written with `length` digits in that base, has every digit uniform and
    independent of the others: exactly the distribution of one `secrets.choice` a character."""
    base = len(allowed_chars)
    number = secrets.randbelow(base**length)
    characters = []
    for _ in range(length):
        number, digit = divmod(number, base)
        characters.append(allowed_chars[digit])
    return "".join(characters)


class CsrfTokensConfig(AppConfig):
    name = "practicum.lib.csrf_tokens"
    label = "practicum_csrf_tokens"
    verbose_name = "CSRF tokens"

    def ready(self):
        # The name Django's CSRF module draws its secrets and masks with
        # (`_get_new_csrf_string`); a test fails if an upgrade stops using it.
        csrf.get_random_string = random_string
