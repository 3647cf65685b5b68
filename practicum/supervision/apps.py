from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "practicum.supervision"
    label = "supervision"
