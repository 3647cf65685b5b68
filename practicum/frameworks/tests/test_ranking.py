"""The clause ranker: quality on the evaluation dilemmas, offline, cached per Code version."""

import socket

import numpy as np
import pytest
from django.core.cache import cache

from practicum.frameworks import ranking
from practicum.frameworks.eval import run
from practicum.frameworks.models import EthicsClause
from practicum.lib import embeddings

pytestmark = pytest.mark.django_db

# Measured with `python -m practicum.frameworks.eval.run --set heldout2|heldout3` (see the README
# there) on dilemmas the ranker never learns from; a change that drops below these is a
# regression. Those sets are scored, never studied: a failure here says "worse", not "why".
# Measured in the sixth round: 123 of 141 in the top 3, 129 in the top 5.
TOP3_AT_LEAST = 0.84
TOP5_AT_LEAST = 0.89


def identifiers(suggestions) -> list[str]:
    return [s.clause.identifier for s in suggestions]


def test_the_worked_examples_cover_every_section_of_the_code_in_both_languages(frameworks):
    examples = ranking.examples("1.0")
    assert len(examples) >= 150
    sections = {c.identifier.rsplit(".", 1)[0] for c in EthicsClause.objects.all()}
    for english in (True, False):
        some = [e for e in examples if e.english == english]
        assert some
        if english:
            assert sections <= {c.rsplit(".", 1)[0] for e in some for c in e.clauses}
    known = set(EthicsClause.objects.values_list("identifier", flat=True))
    assert {clause for e in examples for clause in e.clauses} <= known


def test_the_right_clause_is_near_the_top_for_mentors_own_words(frameworks):
    dilemmas = run.load_dilemmas(run.SETS["heldout2"]) + run.load_dilemmas(run.SETS["heldout3"])
    learnt = {e.text for e in ranking.examples("1.0")}
    assert not learnt & {d.text for d in dilemmas}  # held out means never learnt from
    found3 = found5 = 0
    for dilemma in dilemmas:
        ranked = identifiers(ranking.suggest_clauses(dilemma.text, limit=5))
        found3 += bool(set(ranked[:3]) & set(dilemma.clauses))
        found5 += bool(set(ranked) & set(dilemma.clauses))
    assert found3 >= TOP3_AT_LEAST * len(dilemmas), found3
    assert found5 >= TOP5_AT_LEAST * len(dilemmas), found5


def test_the_held_out_sets_cover_the_code_and_name_real_clauses(frameworks):
    # Scored by `run --set heldout2|es2|heldout3|es3`, never tuned on; only their shape is
    # checked here.
    known = set(EthicsClause.objects.values_list("identifier", flat=True))
    sections = {c.rsplit(".", 1)[0] for c in known}
    for english, spanish in (("heldout2", "es2"), ("heldout3", "es3")):
        dilemmas = run.load_dilemmas(run.SETS[english])
        assert len(dilemmas) >= 40
        assert sections <= {c.rsplit(".", 1)[0] for d in dilemmas for c in d.clauses}
        dilemmas += run.load_dilemmas(run.SETS[spanish])
        assert {c for d in dilemmas for c in d.clauses} <= known


def test_one_file_of_examples_can_be_left_out_of_the_read_out():
    clauses = [c for c in run.code_clauses() if c.identifier in ("1.B.3", "1.C.3")]
    examples = [
        ranking.WorkedExample("I left client notes on the train", ("1.B.3",), True, "a"),
        ranking.WorkedExample("We booked a holiday together", ("1.C.3",), True, "b"),
        ranking.WorkedExample("Nos fuimos de vacaciones juntos", ("1.C.3",), False, "b"),
    ]
    both = ranking.build_index(clauses, examples=examples)
    one = ranking.build_index(clauses, examples=[e for e in examples if e.source != "b"])
    assert not np.allclose(both.head_english, one.head_english)
    assert not np.allclose(both.head_other, one.head_other)
    # Their words count too: "train" is in no clause, only in an example.
    found = ranking.rank(both, "notes forgotten on a train", limit=1)
    assert found[0].clause.identifier == "1.B.3"
    assert both.situation_bm25.rank("train")[0].key == 0


