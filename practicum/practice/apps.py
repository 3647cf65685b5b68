from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practicum.practice"
    label = "practice"

    def ready(self) -> None:
        from practicum.audit.services import register_actions
        from practicum.practice.services import AUDIT_ACTIONS

        register_actions(AUDIT_ACTIONS)
