import re

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from practicum.frameworks.models import (
    BehaviouralIndicator,
    EthicsClause,
    FrameworkVersion,
    PledgeAcceptance,
)

MAX_SEARCH_TERMS = 8


def search_terms(query: str) -> list[str]:
    words = re.findall(r"[\w’'-]+", query.lower())
    return [w for w in words if len(w) > 1][:MAX_SEARCH_TERMS]


def clause_search(*, framework: FrameworkVersion, query: str) -> QuerySet[EthicsClause]:
    """Clauses whose text, section or identifier holds every term of the query."""
    terms = search_terms(query)
    if not terms:
        return EthicsClause.objects.none()
    condition = Q()
    for term in terms:
        condition &= (
            Q(text__icontains=term) | Q(section_title__icontains=term) | Q(identifier__iexact=term)
        )
    return framework.clauses.filter(condition).order_by("position")


def indicator_search(*, framework: FrameworkVersion, query: str) -> QuerySet[BehaviouralIndicator]:
    terms = search_terms(query)
    if not terms:
        return BehaviouralIndicator.objects.none()
    condition = Q()
    for term in terms:
        condition &= Q(text__icontains=term) | Q(competency__name__icontains=term)
    return (
        BehaviouralIndicator.objects.filter(competency__framework=framework)
        .filter(condition)
        .select_related("competency")
        .order_by("competency__number", "number")
    )


def current_code() -> FrameworkVersion | None:
    return FrameworkVersion.objects.current(FrameworkVersion.Kind.CODE_OF_ETHICS)


def pledge_up_to_date(user, session=None) -> bool:
    """Has `user` accepted the pledge of the Code in force? Remembered in the session once true,
    so member pages ask the database only when the Code changes."""
    code_pk = FrameworkVersion.objects.current_pk(FrameworkVersion.Kind.CODE_OF_ETHICS)
    if code_pk is None:
        return True
    mark = [user.pk, code_pk]
    if session is not None and session.get("pledged") == mark:
        return True
    if not PledgeAcceptance.objects.filter(user=user, framework_id=code_pk).exists():
        return False
    if session is not None:
        session["pledged"] = mark
    return True


def pledge_outstanding(user) -> FrameworkVersion | None:
    """The Code version whose pledge `user` has yet to accept, or None when up to date."""
    code = current_code()
    if code is None:
        return None
    if PledgeAcceptance.objects.filter(user=user, framework=code).exists():
        return None
    return code


def pledge_accept(*, user, framework: FrameworkVersion) -> PledgeAcceptance:
    """Record the acceptance; accepting twice (a double click, two tabs) records it once."""
    try:
        with transaction.atomic():
            return PledgeAcceptance.objects.create(user=user, framework=framework)
    except IntegrityError:
        return PledgeAcceptance.objects.get(user=user, framework=framework)