def test_the_third_held_out_sets_cover_the_code_spread_over_its_clauses(frameworks):
    # Written from the Code alone and scored once (`run --set heldout3|es3`): only their shape
    # is checked here. No clause is the right answer of more than two dilemmas.
    known = set(EthicsClause.objects.values_list("identifier", flat=True))
    sections = {c.rsplit(".", 1)[0] for c in known}
    for name, at_least in (("heldout3", 48), ("es3", 14)):
        dilemmas = run.load_dilemmas(run.SETS[name])
        assert len(dilemmas) >= at_least, name
        assert len({d.id for d in dilemmas}) == len(dilemmas), name
        assert {d.split for d in dilemmas} == {name}
        assert all(1 <= len(d.clauses) <= 3 for d in dilemmas), name
        cited = [c for d in dilemmas for c in d.clauses]
        assert set(cited) <= known, set(cited) - known
        assert sections <= {c.rsplit(".", 1)[0] for c in cited}, name
        assert max(cited.count(c) for c in cited) <= 2, name
    english = run.load_dilemmas(run.SETS["heldout3"])
    assert known <= {c for d in english for c in d.clauses}


def test_a_spanish_dilemma_finds_its_clause(frameworks):
    # Spanish is read by the multilingual model alone, and less well than English: 32 of the 38
    # Spanish held-out dilemmas have their clause in the top 3 (see eval/README.md).
    text = (
        "El jefe de mi mentorada me pidió que le contara lo que ella me dice en nuestras sesiones."
    )
    assert not ranking.reads_as_english(text)
    assert any(c.startswith("1.B.") for c in identifiers(ranking.suggest_clauses(text))[:3])


def test_english_text_reads_as_english():
    assert ranking.reads_as_english("My mentee asked me to keep it between us.")
    assert ranking.reads_as_english("")  # nothing to go on: both models


def test_the_issues_example_finds_confidentiality_first(frameworks):
    text = "The sponsor of my mentee asked me to send my session notes."
    (top, *_rest) = ranking.suggest_clauses(text)
    assert top.clause.identifier.startswith("1.B.")
    assert top.reason in ranking.situations("1.0")[top.clause.identifier]


def test_it_ranks_with_the_network_blocked(frameworks, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access is blocked in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    embeddings.model.cache_clear()  # load the models again, from the installed packages only
    embeddings.multilingual_model.cache_clear()
    suggestions = ranking.suggest_clauses("I sold my old laptop with my notes about mentees on it")
    assert "1.B.3" in identifiers(suggestions)[:3]


def test_suggestions_carry_the_clause_row_a_score_and_a_reason(frameworks):
    suggestions = ranking.suggest_clauses("my mentee wants us to go on holiday together", limit=3)
    assert len(suggestions) == 3
    assert all(isinstance(s.clause, EthicsClause) and s.reason for s in suggestions)
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)


def test_no_text_or_no_code_gives_no_suggestions(db):
    assert ranking.suggest_clauses("   ") == []
    assert ranking.suggest_clauses("a dilemma") == []  # no Code loaded


def test_clause_vectors_are_computed_once_per_code_version(frameworks, monkeypatch):
    code = ranking._current_code()
    ranking.warm(code)
    assert isinstance(cache.get(ranking._cache_key(code)), bytes)  # kept for other processes
    calls = []
    real = embeddings.encode

    def counting(texts, **kwargs):
        calls.append(len(texts))
        return real(texts, **kwargs)

    monkeypatch.setattr(embeddings, "encode", counting)
    ranking._VECTORS.clear()  # a new process: the vectors come from the cache table
    ranking.suggest_clauses("a mentee keeps sending gifts", framework=code)
    ranking.suggest_clauses("my notes are on a shared drive", framework=code)
    assert calls == [1, 1]  # one encoding per request, none for the clauses


