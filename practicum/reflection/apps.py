from django.apps import AppConfig


class ReflectionConfig(AppConfig):
    name = "practicum.reflection"
    label = "reflection"
