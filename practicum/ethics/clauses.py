"""Clause suggestions for a concern's text: the same on-machine ranker as the Ethics Lens."""

from practicum.frameworks.models import EthicsClause, FrameworkVersion
from practicum.frameworks.ranking import suggest_clauses as rank_clauses


def suggest_clauses(
    text: str, framework: FrameworkVersion | None = None, limit: int = 5
) -> list[EthicsClause]:
    """The clauses of the Code in force that best match `text`, best first."""
    if not text.strip():
        return []
    return [s.clause for s in rank_clauses(text, framework=framework, limit=limit)]
