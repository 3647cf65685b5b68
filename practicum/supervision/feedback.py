"""What attendees told a supervisor, in a fixed number of queries.

One-to-one feedback is shown with the mentor's name: the relationship is private to the two.
Group and lab feedback is shown only in aggregate (the comments, without names, in alphabetical
order so they cannot be matched to a session or a person) and only once FEEDBACK_MINIMUM people
have written some: below that, anyone could be identified by elimination.
"""

from dataclasses import dataclass, field

from practicum.practice.models import SessionFormat, SupervisionSession
from practicum.supervision.models import GroupSession, SupervisionGroup, ThematicLab
from practicum.supervision.services import FEEDBACK_MINIMUM


@dataclass
class Aggregate:
    title: str
    attendees: int = 0
    respondents: int = 0
    comments: list[str] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.respondents >= FEEDBACK_MINIMUM


def one_to_one_feedback(supervisor):
    """Feedback from one-to-one sessions the supervisor held, newest first (a QuerySet)."""
    return (
        SupervisionSession.objects.filter(
            facilitator=supervisor,
            format=SessionFormat.ONE_TO_ONE,
            source__startswith="booking:",
        )
        .exclude(feedback_to_supervisor="")
        .select_related("mentor")
        .only("starts_at", "feedback_to_supervisor", "mentor__full_name", "mentor__email")
        .order_by("-starts_at")
    )


def _aggregate(titles: dict[str, str], sessions) -> list[Aggregate]:
    by_title: dict[str, Aggregate] = {}
    people: dict[str, set[int]] = {}
    for title in titles.values():
        by_title.setdefault(title, Aggregate(title))
        people.setdefault(title, set())
    attendees: dict[str, set[int]] = {title: set() for title in by_title}
    for session in sessions:
        title = titles[session.source]
        attendees[title].add(session.mentor_id)
        text = session.feedback_to_supervisor.strip()
        if text:
            people[title].add(session.mentor_id)
            by_title[title].comments.append(text)
    result = []
    for title, aggregate in by_title.items():
        aggregate.attendees = len(attendees[title])
        aggregate.respondents = len(people[title])
        aggregate.comments = sorted(aggregate.comments, key=str.casefold) if aggregate.shown else []
        result.append(aggregate)
    return sorted(result, key=lambda a: a.title.casefold())


def group_feedback(supervisor) -> list[Aggregate]:
    """Per group the supervisor facilitates, over all its sessions."""
    groups = dict(SupervisionGroup.objects.filter(facilitator=supervisor).values_list("pk", "name"))
    titles = {
        f"group_session:{pk}": groups[group_id]
        for pk, group_id in GroupSession.objects.filter(group__in=groups).values_list(
            "pk", "group_id"
        )
    }
    if not titles:
        return []
    sessions = SupervisionSession.objects.filter(
        format=SessionFormat.GROUP, source__in=list(titles)
    ).only("mentor_id", "source", "feedback_to_supervisor")
    return _aggregate(titles, sessions)


def lab_feedback(supervisor) -> list[Aggregate]:
    """Per lab the supervisor facilitated."""
    titles = {
        f"lab:{pk}": f"{title} ({quarter})"
        for pk, title, quarter in ThematicLab.objects.filter(facilitators=supervisor).values_list(
            "pk", "title", "quarter"
        )
    }
    if not titles:
        return []
    sessions = SupervisionSession.objects.filter(
        format=SessionFormat.THEMATIC_LAB, source__in=list(titles)
    ).only("mentor_id", "source", "feedback_to_supervisor")
    return _aggregate(titles, sessions)
