from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Pages a restricted account (a revoked professional) may still open: their case and appeal.
RESTRICTED_NAMES = {"ethics:my_cases", "ethics:my_case", "ethics:evidence_mine"}


class EthicsConfig(AppConfig):
    name = "practicum.ethics"
    label = "ethics"
    verbose_name = _("Ethics")

    def ready(self) -> None:
        from practicum.accounts.access import RESTRICTED_LINKS, RESTRICTED_URL_NAMES
        from practicum.credentials.hooks import APPLICANT_FLAGS, APPLICATION_REFUSALS
        from practicum.ethics import services  # registers the audit labels

        RESTRICTED_URL_NAMES.update(RESTRICTED_NAMES)
        if restricted_links not in RESTRICTED_LINKS:
            RESTRICTED_LINKS.append(restricted_links)
        if services.reviewer_flags not in APPLICANT_FLAGS:
            APPLICANT_FLAGS.append(services.reviewer_flags)
        if services.application_refusal not in APPLICATION_REFUSALS:
            APPLICATION_REFUSALS.append(services.application_refusal)
        # Suspended or restricted by any route (a sanction, staff in the admin): signed out
        # everywhere at once, not only at the next request.
        from practicum.accounts.services import ACCOUNT_STATUS_HOOKS

        if end_sessions_on_status not in ACCOUNT_STATUS_HOOKS:
            ACCOUNT_STATUS_HOOKS.append(end_sessions_on_status)


def end_sessions_on_status(*, user, old, new, by) -> None:
    from practicum.ethics.services import end_login_sessions

    if new != "active":
        end_login_sessions(user)


def restricted_links(user) -> list[tuple[str, str]]:
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from practicum.ethics.models import Case

    if not Case.objects.filter(professional=user).exists():
        return []
    return [(_("Your ethics case and appeal"), reverse("ethics:my_cases"))]
