from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "practicum.accounts"
    label = "accounts"

    def ready(self) -> None:
        from practicum.accounts import signals  # noqa: F401  (connects the receivers)
