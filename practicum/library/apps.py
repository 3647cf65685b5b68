from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "practicum.library"
    label = "library"

    def ready(self) -> None:
        from practicum.audit.services import register_actions
        from practicum.library.services import AUDIT_ACTIONS

        register_actions(AUDIT_ACTIONS)
