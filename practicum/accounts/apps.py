from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "practicum.accounts"
    label = "accounts"
