"""Clause suggestions for a concern's text: the one place that picks the ranking in use."""

from practicum.frameworks.models import EthicsClause, FrameworkVersion


def suggest_clauses(
    text: str, framework: FrameworkVersion | None = None, limit: int = 5
) -> list[EthicsClause]:
    """The clauses of the Code in force that best match `text`, best first."""
    try:  # the frameworks' own ranking, once it exists
        from practicum.frameworks.ranking import suggest_clauses as frameworks_suggest
    except ImportError:
        frameworks_suggest = None
    if frameworks_suggest is not None:
        return list(frameworks_suggest(text, framework=framework, limit=limit))
    from practicum.frameworks.services import current_code
    from practicum.reflection.ranking import BM25Index, clause_documents

    framework = framework or current_code()
    if framework is None or not text.strip():
        return []
    clauses = list(framework.clauses.all())
    by_pk = {c.pk: c for c in clauses}
    ranked = BM25Index(clause_documents(clauses)).rank(text, limit=limit)
    return [by_pk[r.key] for r in ranked]
