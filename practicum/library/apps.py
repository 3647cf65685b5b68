from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "practicum.library"
    label = "library"
    verbose_name = _("Resource library")

    def ready(self) -> None:
        from practicum.audit.services import register_actions
        from practicum.library.services import AUDIT_ACTIONS

        register_actions(AUDIT_ACTIONS)
