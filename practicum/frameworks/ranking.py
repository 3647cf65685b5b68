"""Which clauses of the Code a mentor's own words are about: meaning first, shared words second.

One ranker serves the Ethics Lens worksheet, the clause picker of an ethics concern and the
public Code search. It combines two signals:

- meaning: two sentence-embedding models run on this machine (`practicum.lib.embeddings`:
  all-MiniLM-L6-v2 and the Universal Sentence Encoder multilingual) compare the mentor's text
  with each clause and with everyday situations listed for it (our data, in `lens/`), so that
  "my mentee's HR director wants my notes" reaches Confidentiality. Their cosines are averaged
  for English text (each model finds clauses the other misses); text in another language is
  read by the multilingual model alone, and compared with the situations written in other
  languages as well as the English ones, so a Spanish dilemma finds its clause too. Besides the
  cosines, a linear read-out of the same vectors (ridge regression, fitted on the clauses and
  their situations when the index is built, in milliseconds) scores each clause by the
  directions of meaning that set its situations apart from the other clauses', rather than by
  everything a mentor's text shares with them;
- words: BM25 (`lexical.py`) over the clause and its section title, with English stop words and
  the words every clause shares ("members", "clients", "mentoring"...) removed, so that "asked"
  or "session" no longer decide anything.

The clause side is computed once per version of the Code: in this process's memory, in the
cache table and in a file on the machine (`embeddings.stored_vectors`), keyed by the version's
content digest and the model, and filled when the Code is loaded (`warm`). A request then
costs one encoding of the mentor's text. Nothing leaves the machine and nothing is logged.

A suggestion is a prompt for the mentor's judgement, never a verdict: each carries a short
reason: the listed situation closest to what the mentor wrote (or the clause's opening words).
"""

import hashlib
import re
import threading
from dataclasses import dataclass, field
from functools import cache as memoise
from pathlib import Path

import numpy as np
from django.core.cache import cache

from practicum.frameworks.lexical import STOP_WORDS, BM25Index
from practicum.frameworks.models import EthicsClause, FrameworkVersion
from practicum.lib import embeddings
from practicum.lib.yamlfile import load_yaml

MODEL_NAME = "all-MiniLM-L6-v2+USE-multilingual-v3"
# How much each model's cosines count, for English text and for text in any other language
# (MiniLM reads English only). Chosen on the `dev` split of the evaluation set.
ENGLISH_MODEL_WEIGHTS = (0.5, 0.5)  # (MiniLM, multilingual)
OTHER_MODEL_WEIGHTS = (0.0, 1.0)

# Words that occur in most clauses of the Code or in most dilemmas, and so say nothing about
# which clause a dilemma is about.
_DOMAIN_WORDS = """
    imc professional professionals member members client clients mentee mentees mentor
    mentors mentoring mentored session sessions will ensure way asked ask asks told said want
    wants think feel felt know get got one two also like really would could
"""
DOMAIN_STOP_WORDS = STOP_WORDS | frozenset(_DOMAIN_WORDS.split())

# How the signals add up (cosines, and BM25 scaled to 0..1 by the best clause for this text);
# chosen on the evaluation set (`practicum/frameworks/eval/`), see the README there.
SITUATION_MAX_WEIGHT = 0.5  # the closest everyday situation listed for the clause
SITUATION_MEAN_WEIGHT = 0.5  # all its situations on average
CLAUSE_WEIGHT = 0.35  # the clause's own text
LEXICAL_WEIGHT = 0.05  # words shared with the clause or its section title
# A linear read-out of the same vectors, fitted to tell the clauses' situations apart (see
# `fit_head`): it learns which directions of meaning separate one clause from another, where a
# cosine also counts what every mentor's text shares ("my mentee", a meeting, a worry).
HEAD_WEIGHT = 1.5
HEAD_RIDGE = 1.0  # how strongly the read-out is held towards zero (ridge regression)
# Worked examples (`lens/examples/`) teach the read-out how mentors actually put a dilemma: a
# first-person account with its context, where a situation is a short phrase. Each counts as
# this many situations.
EXAMPLE_WEIGHT = 2.0
# Words shared with the clause's everyday situations and worked examples (BM25 over them,
# scaled to 0..1 by the best clause): "laptop" or "LinkedIn" say more than any word of the Code.
SITUATION_LEXICAL_WEIGHT = 0.2

