from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "practicum.supervision"
    label = "supervision"

    def ready(self) -> None:
        from practicum.audit.services import register_actions
        from practicum.supervision.services import AUDIT_ACTIONS

        register_actions(AUDIT_ACTIONS)
