from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo people for `make run`. May import any app; nothing imports it."""

    name = "practicum.demo"
    label = "demo"
