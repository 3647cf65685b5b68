"""Finding resources by words and by meaning: the same on-machine ranker as the Ethics Lens.

Words: BM25 (`frameworks.lexical`) over each resource's title, summary and author. Meaning:
the sentence-embedding model of `lib.embeddings` compares the query with each resource's title
and summary; a resource's vector is computed once per version and kept on that version row, so a
search costs one encoding of the query. Nothing leaves the machine and queries are not logged.
Without the model installed the search falls back to words alone.
"""

import numpy as np

from practicum.frameworks.lexical import BM25Index
from practicum.lib import embeddings
from practicum.library.models import Resource, ResourceVersion

MODEL_NAME = "all-MiniLM-L6-v2"
# Below this cosine similarity a resource is not about the query at all.
MEANING_FLOOR = 0.25
WORDS_WEIGHT = 0.1


def resource_text(title: str, summary: str) -> str:
    return f"{title}. {summary}"


def _vectors(resources: list[Resource]) -> dict[int, np.ndarray]:
    """The newest version's vector of each resource, computing (and keeping) missing ones."""
    newest: dict[int, ResourceVersion] = {}
    versions = (
        ResourceVersion.objects.filter(resource__in=resources)
        .order_by("resource_id", "-number")
        .only("pk", "resource_id", "number", "vector", "vector_model", "metadata")
    )
    for version in versions:
        newest.setdefault(version.resource_id, version)
    missing = [v for v in newest.values() if not v.vector or v.vector_model != MODEL_NAME]
    if missing:
        encoded = embeddings.encode(
            [
                resource_text(v.metadata.get("title", ""), v.metadata.get("summary", ""))
                for v in missing
            ]
        )
        for version, vector in zip(missing, encoded, strict=True):
            version.vector = vector.astype(np.float32).tobytes()
            version.vector_model = MODEL_NAME
        ResourceVersion.objects.bulk_update(missing, ["vector", "vector_model"])
    return {rid: np.frombuffer(bytes(v.vector), dtype=np.float32) for rid, v in newest.items()}


def rank(resources: list[Resource], query: str) -> list[Resource]:
    """`resources` about `query`, best first: shared words and close meaning both count."""
    query = " ".join(query.split())
    if not query or not resources:
        return []
    by_pk = {r.pk: r for r in resources}
    index = BM25Index((r.pk, f"{r.title} {r.summary} {r.author}") for r in resources)
    scores: dict[int, float] = {hit.key: WORDS_WEIGHT * hit.score for hit in index.rank(query)}
    if embeddings.available():
        vectors = _vectors(resources)
        wanted = embeddings.encode([query])[0]
        for pk, vector in vectors.items():
            similarity = float(np.dot(vector, wanted))
            if similarity >= MEANING_FLOOR:
                scores[pk] = scores.get(pk, 0.0) + similarity
    ordered = sorted(scores, key=lambda pk: -scores[pk])
    return [by_pk[pk] for pk in ordered if pk in by_pk]
