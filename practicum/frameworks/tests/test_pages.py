import pytest
from django.urls import reverse

from practicum.frameworks.models import EthicsClause

pytestmark = pytest.mark.django_db


def test_the_code_has_an_anchor_per_clause(client, frameworks):
    html = client.get(reverse("frameworks:code")).content.decode()
    for identifier in EthicsClause.objects.values_list("identifier", flat=True):
        assert f'id="clause-{identifier}"' in html
    assert "Professional Representation" in html
    # A heading the data file supplies is shown as the body's own: no builder note on the page.
    assert "†" not in html and "supplied by" not in html


def test_the_competencies_have_an_anchor_per_indicator(client, frameworks):
    html = client.get(reverse("frameworks:competencies")).content.decode()
    assert 'id="indicator-4.11"' in html
    assert 'id="competency-9"' in html


def test_the_readiness_page_lists_19_statements_and_the_bands(client, frameworks):
    html = client.get(reverse("frameworks:readiness")).content.decode()
    assert 'id="statement-Q19"' in html
    assert "19–" in html and "–95" in html


def test_an_unknown_version_is_404(client, frameworks):
    assert client.get(reverse("frameworks:code_version", args=["9.9"])).status_code == 404


def test_search_finds_clauses_and_marks_the_words(client, frameworks):
    response = client.get(reverse("frameworks:search"), {"q": "digital files"})
    html = response.content.decode()
    assert "1.B.3" in html
    assert "<mark>digital</mark>" in html
    (first, *_rest) = response.context["clauses"]
    assert first.clause == EthicsClause.objects.get(identifier="1.B.3") and first.exact


def test_search_finds_clauses_by_meaning_too(client, frameworks, django_assert_max_num_queries):
    client.get(reverse("frameworks:search"), {"q": "warm up"})  # the Code's vectors, once
    with django_assert_max_num_queries(8):
        response = client.get(reverse("frameworks:search"), {"q": "keeping secrets"})
    hits = list(response.context["clauses"])
    assert any(h.clause.identifier.startswith("1.B.") and not h.exact for h in hits[:5])
    assert "close in meaning" in response.content.decode()


def test_search_also_finds_behavioural_indicators(client, frameworks):
    response = client.get(reverse("frameworks:search"), {"q": "boundaries"})
    assert any(i.identifier == "2.8" for i in response.context["indicators"])


def test_search_escapes_what_it_shows(client, frameworks):
    html = client.get(reverse("frameworks:search"), {"q": "<script>alert(1)</script>"}).content
    assert b"<script>alert(1)</script>" not in html


def test_htmx_search_returns_only_the_results_fragment(client, frameworks):
    response = client.get(
        reverse("frameworks:search"), {"q": "confidentiality"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html and "1.B.1" in html


def test_an_overlong_query_is_refused_calmly(client, frameworks):
    response = client.get(reverse("frameworks:search"), {"q": "x" * 500})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_the_code_page_query_count_is_fixed(client, frameworks, django_assert_max_num_queries):
    # The first visit renders the body and stores it (the cache bookkeeping: 4 queries, and the
    # deferred text: 1), and the page cache stores the page (its read, then the data generation
    # and the page: 5 each on the database cache in a test, savepoints included: 11);
    # every later visit reads the version row and the stored body, or the stored page.
    for name in ("frameworks:code", "frameworks:competencies"):
        with django_assert_max_num_queries(25):
            client.get(reverse(name))
        with django_assert_max_num_queries(2):
            response = client.get(reverse(name))
        assert response.status_code == 200


def test_a_cached_framework_page_follows_the_language(client, frameworks):
    client.get(reverse("frameworks:code"))
    client.cookies["django_language"] = "es"
    assert "Sanciones" in client.get(reverse("frameworks:code")).content.decode()


def test_a_new_version_shows_on_the_cached_page_at_once(client, frameworks):
    from practicum.frameworks.models import FrameworkVersion
    from practicum.lib.versioned import forget_current

    client.get(reverse("frameworks:code"))
    code = FrameworkVersion.objects.get(kind="code_of_ethics")
    later = FrameworkVersion.objects.create(
        kind="code_of_ethics",
        version="9.9",
        title=code.title,
        effective_date=code.effective_date.replace(year=code.effective_date.year + 5),
        content=code.content,
        content_hash="x",
    )
    forget_current()  # what every process does within a minute (CURRENT_TTL)
    assert later.version in client.get(reverse("frameworks:code")).content.decode()
