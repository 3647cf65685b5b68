from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticeConfig(AppConfig):
    name = "practicum.practice"
    label = "practice"
    verbose_name = _("Practice records")

    def ready(self) -> None:
        from practicum.audit.services import register_actions
        from practicum.practice.services import AUDIT_ACTIONS

        register_actions(AUDIT_ACTIONS)
        # institutions sits below practice: it asks, through this hook, for the yes/no figures
        # of a centre's mentors who consent (counts only).
        from practicum.institutions.services import PROGRESS_PROVIDERS
        from practicum.practice.institution_figures import sessions_and_cpd

        if sessions_and_cpd not in PROGRESS_PROVIDERS:
            PROGRESS_PROVIDERS.append(sessions_and_cpd)
        # A mentor's new time zone re-dates the stored local month of their sessions.
        from practicum.accounts.services import TIME_ZONE_HOOKS
        from practicum.practice.services import local_months_refresh

        if local_months_refresh not in TIME_ZONE_HOOKS:
            TIME_ZONE_HOOKS.append(local_months_refresh)

        # A supervisor with sessions waiting for their sign-off lands on their own page.
        from practicum.accounts.landing import register_waiting_work
        from practicum.accounts.models import Role

        register_waiting_work(
            Role.SUPERVISOR, sign_offs_waiting, "supervision:supervisor_dashboard"
        )


def sign_offs_waiting(user) -> bool:
    from practicum.practice.models import SupervisionSession

    return SupervisionSession.objects.filter(
        relationship__supervisor=user, status=SupervisionSession.Status.PENDING
    ).exists()
