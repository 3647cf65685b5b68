from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReflectionConfig(AppConfig):
    name = "practicum.reflection"
    label = "reflection"
    verbose_name = _("Reflective toolkit")
