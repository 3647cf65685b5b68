"""Recurring patterns by meaning: the mentor's own cases and reflections grouped by what they are
about, across supervision sessions and across clients.

Computed on request, for one mentor, in memory only: the texts are decrypted, encoded on this
machine (`practicum.lib.embeddings`), grouped, and forgotten with the response. Nothing is
stored and nothing is shown to anyone but the mentor. A group the mentor wants to keep becomes
one of their themes (`keep_as_theme`), tagged on the sessions and reflections in it.

Grouping is agglomerative with average linkage over cosine similarity: two groups merge while
their items are, on average, at least GROUP_SIMILARITY alike. Plain and predictable; at most
MAX_ITEMS (the most recent) are read, so the cost stays bounded.
"""

import datetime
from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from practicum.accounts.models import User
from practicum.lib import embeddings
from practicum.practice.models import SupervisionSession
from practicum.reflection.models import EthicsWorksheet, Reflection, SessionTag, Tag

MAX_ITEMS = 60
GROUP_SIMILARITY = 0.45
MAX_CHARS = 600  # what is encoded of each item: its opening (about one passage)


@dataclass(frozen=True)
class Item:
    kind: str  # "session", "reflection" or "worksheet"
    pk: int
    label: str
    when: datetime.datetime
    text: str
    engagement_id: int | None = None
    engagement_name: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.pk}"

    @property
    def url(self) -> str:
        name = {
            "session": "practice:session_detail",
            "reflection": "reflection:reflection_detail",
            "worksheet": "reflection:worksheet_detail",
        }[self.kind]
        return reverse(name, args=[self.pk])


@dataclass
class Group:
    items: list[Item]
    similarity: float
    centre: Item
    clients: set = field(default_factory=set)

    @property
    def session_count(self) -> int:
        return sum(1 for i in self.items if i.kind == "session")

    @property
    def keys(self) -> str:
        return ",".join(i.key for i in self.items if i.kind in ("session", "reflection"))

    @property
    def first(self) -> datetime.datetime:
        return min(i.when for i in self.items)

    @property
    def last(self) -> datetime.datetime:
        return max(i.when for i in self.items)

    @property
    def across_clients(self) -> bool:
        return len(self.clients) > 1


def _reflection_text(reflection: Reflection) -> str:
    answers = " ".join(str(v) for v in reflection.answer_map.values() if v)
    return f"{reflection.title}. {answers}"


def mentor_items(mentor: User) -> list[Item]:
    """The mentor's sessions (cases brought, key learnings), reflections and worksheets that
    have something written, newest first, at most MAX_ITEMS. Three queries."""
    items: list[Item] = []
    sessions = SupervisionSession.objects.filter(mentor=mentor).order_by("-starts_at")[:MAX_ITEMS]
    for s in sessions:
        text = " ".join(t for t in (s.cases_brought, s.key_learnings) if t and t.strip())
        if text:
            items.append(Item("session", s.pk, s.focus, s.starts_at, text))
    reflections = (
        Reflection.objects.filter(mentor=mentor)
        .select_related("engagement", "tool")
        .order_by("-created_at")[:MAX_ITEMS]
    )
    for r in reflections:
        text = _reflection_text(r)
        if text.strip(". "):
            items.append(
                Item(
                    "reflection",
                    r.pk,
                    r.title,
                    r.created_at,
                    text,
                    r.engagement_id,
                    r.engagement.mentee_name if r.engagement else "",
                )
            )
    worksheets = (
        EthicsWorksheet.objects.filter(mentor=mentor)
        .select_related("engagement")
        .order_by("-created_at")[:MAX_ITEMS]
    )
    for w in worksheets:
        if (w.dilemma or "").strip():
            items.append(
                Item(
                    "worksheet",
                    w.pk,
                    w.title,
                    w.created_at,
                    f"{w.title}. {w.dilemma}",
                    w.engagement_id,
                    w.engagement.mentee_name if w.engagement else "",
                )
            )
    items.sort(key=lambda i: i.when, reverse=True)
    return items[:MAX_ITEMS]


def group_by_meaning(
    items: list[Item], vectors: np.ndarray, *, threshold: float = GROUP_SIMILARITY
) -> list[Group]:
    """Groups of two or more items whose average pairwise similarity is at least `threshold`,
    largest first."""
    if len(items) < 2:
        return []
    similarity = vectors @ vectors.T
    clusters: list[list[int]] = [[i] for i in range(len(items))]
    while True:
        best, pair = threshold, None
        for a in range(len(clusters)):
            for b in range(a + 1, len(clusters)):
                score = float(similarity[np.ix_(clusters[a], clusters[b])].mean())
                if score >= best:
                    best, pair = score, (a, b)
        if pair is None:
            break
        a, b = pair
        clusters[a] = clusters[a] + clusters[b]
        del clusters[b]
    groups = []
    for members in clusters:
        if len(members) < 2:
            continue
        block = similarity[np.ix_(members, members)]
        inner = (block.sum() - len(members)) / (len(members) * (len(members) - 1))
        centre = members[int(block.sum(axis=1).argmax())]
        chosen = sorted((items[i] for i in members), key=lambda i: i.when)
        groups.append(
            Group(
                items=chosen,
                similarity=round(float(inner), 3),
                centre=items[centre],
                clients={i.engagement_id for i in chosen if i.engagement_id},
            )
        )
    groups.sort(key=lambda g: (-len(g.items), -g.similarity))
    return groups


def recurring_groups(mentor: User) -> list[Group]:
    """The mentor's recurring patterns by meaning (computed now, kept nowhere)."""
    items = mentor_items(mentor)
    if len(items) < 2:
        return []
    vectors = embeddings.encode([i.text[:MAX_CHARS] for i in items])
    return group_by_meaning(items, vectors)


def _parse_keys(keys: str) -> tuple[set[int], set[int]]:
    sessions, reflections = set(), set()
    for key in (keys or "").split(","):
        kind, _sep, pk = key.strip().partition(":")
        if not pk.isdigit():
            continue
        if kind == "session":
            sessions.add(int(pk))
        elif kind == "reflection":
            reflections.add(int(pk))
    return sessions, reflections


@transaction.atomic
def keep_as_theme(*, mentor: User, name: str, keys: str) -> tuple[Tag, int]:
    """Name a group and keep it as a theme: the theme is tagged on the group's sessions and
    reflections (the mentor's own only). Returns the theme and how many entries it was put on."""
    from practicum.reflection.services import tags_get_or_create

    session_ids, reflection_ids = _parse_keys(keys)
    sessions = list(SupervisionSession.objects.filter(mentor=mentor, pk__in=session_ids))
    reflections = list(Reflection.objects.filter(mentor=mentor, pk__in=reflection_ids))
    if len(sessions) != len(session_ids) or len(reflections) != len(reflection_ids):
        raise ValidationError(_("Those entries are not yours to tag."))
    if not sessions and not reflections:
        raise ValidationError(_("This group has no session or reflection to put the theme on."))
    (tag,) = tags_get_or_create(mentor=mentor, names=[name]) or [None]
    if tag is None:
        raise ValidationError(_("Give the theme a name."))
    for reflection in reflections:
        reflection.tags.add(tag)
    SessionTag.objects.bulk_create(
        [SessionTag(tag=tag, session=s) for s in sessions], ignore_conflicts=True
    )
    return tag, len(sessions) + len(reflections)
