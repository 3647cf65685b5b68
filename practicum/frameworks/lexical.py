"""Okapi BM25, small and pure: the lexical half of the clause ranker (`ranking.py`).

Documents and queries go through the same analysis: words are lower-cased, a short list of
English stop words is dropped, and a light suffix-stripping stemmer folds "boundaries" and
"boundary", "sharing", "shared" and "share" together. Scores follow Robertson and Zaragoza's
BM25 with the non-negative idf of Lucene:

    idf(t) = ln(1 + (N - n(t) + 0.5) / (n(t) + 0.5))
    score(d, q) = sum over query terms t of
                  idf(t) * f(t, d) * (k1 + 1) / (f(t, d) + k1 * (1 - b + b * |d| / avgdl))

A query term counts once, however often the query repeats it: a long dilemma that says
"sponsor" five times should not drown a clause in that one word.
"""

import math
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

K1 = 1.5
B = 0.75

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")

_STOP_WORDS_TEXT = """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each even
    ever few for from further had has have having he her here hers herself him himself his
    how i if in into is it its itself just let me more most much must my myself no nor not
    now of off on once only or other our ours ourselves out over own same she should so some
    such than that the their theirs them themselves then there these they this those through
    to too under until up upon us very was we were what when where which while who whom why
    will with would yet you your yours yourself yourselves toward towards within without
    across along among amongst whether however therefore thus may might shall etc
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

# (suffix, replacement), longest first; the first that leaves a stem of 3 letters or more wins.
SUFFIXES = (
    ("ations", "ate"),
    ("ation", "ate"),
    ("ities", ""),
    ("ments", ""),
    ("ness", ""),
    ("ment", ""),
    ("sses", "ss"),
    ("ies", "y"),
    ("ied", "y"),
    ("ity", ""),
    ("ing", ""),
    ("es", ""),
    ("ed", ""),
    ("ly", ""),
    ("s", ""),
)
# "es" is a suffix only after these (boxes, processes, approaches); otherwise "issues" is
# "issue" + "s", and the final "e" goes below.
ES_AFTER = ("s", "x", "z", "ch", "sh")
KEEP_DOUBLE = frozenset("lsz")


def stem(word: str) -> str:
    """A light, consistent stem: the same rule on clause and dilemma is what matters."""
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace("'", "")
    for suffix, replacement in SUFFIXES:
        if not word.endswith(suffix) or len(word) - len(suffix) < 3:
            continue
        base = word[: -len(suffix)]
        if suffix == "es" and not base.endswith(ES_AFTER):
            continue
        if suffix == "s" and (word.endswith("ss") or word.endswith("us") or word.endswith("is")):
            continue
        word = base + replacement
        doubled = len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiou"
        if suffix in {"ing", "ed"} and doubled and word[-1] not in KEEP_DOUBLE:
            word = word[:-1]  # planning -> plan, stopped -> stop
        break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]  # share, shared, sharing -> shar
    return word


def words(text: str, stop_words: frozenset[str] = STOP_WORDS) -> list[str]:
    """The words of `text` that carry meaning, as written (lower-cased)."""
    found = (w.lower().replace("’", "'") for w in WORD.findall(text or ""))
    return [w for w in found if len(w) > 1 and w.split("'")[0] not in stop_words]


def analyse(text: str, stop_words: frozenset[str] = STOP_WORDS) -> list[str]:
    """The terms BM25 counts: the stems of the meaningful words."""
    return [stem(w) for w in words(text, stop_words)]


@dataclass(frozen=True)
class Ranked:
    key: Hashable
    score: float
    matched: list[str] = field(default_factory=list)  # a query word per term, as written
    stems: frozenset[str] = frozenset()


class BM25Index:
    """An index over (key, text) documents, built once and queried many times."""

    def __init__(
        self,
        documents: Iterable[tuple[Hashable, str]],
        *,
        k1: float = K1,
        b: float = B,
        stop_words: frozenset[str] = STOP_WORDS,
    ):
        self.k1, self.b, self.stop_words = k1, b, stop_words
        self.keys: list[Hashable] = []
        self.frequencies: list[Counter] = []
        self.lengths: list[int] = []
        for key, text in documents:
            terms = analyse(text, stop_words)
            self.keys.append(key)
            self.frequencies.append(Counter(terms))
            self.lengths.append(len(terms))
        self.size = len(self.keys)
        self.average_length = (sum(self.lengths) / self.size) if self.size else 0.0
        document_frequency: Counter = Counter()
        for counts in self.frequencies:
            document_frequency.update(counts.keys())
        self.idf = {
            term: math.log(1 + (self.size - n + 0.5) / (n + 0.5))
            for term, n in document_frequency.items()
        }

    def score(self, index: int, terms: Iterable[str]) -> float:
        counts, length = self.frequencies[index], self.lengths[index]
        norm = self.k1 * (1 - self.b + self.b * length / (self.average_length or 1))
        total = 0.0
        for term in terms:
            f = counts.get(term, 0)
            if f:
                total += self.idf[term] * f * (self.k1 + 1) / (f + norm)
        return total

    def rank(self, query: str, *, limit: int | None = None) -> list[Ranked]:
        """Documents sharing a term with `query`, best first (ties keep document order)."""
        query_words = words(query, self.stop_words)
        by_stem: dict[str, list[str]] = {}
        for word in query_words:
            surface = by_stem.setdefault(stem(word), [])
            if word not in surface:
                surface.append(word)
        terms = [t for t in by_stem if t in self.idf]
        results = []
        for index in range(self.size):
            value = self.score(index, terms)
            if value <= 0:
                continue
            hit = [t for t in terms if t in self.frequencies[index]]
            results.append(
                Ranked(
                    key=self.keys[index],
                    score=value,
                    matched=[by_stem[t][0] for t in hit],
                    stems=frozenset(hit),
                )
            )
        results.sort(key=lambda r: -r.score)  # stable: equal scores keep document order
        return results[:limit] if limit is not None else results


def highlight_spans(text: str, stems: frozenset[str]) -> list[tuple[str, bool]]:
    """`text` cut into (piece, matched) runs, a word matched when its stem is in `stems`."""
    spans: list[tuple[str, bool]] = []
    position = 0
    for match in WORD.finditer(text):
        word = match.group(0)
        is_hit = word.lower().split("'")[0] not in STOP_WORDS and stem(word) in stems
        if not is_hit:
            continue
        if match.start() > position:
            spans.append((text[position : match.start()], False))
        spans.append((word, True))
        position = match.end()
    if position < len(text):
        spans.append((text[position:], False))
    return spans


def clause_documents(clauses: Sequence) -> list[tuple[int, str]]:
    """A clause is found by its text and by its section title (Confidentiality, Contract...)."""
    return [(c.pk, f"{c.section_title}. {c.text}") for c in clauses]
