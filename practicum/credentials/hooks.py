"""Questions credentials asks of the apps above it (ethics), which fill these lists in their
AppConfig.ready(); credentials imports nothing from them."""

from collections.abc import Callable

# user -> short flags a reviewer may see on an application (an open case, a sanction in force),
# never the content behind them.
APPLICANT_FLAGS: list[Callable] = []
# user -> a reason a new application is refused now (a suspension in force), or None.
APPLICATION_REFUSALS: list[Callable] = []


def applicant_flags(user) -> list[str]:
    return [flag for check in APPLICANT_FLAGS for flag in check(user)]


def application_refusal(user) -> str | None:
    for check in APPLICATION_REFUSALS:
        reason = check(user)
        if reason:
            return reason
    return None
