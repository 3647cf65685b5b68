from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practicum.practice"
    label = "practice"
