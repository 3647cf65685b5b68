"""CSRF secrets and masks come from one random draw, with Django's own distribution."""

import collections
import re

from django.middleware import csrf
from django.test import Client

from practicum.lib import csrf_tokens


def test_django_s_csrf_module_draws_with_it():
    # If an upgrade renames what `_get_new_csrf_string` calls, this fails (and tokens would
    # quietly go back to the slow way).
    assert csrf.get_random_string is csrf_tokens.random_string
    secret = csrf._get_new_csrf_string()
    assert len(secret) == csrf.CSRF_SECRET_LENGTH
    assert set(secret) <= set(csrf.CSRF_ALLOWED_CHARS)


def test_each_digit_of_the_draw_is_one_character(monkeypatch):
    chars = "abc"
    monkeypatch.setattr(csrf_tokens.secrets, "randbelow", lambda n: 0)
    assert csrf_tokens.random_string(4, chars) == "aaaa"
    monkeypatch.setattr(csrf_tokens.secrets, "randbelow", lambda n: n - 1)  # the largest
    assert csrf_tokens.random_string(4, chars) == "cccc"
    # 1 + 2*3 + 0*9 + 1*27 = 34, least significant digit first.
    monkeypatch.setattr(csrf_tokens.secrets, "randbelow", lambda n: 34)
    assert csrf_tokens.random_string(4, chars) == "bcab"
    asked = []
    monkeypatch.setattr(csrf_tokens.secrets, "randbelow", lambda n: asked.append(n) or 0)
    csrf_tokens.random_string(32, csrf.CSRF_ALLOWED_CHARS)
    assert asked == [62**32]  # every string of 32 is possible, each once


def test_characters_are_spread_evenly_in_every_position():
    draws = [csrf_tokens.random_string(32, csrf.CSRF_ALLOWED_CHARS) for _ in range(3000)]
    overall = collections.Counter("".join(draws))
    assert set(overall) == set(csrf.CSRF_ALLOWED_CHARS)
    expected = 3000 * 32 / 62
    assert all(0.8 * expected < count < 1.2 * expected for count in overall.values())
    for position in (0, 31):  # the first and the most significant digit alike
        counts = collections.Counter(draw[position] for draw in draws)
        assert len(counts) > 55 and max(counts.values()) < 3000 / 62 * 2.5
    assert len(set(draws)) == len(draws)


def test_a_form_still_posts_with_its_token(db):
    client = Client(enforce_csrf_checks=True)
    response = client.get("/accounts/login/")
    assert len(response.cookies["csrftoken"].value) == csrf.CSRF_SECRET_LENGTH
    token = re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', response.text).group(1)
    assert len(token) == 2 * csrf.CSRF_SECRET_LENGTH  # masked
    answer = client.post(
        "/accounts/login/",
        {"login": "x@example.org", "password": "wrong", "csrfmiddlewaretoken": token},
    )
    assert answer.status_code == 200  # the form with its error, not 403
