"""Recommended for you: which resources to point a mentor to, and why.

The rules are plain functions over plain values (tested on their own): each signal of what the
mentor could learn yields resources with the reason they are shown, and `combine` keeps each
resource once, with its first reason, in the order of the signals:

1. the readiness statements the mentor scored lowest: a resource whose title and summary share
   at least two meaningful words with the statement ("recurring patterns"), or tagged with the
   competency a statement belongs to when the caller knows one;
2. the competencies they rated lowest in their self-assessment: a resource tagged with one;
3. the Code clauses their Ethics Lens worksheets cite most: a resource tagged with one;
4. their upcoming lab's theme: a resource tagged with a theme the lab's theme speaks of.

Only resources the mentor may read whole are candidates, and none they have already studied.
The panel is the mentor's own: nobody else's page asks for it.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from practicum.frameworks.lexical import analyse
from practicum.lib.translations import isolated
from practicum.library import access, data
from practicum.library.models import Resource, StudyRecord

LIMIT = 6
# Words too common in the questionnaire and in resources to say what a statement is about.
GENERIC = frozenset(analyse("client clients mentor mentee mentoring supervision session work"))
SHARED_WORDS_NEEDED = 2


@dataclass(frozen=True)
class Candidate:
    resource: Resource
    competency_ids: frozenset[int]
    clause_ids: frozenset[int]
    themes: frozenset[str]
    stems: frozenset[str]


@dataclass(frozen=True)
class Recommendation:
    resource: Resource
    reason: str


def candidate(resource: Resource) -> Candidate:
    """A resource as the rules see it (its tags prefetched)."""
    return Candidate(
        resource=resource,
        competency_ids=frozenset(c.pk for c in resource.competencies.all()),
        clause_ids=frozenset(c.pk for c in resource.clauses.all()),
        themes=frozenset(t.slug for t in resource.tags.all() if t.vocabulary == "theme"),
        stems=frozenset(analyse(f"{resource.title} {resource.summary}")) - GENERIC,
    )


def _about(statement_text: str, item: Candidate) -> bool:
    wanted = frozenset(analyse(statement_text)) - GENERIC
    return len(wanted & item.stems) >= SHARED_WORDS_NEEDED


def from_statements(statements, candidates: list[Candidate]) -> list[Recommendation]:
    """`statements`: (text, competency id or None[, the text as the reader reads it]), lowest
    score first. A resource is matched on the text as written (the resources' words)."""
    out = []
    for text, competency_id, *shown in statements:
        reason = _("Because you rated “%(statement)s” low in your readiness reflection.") % {
            "statement": shown[0] if shown else text
        }
        for item in candidates:
            if (competency_id and competency_id in item.competency_ids) or _about(text, item):
                out.append(Recommendation(item.resource, reason))
    return out


def from_competencies(competencies, candidates: list[Candidate]) -> list[Recommendation]:
    """`competencies`: (id, name), lowest rated first."""
    out = []
    for competency_id, name in competencies:
        reason = _("Because you rated “%(competency)s” among your lowest competencies.") % {
            "competency": name
        }
        out += [
            Recommendation(item.resource, reason)
            for item in candidates
            if competency_id in item.competency_ids
        ]
    return out


def from_clauses(clauses, candidates: list[Candidate]) -> list[Recommendation]:
    """`clauses`: (id, identifier, times cited), most cited first."""
    out = []
    for clause_id, identifier, count in clauses:
        reason = ngettext(
            "Because your Ethics Lens worksheets cite clause %(clause)s (once).",
            "Because your Ethics Lens worksheets cite clause %(clause)s (%(count)s times).",
            count,
        ) % {"clause": isolated(identifier), "count": count}
        out += [
            Recommendation(item.resource, reason)
            for item in candidates
            if clause_id in item.clause_ids
        ]
    return out


def from_lab(lab_title: str, lab_theme: str, candidates: list[Candidate]) -> list[Recommendation]:
    themes = {t.slug for t in data.themes_in(lab_theme)}
    if not themes:
        return []
    reason = _("Because your next lab, “%(lab)s”, is about %(theme)s.") % {
        "lab": lab_title,
        "theme": lab_theme,
    }
    return [Recommendation(item.resource, reason) for item in candidates if item.themes & themes]


def combine(*signals: list[Recommendation], studied: set[int], limit: int = LIMIT):
    seen: set[int] = set()
    out = []
    for signal in signals:
        for recommendation in signal:
            pk = recommendation.resource.pk
            if pk in seen or pk in studied:
                continue
            seen.add(pk)
            out.append(recommendation)
            if len(out) == limit:
                return out
    return out


def _candidates(user) -> list[Candidate]:
    resources = access.readable_by(user).prefetch_related("competencies", "clauses", "tags")
    return [candidate(resource) for resource in resources]


def for_mentor(user) -> list[Recommendation]:
    """The mentor's recommendations from their own records (libsignals' readers)."""
    from practicum.reflection.learning_needs import mentor_learning_needs
    from practicum.supervision.services.labs import upcoming_lab_for

    candidates = _candidates(user)
    if not candidates:
        return []
    needs = mentor_learning_needs(user)
    lab = upcoming_lab_for(user)
    studied = set(StudyRecord.objects.filter(mentor=user).values_list("resource_id", flat=True))
    return combine(
        from_statements([(r.text, None, r.local_text) for r in needs.low_readiness], candidates),
        from_competencies([(c.competency_id, c.name) for c in needs.low_competencies], candidates),
        from_clauses(
            [(c.clause_id, c.reference, c.count) for c in needs.cited_clauses], candidates
        ),
        from_lab(lab.title, lab.theme, candidates) if lab else [],
        studied=studied,
    )


def for_lab_theme(user, theme: str) -> list[Resource]:
    """Live resources listed for `user` on the themes a lab's free-text theme speaks of."""
    slugs = [t.slug for t in data.themes_in(theme)]
    if not slugs:
        return []
    return list(
        access.listed_for(user)
        .filter(tags__vocabulary="theme", tags__slug__in=slugs)
        .distinct()
        .order_by("-publish_at")[:10]
    )
