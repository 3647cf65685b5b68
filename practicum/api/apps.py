from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "practicum.api"
    label = "api"
    verbose_name = _("REST API")

    def ready(self) -> None:
        from practicum.api import signals
        from practicum.audit.services import register_actions

        signals.connect()
        register_actions(
            {
                "api_token.create": _("API token created"),
                "api_token.revoke": _("API token revoked"),
                "webhook.create": _("Webhook endpoint added"),
                "webhook.delete": _("Webhook endpoint deleted"),
            }
        )
