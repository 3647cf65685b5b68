"""The page visitor's map is complete and true: every route with arguments has a way in, and
each way in opens for the persona it names (the browser checks rely on both)."""

import pytest
from django.test import Client
from django.urls import reverse

from practicum.accounts.tests import site_pages
from practicum.accounts.tests.object_pages import OBJECT_PAGES


def test_every_page_with_arguments_is_covered():
    assert site_pages.uncovered_routes() == [], (
        "routes with arguments and no entry in object_pages.OBJECT_PAGES (or FILES)"
    )


def test_no_entry_is_stale():
    names = {name for name, _pattern, _args in site_pages.routes()}
    assert sorted(set(OBJECT_PAGES) - names) == []


# One test, two checks: the world (load_demo and more) is the cost, so it is built once.
@pytest.mark.django_db
def test_each_object_page_opens_for_its_persona_and_each_persona_has_pages(world):
    wrong = {}
    for name, build in sorted(OBJECT_PAGES.items()):
        for persona, kwargs in build(world):
            client = Client()
            if world.people[persona] is not None:
                client.force_login(world.people[persona])
            path = reverse(name, kwargs=kwargs)
            status = client.get(path).status_code
            if status != 200:
                wrong[path] = (name, persona, status)
    assert wrong == {}, "\n".join(f"{path} {why}" for path, why in wrong.items())

    counts = {p: len(site_pages.pages_of(world, p)) for p in site_pages.PERSONAS}
    assert all(count > 3 for count in counts.values()), counts
