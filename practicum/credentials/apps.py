from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "practicum.credentials"
    label = "credentials"
