from django.apps import AppConfig


class EthicsConfig(AppConfig):
    name = "practicum.ethics"
    label = "ethics"
