"""The Ethics Lens Worksheet: suggestions, search, citations by Code version, analysis, PDF."""

import datetime
from pathlib import Path

import pytest
import yaml
from django.db import connection
from django.urls import reverse

from practicum.frameworks import services as framework_services
from practicum.frameworks.loader import framework_load
from practicum.frameworks.models import EthicsClause
from practicum.reflection import exports, services
from practicum.reflection.models import EthicsWorksheet, WorksheetClause

pytestmark = pytest.mark.django_db

DILEMMA = (
    "The sponsor asked me to share what my client told me in our sessions. I am not sure what "
    "information I can give without breaking confidentiality."
)


@pytest.fixture
def worksheet(mentor, frameworks):
    return services.worksheet_create(
        mentor=mentor,
        title="The sponsor's request",
        dilemma=DILEMMA,
        options=["Tell the sponsor nothing", "Ask my client what they agree to share"],
    )


def clause(identifier, version="1.0"):
    return EthicsClause.objects.get(identifier=identifier, framework__version=version)


def cite(worksheet, identifier, source="suggested"):
    return services.worksheet_clause_add(
        worksheet=worksheet, clause=clause(identifier), source=source
    )


def test_a_mentor_starts_a_worksheet_and_is_shown_suggestions(client, mentor, frameworks):
    client.force_login(mentor)
    response = client.post(
        reverse("reflection:worksheet_create"),
        {
            "title": "Sponsor",
            "dilemma": DILEMMA,
            "options": "Tell the sponsor nothing\n\n  Ask my client first  \n",
        },
    )
    worksheet = EthicsWorksheet.objects.get(mentor=mentor)
    assert response["Location"] == reverse("reflection:worksheet_clauses", args=[worksheet.pk])
    assert worksheet.option_list == ["Tell the sponsor nothing", "Ask my client first"]
    html = client.get(response["Location"]).content.decode()
    assert "Suggested for your dilemma" in html
    assert "1.B.1" in html and "Close to:" in html
    assert "BM25" not in html and "prompt for your judgement" in html


def test_the_suggestions_page_costs_a_fixed_number_of_queries(
    client, mentor, worksheet, django_assert_max_num_queries
):
    client.force_login(mentor)
    url = reverse("reflection:worksheet_clauses", args=[worksheet.pk])
    client.get(url)  # the Code's vectors, once per process
    with django_assert_max_num_queries(12):
        response = client.get(url, {"q": "keeping secrets"})
    assert response.status_code == 200 and response.context["suggestions"]
    assert any(not hit.exact for hit in response.context["results"])


def test_at_most_six_options(client, mentor, frameworks):
    client.force_login(mentor)
    response = client.post(
        reverse("reflection:worksheet_create"),
        {"title": "Many", "dilemma": "x", "options": "\n".join(f"Option {n}" for n in range(7))},
    )
    assert "List at most 6 options, one per line." in response.content.decode()
    assert not EthicsWorksheet.objects.exists()


def test_suggested_and_searched_clauses_are_added_once(client, mentor, worksheet):
    client.force_login(mentor)
    url = reverse("reflection:worksheet_clause_add", args=[worksheet.pk])
    b1 = clause("1.B.1")
    client.post(url, {"clause": b1.pk, "source": "suggested"})
    client.post(url, {"clause": b1.pk, "source": "suggested"})
    response = client.post(url, {"clause": clause("3.A.1").pk, "source": "searched", "q": "trust"})
    assert response["Location"].endswith("?q=trust#search-title")
    cited = list(worksheet.cited_clauses.order_by("pk").values_list("clause__identifier", "source"))
    assert cited == [("1.B.1", "suggested"), ("3.A.1", "searched")]


def test_a_clause_of_another_version_or_nonsense_is_refused(client, mentor, worksheet):
    client.force_login(mentor)
    url = reverse("reflection:worksheet_clause_add", args=[worksheet.pk])
    response = client.post(url, {"clause": "999999", "source": "suggested"}, follow=True)
    assert "Choose a clause of the Code in force." in response.content.decode()
    client.post(url, {"clause": clause("1.B.1").pk, "source": "made-up"})
    assert not WorksheetClause.objects.exists()


