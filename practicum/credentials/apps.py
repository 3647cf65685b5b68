from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    name = "practicum.credentials"
    label = "credentials"
    verbose_name = _("Credentials")

    def ready(self) -> None:
        from practicum.audit.services import register_actions
        from practicum.credentials.services import AUDIT_ACTIONS

        register_actions(AUDIT_ACTIONS)

        # practice may not import credentials: it asks, through this hook, whether a record it
        # is about to delete is cited by an application (practicum/practice/erasure.py).
        from practicum.credentials.citations import record_cited_by_application
        from practicum.practice.erasure import CITATION_CHECKS

        if record_cited_by_application not in CITATION_CHECKS:
            CITATION_CHECKS.append(record_cited_by_application)

        # The Mentor Dashboard counts towards the credential rules' own thresholds.
        from practicum.credentials.services import dashboard_targets
        from practicum.practice.progress import TARGET_SOURCES

        if dashboard_targets not in TARGET_SOURCES:
            TARGET_SOURCES.append(dashboard_targets)

        # supervision may not import credentials either: labs for credentialed mentors ask here.
        from practicum.supervision.services import CREDENTIAL_CHECKS

        if holds_valid_credential not in CREDENTIAL_CHECKS:
            CREDENTIAL_CHECKS.append(holds_valid_credential)

        # Credentialing staff with open applications land on the review queue.
        from practicum.accounts.landing import register_waiting_work
        from practicum.accounts.models import Role

        register_waiting_work(Role.CREDENTIALING_STAFF, applications_open, "credentials:queue")


def holds_valid_credential(user) -> bool:
    from django.utils import timezone

    from practicum.credentials.models import Credential

    return Credential.objects.valid_on(timezone.localdate()).filter(holder=user).exists()


def applications_open(user) -> bool:
    from practicum.credentials.models import Application

    return Application.objects.submitted().open().exists()
