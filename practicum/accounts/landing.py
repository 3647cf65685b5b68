"""Where a person lands after signing in: where their waiting work is.

accounts sits below the apps that know what is waiting, so each of them registers a check here
in its AppConfig.ready(): (role, check(user) -> bool, url name). The first check that holds for
a role the person has wins; with nothing waiting, the dashboard of their first role.
"""

from collections.abc import Callable

WAITING_WORK: list[tuple[str, Callable, str]] = []


def register_waiting_work(role: str, check: Callable, url_name: str) -> None:
    entry = (role, check, url_name)
    if entry not in WAITING_WORK:
        WAITING_WORK.append(entry)


def landing_url_name(user) -> str | None:
    roles = user.roles
    for role, check, url_name in WAITING_WORK:
        if role in roles and check(user):
            return url_name
    return None