def test_the_search_finds_any_clause_and_answers_htmx_with_the_results_only(
    client, mentor, worksheet
):
    client.force_login(mentor)
    url = reverse("reflection:worksheet_clauses", args=[worksheet.pk])
    page = client.get(url, {"q": "environment"}).content.decode()
    assert "<h1>Relevant clauses</h1>" in page and "1.A.7" in page
    fragment = client.get(url, {"q": "environment"}, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert "<h1>" not in html and 'id="search-results"' in html
    assert "1.A.7" in html and "<mark>environment</mark>" in html


def test_a_clause_is_removed_with_its_analysis(client, mentor, worksheet):
    cited = cite(worksheet, "1.B.1")
    services.worksheet_analysis_save(worksheet=worksheet, analyses={cited.pk: {0: "Honours it"}})
    client.force_login(mentor)
    client.post(reverse("reflection:worksheet_clause_remove", args=[worksheet.pk, cited.clause_id]))
    assert not WorksheetClause.objects.exists()


def test_each_option_is_weighed_against_each_clause(client, mentor, worksheet):
    b1, a7 = cite(worksheet, "1.B.1"), cite(worksheet, "1.A.7")
    client.force_login(mentor)
    url = reverse("reflection:worksheet_analysis", args=[worksheet.pk])
    html = client.get(url).content.decode()
    assert "Option 1: Tell the sponsor nothing" in html and "1.A.7" in html
    response = client.post(
        url,
        {
            f"c{b1.pk}_o0": "Honours confidentiality fully.",
            f"c{b1.pk}_o1": "Honours it, with consent.",
            f"c{a7.pk}_o0": "Ignores the sponsor's interest.",
        },
    )
    assert response["Location"] == reverse("reflection:worksheet_conclusion", args=[worksheet.pk])
    b1.refresh_from_db()
    a7.refresh_from_db()
    assert b1.analysis_map == {
        "0": "Honours confidentiality fully.",
        "1": "Honours it, with consent.",
    }
    assert a7.analysis_map == {"0": "Ignores the sponsor's interest."}


def test_the_analysis_asks_for_clauses_and_options_first(client, mentor, frameworks):
    empty = services.worksheet_create(mentor=mentor, title="Empty")
    client.force_login(mentor)
    html = client.get(reverse("reflection:worksheet_analysis", args=[empty.pk])).content.decode()
    assert "Choose at least one clause first." in html
    cite(empty, "1.B.1")
    html = client.get(reverse("reflection:worksheet_analysis", args=[empty.pk])).content.decode()
    assert "List the options open to you first." in html


def test_removing_an_option_drops_what_was_written_about_it(mentor, worksheet):
    cited = cite(worksheet, "1.B.1")
    services.worksheet_analysis_save(
        worksheet=worksheet, analyses={cited.pk: {0: "First", 1: "Second"}}
    )
    services.worksheet_update(
        worksheet=worksheet,
        title=worksheet.title,
        dilemma=worksheet.dilemma,
        options=["Only one now"],
        engagement=None,
    )
    cited.refresh_from_db()
    assert cited.analysis_map == {"0": "First"}


def test_stakeholders_decision_and_supervision_are_recorded(client, mentor, worksheet):
    client.force_login(mentor)
    html = client.get(
        reverse("reflection:worksheet_conclusion", args=[worksheet.pk])
    ).content.decode()
    assert "Code clause 1.A.7" in html
    response = client.post(
        reverse("reflection:worksheet_conclusion", args=[worksheet.pk]),
        {
            "stakeholder_client": "Trust at stake.",
            "stakeholder_sponsor": "Wants assurance.",
            "stakeholder_organisation": "",
            "stakeholder_society": "Little.",
            "decision": "Ask my client first.",
            "reasons": "Confidentiality is primary (1.B.1).",
            "to_supervision": "The three-way contract.",
        },
    )
    assert response["Location"] == reverse("reflection:worksheet_detail", args=[worksheet.pk])
    worksheet.refresh_from_db()
    assert worksheet.decision == "Ask my client first."
    detail = client.get(response["Location"]).content.decode()
    assert "Wants assurance." in detail and "The three-way contract." in detail


def new_code_version(tmp_path: Path, *, version="2.0", text="Members keep everything secret."):
    source = Path("practicum/frameworks/data/code_of_ethics/1.0.yaml")
    doc = yaml.safe_load(source.read_text(encoding="utf-8"))
    doc["version"] = version
    doc["effective_date"] = datetime.date.today() - datetime.timedelta(days=1)
    doc["principle_groups"][0]["sections"][1]["clauses"][0] = text  # 1.B.1
    path = tmp_path / f"{version}.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return framework_load(path=path).framework


def test_a_later_code_version_leaves_the_worksheet_as_it_was(client, mentor, worksheet, tmp_path):
    cite(worksheet, "1.B.1")
    original = clause("1.B.1").text
    code_2 = new_code_version(tmp_path)
    framework_services.pledge_accept(user=mentor, framework=code_2)
    assert services.current_code() == code_2

    worksheet.refresh_from_db()
    (cited,) = worksheet.cited_clauses.select_related("clause__framework")
    assert cited.clause.framework.version == "1.0" and cited.clause.text == original
    client.force_login(mentor)
    html = client.get(reverse("reflection:worksheet_detail", args=[worksheet.pk])).content.decode()
    assert original in html and "Members keep everything secret." not in html
    assert "cites version 1.0 of the Code of Ethics; version 2.0 is now in force" in html
    assert "Code of Ethics 1.0" in html
    # suggestions now come from the Code in force
    suggestions = services.clause_suggestions("everything secret")
    assert suggestions[0].clause.framework == code_2
    pdf = exports.worksheet_pdf(worksheet=worksheet, compress=False)
    assert rb"1.B.1 \(Code of Ethics 1.0\)" in pdf


def test_the_worksheet_pdf_holds_the_whole_worksheet(client, mentor, worksheet):
    cited = cite(worksheet, "1.B.1")
    services.worksheet_analysis_save(worksheet=worksheet, analyses={cited.pk: {1: "With consent"}})
    services.worksheet_conclude(worksheet=worksheet, decision="Ask first", reasons="Trust")
    pdf = exports.worksheet_pdf(worksheet=worksheet, compress=False)
    assert pdf.startswith(b"%PDF")
    for text in (
        b"The sponsor's request",
        b"breaking confidentiality",
        b"Tell the sponsor nothing",
        rb"1.B.1 \(Code of Ethics 1.0\)",
        b"With consent",
        b"Ask first",
    ):
        assert text in pdf, text
    client.force_login(mentor)
    response = client.get(reverse("reflection:worksheet_pdf", args=[worksheet.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="ethics-lens-worksheet-'
    )
    assert response["Cache-Control"] == "private, no-store"


def test_the_list_and_delete(client, mentor, worksheet):
    client.force_login(mentor)
    html = client.get(reverse("reflection:worksheet_list")).content.decode()
    assert "The sponsor&#x27;s request" in html
    client.post(reverse("reflection:worksheet_delete", args=[worksheet.pk]))
    assert not EthicsWorksheet.objects.exists()


def test_worksheet_text_is_encrypted_at_rest(worksheet):
    cited = cite(worksheet, "1.B.1")
    services.worksheet_analysis_save(worksheet=worksheet, analyses={cited.pk: {0: "ANALYSIS-X"}})
    services.worksheet_conclude(
        worksheet=worksheet, decision="DECISION-X", stakeholder_client="CLIENT-X"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT title, dilemma, options, decision, stakeholder_client "
            "FROM reflection_ethicsworksheet WHERE id = %s",
            [worksheet.pk],
        )
        row = cursor.fetchone()
        cursor.execute("SELECT analysis FROM reflection_worksheetclause")
        (analysis,) = cursor.fetchone()
    for value in (*row, analysis):
        assert value.startswith("fernet:")
    joined = " ".join([*row, analysis])
    for secret in ("sponsor", "Tell the", "DECISION-X", "CLIENT-X", "ANALYSIS-X"):
        assert secret not in joined


@pytest.mark.parametrize(
    "name",
    [
        "reflection:worksheet_detail",
        "reflection:worksheet_edit",
        "reflection:worksheet_clauses",
        "reflection:worksheet_analysis",
        "reflection:worksheet_conclusion",
        "reflection:worksheet_pdf",
    ],
)
def test_another_mentors_worksheet_is_not_found(client, other_mentor, worksheet, name):
    client.force_login(other_mentor)
    assert client.get(reverse(name, args=[worksheet.pk])).status_code == 404


def test_another_mentor_cannot_change_a_worksheet(client, other_mentor, worksheet):
    client.force_login(other_mentor)
    add = reverse("reflection:worksheet_clause_add", args=[worksheet.pk])
    assert (
        client.post(add, {"clause": clause("1.B.1").pk, "source": "suggested"}).status_code == 404
    )
    delete = reverse("reflection:worksheet_delete", args=[worksheet.pk])
    assert client.post(delete).status_code == 404
    assert EthicsWorksheet.objects.filter(pk=worksheet.pk).exists()
    assert not WorksheetClause.objects.exists()


def test_staff_get_403(client, staff, worksheet):
    client.force_login(staff)
    assert (
        client.get(reverse("reflection:worksheet_detail", args=[worksheet.pk])).status_code == 403
    )


def test_the_list_shows_clause_counts_and_decisions_in_fixed_queries(
    client, mentor, worksheet, django_assert_max_num_queries, page_cache_off
):
    cite(worksheet, "1.A.7")
    cite(worksheet, "1.B.1")
    decided = services.worksheet_create(mentor=mentor, title="Decided", options=["A", "B"])
    decided.decision = "Ask first."
    decided.save()
    for n in range(3):
        services.worksheet_create(mentor=mentor, title=f"More {n}", options=["A", "B"])
    client.force_login(mentor)
    client.get(reverse("reflection:worksheet_list"))
    with django_assert_max_num_queries(4):  # session, user, count, the page
        html = client.get(reverse("reflection:worksheet_list")).content.decode()
    rows = {row.split("</a>")[0].rsplit(">", 1)[-1]: row for row in html.split("<tr>")[2:]}
    assert "<td>2</td>" in rows["The sponsor&#x27;s request"]
    assert "Not yet" in rows["The sponsor&#x27;s request"]
    assert "Made" in rows["Decided"] and "<td>0</td>" in rows["Decided"]