def test_passages_cut_a_long_text_into_whole_sentences():
    text = " ".join(f"Sentence number {i} says something." for i in range(40))
    parts = ranking.passages(text)
    assert 1 < len(parts) <= ranking.MAX_PASSAGES
    assert all(p.endswith(".") for p in parts)


def test_clause_openings_skip_the_boilerplate():
    spans = ranking.clause_spans(
        "Members will maintain, store, and appropriately dispose of all client-related data "
        "and records, including digital files and communications."
    )
    assert spans[0].startswith("maintain") and len(spans) > 1


def test_the_code_search_finds_exact_words_first_then_meaning(frameworks):
    code = ranking._current_code()
    hits = ranking.search_clauses("digital files", framework=code)
    assert hits[0].clause.identifier == "1.B.3" and hits[0].exact
    meaning = ranking.search_clauses("keeping secrets", framework=code)
    assert any(h.clause.identifier.startswith("1.B.") and not h.exact for h in meaning[:5])
    assert ranking.search_clauses("  ", framework=code) == []


def test_the_multilingual_encoder_puts_a_sentence_near_its_translation():
    en, es, other = embeddings.encode_multilingual(
        [
            "I keep my notes on my old laptop.",
            "Guardo mis notas en mi portátil viejo.",
            "The weather is lovely at the seaside today.",
        ]
    )
    assert float(np.dot(en, es)) > float(np.dot(en, other)) + 0.2
    assert float(np.linalg.norm(en)) == pytest.approx(1.0, abs=1e-4)


def test_the_encoder_matches_the_published_model():
    # sentence-transformers' own example for all-MiniLM-L6-v2 gives 0.7553 for this pair.
    a, b = embeddings.encode(["A man is eating food.", "A man is eating a piece of bread."])
    assert float(np.dot(a, b)) == pytest.approx(0.7553, abs=0.002)


def test_situations_in_other_languages_serve_only_text_that_is_not_english():
    from practicum.frameworks.eval.run import code_clauses

    clauses = [c for c in code_clauses() if c.identifier in ("1.B.3", "3.F.2")]
    index = ranking.build_index(
        clauses,
        situations={"1.B.3": ["I sold my old laptop with client notes on it"]},
        other_situations={"1.B.3": ["vendí mi portátil viejo con notas de clientes"]},
    )
    english = ranking.rank(index, "I gave away my old computer with my mentee notes", limit=1)
    spanish = ranking.rank(
        index, "regalé mi ordenador viejo con las notas de mis clientes", limit=1
    )
    assert english[0].reason == "I sold my old laptop with client notes on it"
    assert spanish[0].clause.identifier == "1.B.3"
    assert spanish[0].reason == "vendí mi portátil viejo con notas de clientes"


def test_text_in_spanish_is_shown_a_spanish_situation_where_the_clause_has_one():
    from practicum.frameworks.eval.run import code_clauses

    clauses = [c for c in code_clauses() if c.identifier in ("1.B.3", "3.F.2")]
    index = ranking.build_index(
        clauses,
        situations={"1.B.3": ["I sold my old laptop with client notes on it"]},
        other_situations={"1.B.3": ["tiré a la basura papeles con datos de mis mentorados"]},
    )
    text = "vendí mi portátil viejo con notas de mis clientes"
    vector = ranking._text_vector(text)
    english, spanish = (vector @ index.situation_vectors.T)[0]
    assert english > spanish  # the English situation is the closer one...
    (top,) = ranking.rank(index, text, limit=1)
    assert top.reason == "tiré a la basura papeles con datos de mis mentorados"  # ...not shown


