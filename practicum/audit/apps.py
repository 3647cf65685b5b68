from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "practicum.audit"
    label = "audit"
    verbose_name = "Audit trail"
