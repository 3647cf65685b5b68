from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "practicum.frameworks"
    label = "frameworks"
