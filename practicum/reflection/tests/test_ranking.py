"""BM25 clause suggestions: the analysis, the formula, and written dilemmas whose right clauses
are known (clause texts in practicum/frameworks/data/code_of_ethics/1.0.yaml)."""

import math

import pytest

from practicum.reflection import services
from practicum.reflection.ranking import K1, B, BM25Index, analyse, highlight_spans, stem, words


@pytest.mark.parametrize(
    ("variants", "expected"),
    [
        (["share", "shared", "sharing", "shares"], "shar"),
        (["boundary", "boundaries"], "boundary"),
        (["client", "clients", "client's", "client’s"], "client"),
        (["plan", "planning", "planned"], "plan"),
        (["confidential", "confidentiality"], "confidential"),
        (["process", "processes"], "process"),
        (["issue", "issues"], "issu"),
        (["agree", "agreement", "agreements"], "agre"),
    ],
)
def test_light_stemming_folds_word_forms_together(variants, expected):
    assert {stem(v) for v in variants} == {expected}


def test_short_words_and_stop_words_are_left_out():
    assert words("I told her: it is not my job, is it?") == ["told", "job"]
    assert analyse("The client and the sponsor") == ["client", "sponsor"]
    assert analyse("a I to of") == []


def test_bm25_follows_the_formula():
    docs = [(1, "sponsor sponsor client"), (2, "client goals"), (3, "goals timeframe")]
    index = BM25Index(docs)
    (top, *_rest) = index.rank("sponsor")
    n, df, avgdl = 3, 1, 7 / 3
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    f, dl = 2, 3
    expected = idf * f * (K1 + 1) / (f + K1 * (1 - B + B * dl / avgdl))
    assert top.key == 1 and top.score == pytest.approx(expected)
    assert top.matched == ["sponsor"]


def test_a_query_word_counts_once_however_often_it_is_repeated():
    index = BM25Index([(1, "sponsor"), (2, "client")])
    once = index.rank("sponsor client")
    many = index.rank("sponsor sponsor sponsor client")
    assert [(r.key, round(r.score, 6)) for r in once] == [(r.key, round(r.score, 6)) for r in many]


def test_documents_without_a_shared_word_are_not_ranked():
    index = BM25Index([(1, "sponsor"), (2, "client")])
    assert [r.key for r in index.rank("sponsor")] == [1]
    assert index.rank("") == [] and index.rank("the and of") == []


def test_matched_words_are_reported_as_written_in_the_dilemma():
    index = BM25Index([(1, "maintain confidentiality of client data")])
    (result,) = index.rank("My clients' data and the Confidentiality of sessions")
    assert result.matched == ["clients", "data", "confidentiality"]
    spans = highlight_spans("maintain confidentiality of client data", result.stems)
    assert [text for text, hit in spans if hit] == ["confidentiality", "client", "data"]


# --- Written dilemmas with known right clauses ------------------------------------------------

DILEMMAS = [
    (
        "sponsor wants what the client said",
        "My mentee's line manager, who pays for the mentoring as the sponsor, asked me to send "
        "her a summary of what my mentee told me in our sessions, including his plan to leave "
        "the company. I am not sure what information I can share with the sponsor without "
        "breaking confidentiality.",
        ("1.B.1", "1.B.2", "1.B.3"),
        3,
    ),
    (
        "a romantic approach by a mentee",
        "After our fourth session my mentee asked me out to dinner and said he would like us to "
        "become close friends, maybe more than friends. I like him, and I am unsure whether a "
        "personal relationship alongside the mentoring would cross a boundary.",
        ("1.C.3", "1.D.1"),
        3,
    ),
    (
        "the mentor inflates their credentials",
        "A prospective client asked whether I hold a master credential. I am tempted to say yes "
        "and to list a certification I have not completed on my website, because it would help "
        "me win the contract; it feels like misleading them about my qualifications.",
        ("1.E.2",),
        3,
    ),
    (
        "an engagement drifting past its goals",
        "The engagement was contracted for six months to reach two goals. The goals were "
        "achieved months ago, but the client keeps booking more sessions and seems to depend "
        "on me, and the sponsor keeps paying. I wonder whether continuing serves the client's "
        "independence.",
        ("1.A.5",),
        5,
    ),
    (
        "records on a family laptop",
        "I keep my session notes, recordings and client records on a laptop the whole family "
        "uses, and I have never deleted the files of clients I stopped working with years ago. "
        "I doubt the data is secure.",
        ("1.B.3",),
        3,
    ),
    (
        "someone else's materials passed off as mine",
        "I hand out materials and ideas from another mentor's book in my sessions, with my own "
        "logo on them, without acknowledging where the work came from.",
        ("1.E.3",),
        3,
    ),
    (
        "cultural stereotypes",
        "My mentee comes from a culture where direct feedback is seen as rude. I caught myself "
        "making assumptions about her based on stereotypes of her background, and I need to "
        "adapt my communication style.",
        ("2.C.1", "2.C.2", "2.C.3", "2.C.4", "2.C.5"),
        3,
    ),
    (
        "an undisclosed conflict of interest",
        "I have been asked to mentor a manager at a company that competes with my husband's "
        "firm. I have prior knowledge of the organization and a possible conflict of interest "
        "that I have not disclosed.",
        ("1.C.1",),
        3,
    ),
    (
        "an illegal act disclosed without agreed limits",
        "During a session my client disclosed that he has been falsifying expense claims, which "
        "is illegal. When we contracted I never explained the limits of confidentiality or when "
        "it may be breached by law.",
        ("1.B.2",),
        3,
    ),
    (
        "ending early",
        "I am moving abroad and need to conclude the mentoring relationship with three clients "
        "earlier than planned. How do I end it well and help them transition?",
        ("1.D.5",),
        3,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "expected", "within"), [d[1:] for d in DILEMMAS], ids=[d[0] for d in DILEMMAS]
)
def test_the_right_clause_ranks_near_the_top(frameworks, text, expected, within):
    ranked = [s.clause.identifier for s in services.clause_suggestions(text, limit=within)]
    assert set(ranked) & set(expected), ranked


@pytest.mark.django_db
def test_suggestions_come_from_the_current_code_with_the_words_matched(frameworks):
    (top, *_rest) = services.clause_suggestions(DILEMMAS[1][1])
    assert top.clause.framework == services.current_code()
    assert {"relationship", "boundary"} <= set(top.matched)
    assert all(s.score > 0 for s in services.clause_suggestions(DILEMMAS[1][1]))


@pytest.mark.django_db
def test_no_text_no_suggestions(frameworks):
    assert services.clause_suggestions("   ") == []
