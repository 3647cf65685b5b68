"""BM25, the lexical half of the clause ranker: the analysis and the formula."""

import math

import pytest

from practicum.frameworks.lexical import K1, B, BM25Index, analyse, highlight_spans, stem, words


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


def test_extra_stop_words_can_be_given():
    index = BM25Index(
        [(1, "session notes"), (2, "client session")], stop_words=frozenset({"session"})
    )
    assert [r.key for r in index.rank("my session notes")] == [1]


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