def test_the_read_out_tells_the_situations_clauses_apart():
    from practicum.frameworks.eval.run import code_clauses

    clauses = [c for c in code_clauses() if c.identifier in ("1.B.3", "1.C.3", "3.F.2")]
    index = ranking.build_index(
        clauses,
        situations={
            "1.B.3": ["my old laptop still has client notes on it", "files left on a shared drive"],
            "1.C.3": ["we went on holiday together", "I started dating my mentee"],
            "3.F.2": ["I never meet other mentors", "I belong to no professional group"],
        },
    )
    assert index.head_english.shape == (
        embeddings.DIMENSIONS + embeddings.MULTILINGUAL_DIMENSIONS + 1,
        3,
    )
    text = "I gave my son the computer that still holds what my mentees told me"
    vector = ranking._text_vector(text)
    scores = ranking._head_scores(index, vector, english=True)
    assert clauses[int(np.argmax(scores))].identifier == "1.B.3"
    spanish = ranking._text_vector("regalé el ordenador que aún guarda las notas de mis mentorados")
    scores = ranking._head_scores(index, spanish, english=False)
    assert clauses[int(np.argmax(scores))].identifier == "1.B.3"


def test_the_read_out_is_fitted_once_per_code_version_in_a_process(frameworks, monkeypatch):
    code = ranking._current_code()
    ranking.suggest_clauses("warm up", framework=code)
    fits = []
    real = ranking.fit_head
    monkeypatch.setattr(ranking, "fit_head", lambda *a, **kw: fits.append(1) or real(*a, **kw))
    ranking.suggest_clauses("a mentee keeps sending gifts", framework=code)
    ranking.suggest_clauses("my notes are on a shared drive", framework=code)
    assert fits == []
    ranking._HEADS.clear()
    ranking.suggest_clauses("a mentee keeps sending gifts", framework=code)
    ranking.suggest_clauses("my notes are on a shared drive", framework=code)
    assert fits == [1]


def test_another_process_reads_the_clause_vectors_from_this_machines_file(
    frameworks, monkeypatch, settings, tmp_path
):
    import numpy as np

    def stand_in(dimensions):  # the models' work is not what this test is about
        return lambda texts, **kw: (
            calls.append(len(texts))
            or np.ones((len(texts), dimensions), dtype=np.float32) / np.sqrt(dimensions)
        )

    calls = []
    monkeypatch.setattr(embeddings, "encode", stand_in(embeddings.DIMENSIONS))
    monkeypatch.setattr(
        embeddings, "encode_multilingual", stand_in(embeddings.MULTILINGUAL_DIMENSIONS)
    )
    monkeypatch.setattr(ranking, "_VECTORS", {})
    monkeypatch.setattr(ranking, "_HEADS", {})
    settings.EMBEDDING_CACHE_DIR = str(tmp_path)
    code = ranking._current_code()
    key = ranking._cache_key(code)
    cache.delete(key)
    ranking.warm(code)  # computes and keeps them, in the cache table and in the file
    assert calls and list(tmp_path.glob("*.npy"))

    calls.clear()
    ranking._VECTORS.clear()
    cache.delete(key)  # a new process, on a database that has not met this Code version
    ranking.suggest_clauses("a mentee keeps sending gifts", framework=code)
    assert calls == [1, 1]  # the mentor's text only, once per model


def test_a_damaged_vector_file_is_computed_again(settings, tmp_path):
    import numpy as np

    settings.EMBEDDING_CACHE_DIR = str(tmp_path)
    embeddings.store_vectors("clause-vectors:abc", np.ones((3, 4), dtype=np.float32))
    assert embeddings.stored_vectors("clause-vectors:abc", 3).shape == (3, 4)
    assert embeddings.stored_vectors("clause-vectors:abc", 5) is None  # other texts
    next(tmp_path.glob("*.npy")).write_bytes(b"not an array")
    assert embeddings.stored_vectors("clause-vectors:abc", 3) is None
    settings.EMBEDDING_CACHE_DIR = ""
    assert embeddings.stored_vectors("clause-vectors:abc", 3) is None