LENS_DIR = Path(__file__).resolve().parent / "lens"
EXAMPLES_DIR = LENS_DIR / "examples"
SPAN_WORDS = 10  # a span is about this many words of the clause...
SPAN_STRIDE = 5  # ...starting every this many words
WHOLE_TEXT_WORDS = 160  # up to this many words, the text is encoded whole
PASSAGE_WORDS = 60  # a longer text is cut into passages of about this many words
MAX_PASSAGES = 12  # and at most this many are read (a long text: its first passages)
SEARCH_MIN_SCORE = 0.6  # a clause found only by meaning must be at least this close

_DIMENSIONS = embeddings.DIMENSIONS + embeddings.MULTILINGUAL_DIMENSIONS
_LOCK = threading.Lock()
_VECTORS: dict[str, np.ndarray] = {}  # by cache key: computed once per process at most
_HEADS: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # by cache key: fitted once per process

_LEADING = re.compile(r"^(?:imc professionals|members)\s+will\s+", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n+")


@dataclass(frozen=True)
class ClauseSuggestion:
    """A clause worth considering, how close it is, and why (in the clause's own words)."""

    clause: EthicsClause
    score: float
    reason: str
    matched: list[str] = field(default_factory=list)  # the mentor's words also in the clause
    stems: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SearchHit:
    clause: EthicsClause
    exact: bool  # holds every word searched for
    reason: str = ""


@dataclass(frozen=True)
class WorkedExample:
    """A dilemma in a mentor's own words and the clause(s) it is about (our training data)."""

    text: str
    clauses: tuple[str, ...]
    english: bool
    source: str  # the file it comes from, so the evaluation can leave one file out


@dataclass
class ClauseIndex:
    clauses: list[EthicsClause]
    # Each row: MiniLM's vector, then the multilingual model's (embeddings.DIMENSIONS first).
    clause_vectors: np.ndarray  # (clauses, dims): the clause text
    situation_vectors: np.ndarray  # (situations, dims)
    situation_owner: np.ndarray  # (situations,): index of the clause each situation belongs to
    # (situations,): written in another language than English, so only for text that isn't
    # English (MiniLM reads English only, and they would blur an English text's mean).
    situation_other: np.ndarray
    situations: list[str]
    openings: list[str]  # each clause's first words, the reason when it lists no situation
    bm25: BM25Index
    # BM25 over each clause's English situations and worked examples together.
    situation_bm25: BM25Index | None = None
    # The read-outs (`fit_head`): for English text (both models, weighted as the text is) and
    # for any other language (the multilingual model alone), each (dims + 1, clauses).
    head_english: np.ndarray | None = None
    head_other: np.ndarray | None = None


def clause_document(clause: EthicsClause) -> str:
    """A clause is found by its text and by its section title (Confidentiality, Contract...)."""
    return f"{clause.section_title}. {clause.text}"


def clause_spans(text: str) -> list[str]:
    """Overlapping spans of a clause, its boilerplate opening ("Members will") left out."""
    words = _LEADING.sub("", text).rstrip(".").split()
    if len(words) <= SPAN_WORDS:
        return [" ".join(words)]
    starts = list(range(0, len(words) - SPAN_WORDS + 1, SPAN_STRIDE))
    if starts[-1] + SPAN_WORDS < len(words):
        starts.append(len(words) - SPAN_WORDS)
    return [" ".join(words[s : s + SPAN_WORDS]) for s in starts]


def passages(text: str) -> list[str]:
    """The mentor's text as passages of whole sentences, about PASSAGE_WORDS words each."""
    out: list[str] = []
    current: list[str] = []
    for sentence in _SENTENCE.split(text or ""):
        words = sentence.split()
        if not words:
            continue
        if current and len(current) + len(words) > PASSAGE_WORDS:
            out.append(" ".join(current))
            current = []
        current.extend(words)
        while len(current) > PASSAGE_WORDS * 2:  # one very long sentence
            out.append(" ".join(current[:PASSAGE_WORDS]))
            current = current[PASSAGE_WORDS:]
    if current:
        out.append(" ".join(current))
    return out[:MAX_PASSAGES]


@memoise
def _situations_file(version: str) -> tuple[str, dict[str, list[str]], dict[str, list[str]]]:
    path = LENS_DIR / f"code_of_ethics-{version}.yaml"
    if not path.is_file():
        return "", {}, {}
    raw = path.read_text(encoding="utf-8")
    doc = load_yaml(raw) or {}
    clauses = {str(k): [str(t) for t in v or []] for k, v in (doc.get("clauses") or {}).items()}
    other: dict[str, list[str]] = {}
    for by_clause in (doc.get("other_languages") or {}).values():
        for k, v in (by_clause or {}).items():
            other.setdefault(str(k), []).extend(str(t) for t in v or [])
    return hashlib.sha256(raw.encode()).hexdigest(), clauses, other


def situations(version: str) -> dict[str, list[str]]:
    """Everyday situations per clause identifier for a Code version (our data; may be empty)."""
    return _situations_file(version)[1]


def other_language_situations(version: str) -> dict[str, list[str]]:
    """The same in the platform's other languages (all of them together), per clause."""
    return _situations_file(version)[2]


@memoise
def _examples_files(version: str) -> tuple[str, tuple[WorkedExample, ...]]:
    folder = EXAMPLES_DIR / f"code_of_ethics-{version}"
    digest = hashlib.sha256()
    found: list[WorkedExample] = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        raw = path.read_text(encoding="utf-8")
        digest.update(f"{path.name}\n{raw}\n".encode())
        doc = load_yaml(raw) or {}
        english = str(doc.get("language") or "en") == "en"
        for item in doc.get("dilemmas") or []:
            found.append(
                WorkedExample(
                    text=" ".join(str(item["text"]).split()),
                    clauses=tuple(str(c) for c in item["clauses"]),
                    english=english,
                    source=path.stem,
                )
            )
    return digest.hexdigest(), tuple(found)


def examples(version: str) -> list[WorkedExample]:
    """The worked examples for a Code version (our data; may be empty)."""
    return list(_examples_files(version)[1])


def _cache_key(framework: FrameworkVersion) -> str:
    version = framework.version
    digest = hashlib.sha256(
        f"v6|{framework.content_hash}|{_situations_file(version)[0]}|"
        f"{_examples_files(version)[0]}|{MODEL_NAME}".encode()
    ).hexdigest()[:32]
    return f"clause-vectors:{digest}"


def build_index(
    clauses: list[EthicsClause],
    *,
    situations: dict[str, list[str]] | None = None,
    other_situations: dict[str, list[str]] | None = None,
    examples: list[WorkedExample] | tuple[WorkedExample, ...] = (),
    cache_key: str | None = None,
) -> ClauseIndex:
    """The clause side of the ranker: vectors of each clause and of its everyday situations
    (in English, then in other languages), the read-out fitted on those and on the worked
    examples, and BM25. With `cache_key`, vectors come from memory or the cache table when
    there."""
    listed: list[str] = []
    listed_owner: list[int] = []
    listed_other: list[bool] = []
    for by_clause, other in ((situations, False), (other_situations, True)):
        for index, clause in enumerate(clauses):
            for text in (by_clause or {}).get(clause.identifier, []):
                listed.append(text)
                listed_owner.append(index)
                listed_other.append(other)
    position = {clause.identifier: i for i, clause in enumerate(clauses)}
    examples = [e for e in examples if any(c in position for c in e.clauses)]
    texts = [c.text for c in clauses] + listed + [e.text for e in examples]
    expected = len(texts)
    vectors = _VECTORS.get(cache_key) if cache_key else None
    if vectors is None or len(vectors) != expected:
        stored = cache.get(cache_key) if cache_key else None
        if isinstance(stored, bytes) and len(stored) == expected * _DIMENSIONS * 4:
            vectors = np.frombuffer(stored, dtype=np.float32).reshape(expected, -1)
        else:
            vectors = embeddings.stored_vectors(cache_key, expected) if cache_key else None
            if vectors is None:
                vectors = np.hstack(
                    [embeddings.encode(texts), embeddings.encode_multilingual(texts)]
                )
                if cache_key:
                    embeddings.store_vectors(cache_key, vectors)
            if cache_key:
                cache.set(cache_key, vectors.astype(np.float32).tobytes(), timeout=None)
        if cache_key:
            _VECTORS[cache_key] = vectors
    owner = np.array(listed_owner, dtype=np.int64)
    other = np.array(listed_other, dtype=bool)
    situation_end = len(clauses) + len(listed)
    head = _HEADS.get(cache_key) if cache_key else None
    if head is None and clauses:
        # An example about two clauses teaches both: one row for each.
        rows = [
            (i, position[c]) for i, e in enumerate(examples) for c in e.clauses if c in position
        ]
        example_rows = np.array([situation_end + i for i, _ in rows], dtype=np.int64)
        head = fit_head(
            vectors[: len(clauses)],
            vectors[len(clauses) : situation_end],
            owner,
            other,
            example_vectors=vectors[example_rows],
            example_owner=np.array([c for _, c in rows], dtype=np.int64),
            example_other=np.array([not examples[i].english for i, _ in rows], dtype=bool),
        )
        if cache_key:
            _HEADS[cache_key] = head
    documents: dict[int, list[str]] = {}
    for text, index, is_other in zip(listed, listed_owner, listed_other, strict=True):
        if not is_other:
            documents.setdefault(index, []).append(text)
    for example in examples:
        for identifier in example.clauses:
            if example.english and identifier in position:
                documents.setdefault(position[identifier], []).append(example.text)
    return ClauseIndex(
        clauses=clauses,
        clause_vectors=vectors[: len(clauses)],
        situation_vectors=vectors[len(clauses) : situation_end],
        situation_owner=owner,
        situation_other=other,
        head_english=head[0] if head else None,
        head_other=head[1] if head else None,
        situations=listed,
        openings=[clause_spans(c.text)[0] for c in clauses],
        bm25=BM25Index(
            ((i, clause_document(c)) for i, c in enumerate(clauses)),
            stop_words=DOMAIN_STOP_WORDS,
        ),
        situation_bm25=BM25Index(
            ((i, " ".join(parts)) for i, parts in sorted(documents.items())),
            stop_words=DOMAIN_STOP_WORDS,
        )
        if documents
        else None,
    )


def _ridge(
    features: np.ndarray, owners: np.ndarray, size: int, weights: np.ndarray | None = None
) -> np.ndarray:
    """Least squares from the features (and a constant) to each row's clause as a one-hot
    vector, each row counted by its weight, held towards zero by HEAD_RIDGE: one linear solve,
    a few milliseconds."""
    x = np.hstack([features, np.ones((len(features), 1))]).astype(np.float64)
    targets = np.zeros((len(features), size))
    targets[np.arange(len(features)), owners] = 1.0
    if weights is not None:
        root = np.sqrt(weights.astype(np.float64))[:, None]
        x, targets = x * root, targets * root
    penalty = np.full(x.shape[1], HEAD_RIDGE)
    penalty[-1] = 0.0  # the constant is not held back
    return np.linalg.solve(x.T @ x + np.diag(penalty), x.T @ targets).astype(np.float32)


def fit_head(
    clause_vectors: np.ndarray,
    situation_vectors: np.ndarray,
    situation_owner: np.ndarray,
    situation_other: np.ndarray,
    *,
    example_vectors: np.ndarray | None = None,
    example_owner: np.ndarray | None = None,
    example_other: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Two linear read-outs from a text's vector to the clauses, fitted on the clauses' own
    texts, their everyday situations and the worked examples (never on the held-out
    evaluation dilemmas): one for English text, on both models' vectors weighted as
    `_text_vector` weighs them and on the English rows only; one for other languages, on the
    multilingual model's vectors of every row (it reads them all alike)."""
    size = len(clause_vectors)
    split = embeddings.DIMENSIONS
    english_weight, multilingual_weight = ENGLISH_MODEL_WEIGHTS
    if example_vectors is None or not len(example_vectors):
        example_vectors = np.zeros((0, clause_vectors.shape[1]), dtype=np.float32)
        example_owner = np.zeros(0, dtype=np.int64)
        example_other = np.zeros(0, dtype=bool)
    own = np.arange(size)
    english = ~situation_other.astype(bool)
    english_examples = ~example_other.astype(bool)
    rows = np.vstack(
        [clause_vectors, situation_vectors[english], example_vectors[english_examples]]
    )
    owners = np.concatenate([own, situation_owner[english], example_owner[english_examples]])
    weights = np.ones(len(rows))
    weights[len(rows) - int(english_examples.sum()) :] = EXAMPLE_WEIGHT
    weighted = np.hstack([rows[:, :split] * english_weight, rows[:, split:] * multilingual_weight])
    head_english = _ridge(weighted, owners, size, weights)
    rows = np.vstack([clause_vectors, situation_vectors, example_vectors])[:, split:]
    owners = np.concatenate([own, situation_owner, example_owner])
    weights = np.ones(len(rows))
    weights[len(rows) - len(example_vectors) :] = EXAMPLE_WEIGHT
    head_other = _ridge(rows * OTHER_MODEL_WEIGHTS[1], owners, size, weights)
    return head_english, head_other


def clause_index(framework: FrameworkVersion) -> ClauseIndex:
    """The clause side of the ranker for one version of the Code: its clauses (one query) and
    their vectors (computed once per version, then read from memory or the cache table)."""
    clauses = list(framework.clauses.order_by("position"))
    return build_index(
        clauses,
        situations=situations(framework.version),
        other_situations=other_language_situations(framework.version),
        examples=examples(framework.version),
        cache_key=_cache_key(framework),
    )


def warm(framework: FrameworkVersion) -> None:
    """Compute a Code version's clause vectors and keep them in the cache table for every
    process (the loader calls this)."""
    if framework.kind != FrameworkVersion.Kind.CODE_OF_ETHICS:
        return
    clause_index(framework)
    key = _cache_key(framework)
    if cache.get(key) is None and key in _VECTORS:
        cache.set(key, _VECTORS[key].astype(np.float32).tobytes(), timeout=None)


def _current_code() -> FrameworkVersion | None:
    return FrameworkVersion.objects.current(FrameworkVersion.Kind.CODE_OF_ETHICS)


_ENGLISH = """
    the and of to a in is that it was for on with as i my me her his he she they we you not
    have has had but be at this what so if or an about do does did don't can't
"""
_OTHER = """
    el la los las de del que y en un una por para con su sus mi mis es son se lo le les al
    pero como más ya ni porque muy sin sobre también hasta hay donde desde nos yo ella él
    está estaba fue era
"""  # Spanish, the platform's other language so far
_ENGLISH_WORDS = frozenset(_ENGLISH.split())
_OTHER_WORDS = frozenset(_OTHER.split())


def reads_as_english(text: str) -> bool:
    """Whether the text's little words are mostly English ones (MiniLM reads only English)."""
    words = re.findall(r"[\w']+", text.lower())
    english = sum(w in _ENGLISH_WORDS for w in words)
    return english >= sum(w in _OTHER_WORDS for w in words)


def _encode(texts: list[str], weights: tuple[float, float]) -> np.ndarray:
    """Vectors laid out as the clause side's, each model's part scaled by its weight, so one
    dot product gives the weighted mean of the models' cosines. A model weighed 0 is not run."""
    english_weight, multilingual_weight = weights
    if english_weight:
        english = embeddings.encode(texts) * english_weight
    else:
        english = np.zeros((len(texts), embeddings.DIMENSIONS), dtype=np.float32)
    multilingual = embeddings.encode_multilingual(texts) * multilingual_weight
    return np.hstack([english, multilingual]).astype(np.float32)


def _text_vector(text: str) -> np.ndarray:
    """One vector for the mentor's text, as a (1, dims) array: the text itself when the models
    can read it whole, else the mean direction of its passages (MiniLM reads 256 pieces)."""
    weights = ENGLISH_MODEL_WEIGHTS if reads_as_english(text) else OTHER_MODEL_WEIGHTS
    if len(text.split()) <= WHOLE_TEXT_WORDS:
        return _encode([" ".join(text.split())], weights)
    vectors = _encode(passages(text), weights)
    split = embeddings.DIMENSIONS
    parts = []
    for part, weight in ((vectors[:, :split], weights[0]), (vectors[:, split:], weights[1])):
        mean = part.mean(axis=0)
        parts.append(mean / max(float(np.linalg.norm(mean)), 1e-12) * weight)
    return np.concatenate(parts)[None, :].astype(np.float32)


def _head_scores(index: ClauseIndex, vectors: np.ndarray, english: bool) -> np.ndarray:
    """The read-out's score for each clause (about 1 for the clause it is sure of, 0 for none)."""
    head = index.head_english if english else index.head_other
    if head is None:
        return np.zeros(len(index.clauses), dtype=np.float32)
    features = vectors[0] if english else vectors[0, embeddings.DIMENSIONS :]
    return (np.append(features, 1.0).astype(np.float32) @ head).astype(np.float32)


def _scores(index: ClauseIndex, text: str) -> tuple[np.ndarray, list[str], list]:
    """Per clause: the combined score, the reason to show, and BM25's results."""
    vectors = _text_vector(text)
    english = reads_as_english(text)
    size = len(index.clauses)
    clause_similarity = (vectors @ index.clause_vectors.T).max(axis=0)
    combined = CLAUSE_WEIGHT * clause_similarity
    reason = list(index.openings)
    if len(index.situation_owner):
        similarity = (vectors @ index.situation_vectors.T).max(axis=0)
        skip = index.situation_other if english else np.zeros_like(index.situation_other)
        best = np.full(size, -1.0, dtype=np.float32)
        total = np.zeros(size, dtype=np.float32)
        count = np.zeros(size, dtype=np.float32)
        # Text in another language is shown the closest situation written in one (Spanish for
        # Spanish text) where the clause has any, rather than an English one.
        best_other = np.full(size, -1.0, dtype=np.float32)
        for situation, owner in enumerate(index.situation_owner):
            if skip[situation]:
                continue
            if similarity[situation] > best[owner]:
                best[owner] = similarity[situation]
                if best_other[owner] < 0:
                    reason[owner] = index.situations[situation]
            other_language = not english and index.situation_other[situation]
            if other_language and similarity[situation] > best_other[owner]:
                best_other[owner] = similarity[situation]
                reason[owner] = index.situations[situation]
            total[owner] += similarity[situation]
            count[owner] += 1.0
        listed = count > 0
        # A clause without situations counts its own text in their place.
        best = np.where(listed, best, clause_similarity)
        mean = np.where(listed, total / np.maximum(count, 1.0), clause_similarity)
        combined = combined + SITUATION_MAX_WEIGHT * best + SITUATION_MEAN_WEIGHT * mean
    else:
        combined = combined + (SITUATION_MAX_WEIGHT + SITUATION_MEAN_WEIGHT) * clause_similarity
    lexical = np.zeros(size, dtype=np.float32)
    ranked = index.bm25.rank(text)
    if ranked:
        top = ranked[0].score
        for r in ranked:
            lexical[r.key] = r.score / top
    combined = combined + HEAD_WEIGHT * _head_scores(index, vectors, english)
    if english and index.situation_bm25 is not None:
        everyday = index.situation_bm25.rank(text)
        if everyday:
            top = everyday[0].score
            for r in everyday:
                combined[r.key] += SITUATION_LEXICAL_WEIGHT * r.score / top
    return combined + LEXICAL_WEIGHT * lexical, reason, ranked


def suggest_clauses(
    text: str, *, framework: FrameworkVersion | None = None, limit: int = 5
) -> list[ClauseSuggestion]:
    """The clauses of `framework` (the Code in force by default) closest in meaning to `text`,
    best first, each with a score and a reason (the closest situation it covers).

    An empty text, or no Code loaded, gives no suggestions. Costs one encoding of `text` (and,
    the first time a Code version is met in this process, one read of the cache table)."""
    if not (text or "").strip():
        return []
    framework = framework or _current_code()
    if framework is None:
        return []
    return rank(clause_index(framework), text, limit=limit)


def rank(index: ClauseIndex, text: str, *, limit: int = 5) -> list[ClauseSuggestion]:
    """`suggest_clauses` over a given index (the evaluation script builds its own)."""
    if not index.clauses or not (text or "").strip():
        return []
    combined, reasons, ranked = _scores(index, text)
    by_key = {r.key: r for r in ranked}
    order = np.argsort(-combined, kind="stable")[: max(limit, 0)]
    suggestions = []
    for i in order:
        hit = by_key.get(int(i))
        suggestions.append(
            ClauseSuggestion(
                clause=index.clauses[int(i)],
                score=round(float(combined[i]), 4),
                reason=reasons[int(i)],
                matched=list(hit.matched) if hit else [],
                stems=hit.stems if hit else frozenset(),
            )
        )
    return suggestions


SEARCH_TERMS = re.compile(r"[\w’'-]+")


def search_clauses(query: str, *, framework: FrameworkVersion, limit: int = 25) -> list[SearchHit]:
    """The Code search box: clauses holding every word searched for (in Code order), then
    clauses close in meaning to the query, best first, above SEARCH_MIN_SCORE."""
    terms = [w for w in SEARCH_TERMS.findall((query or "").lower()) if len(w) > 1][:8]
    if not terms:
        return []
    index = clause_index(framework)
    exact = []
    for clause in index.clauses:
        haystack = f"{clause.text} {clause.section_title}".lower()
        if all(t in haystack or t == clause.identifier.lower() for t in terms):
            exact.append(clause)
    hits = [SearchHit(clause=c, exact=True) for c in exact]
    seen = {c.pk for c in exact}
    combined, reasons, _ranked = _scores(index, query)
    for i in np.argsort(-combined, kind="stable"):
        if len(hits) >= limit or combined[i] < SEARCH_MIN_SCORE:
            break
        clause = index.clauses[int(i)]
        if clause.pk in seen:
            continue
        hits.append(SearchHit(clause=clause, exact=False, reason=reasons[int(i)]))
    return hits[:limit]
