"""The admin is for site administrators: mostly read-only. Decisions and status changes go
through the staff pages, which write the audit trail; rules come from the data files."""

from django.contrib import admin

from practicum.credentials.models import (
    Application,
    BadgeSigningKey,
    Credential,
    RenewalReminder,
    RuleSet,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RuleSet)
class RuleSetAdmin(ReadOnlyAdmin):
    list_display = ["credential_type", "version", "effective_date", "rules_are_ours", "loaded_at"]
    list_filter = ["credential_type"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["reference", "applicant", "credential_type", "kind", "status", "target_date"]
    list_filter = ["credential_type", "kind", "status"]
    search_fields = ["reference", "applicant__email"]
    list_select_related = ["applicant", "credential_type"]
    exclude = ["snapshot", "decision_reasons"]


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    """Adding is allowed, to record a credential held before the platform (e.g. a CPM whose
    cycle a CMM applicant completed); its status changes go through the staff pages."""

    list_display = ["number", "holder", "credential_type", "status", "valid_from", "expires_on"]
    list_filter = ["credential_type", "status"]
    search_fields = ["number", "holder__email", "holder__full_name"]
    list_select_related = ["holder", "credential_type"]
    raw_id_fields = ["holder", "application", "renewal_of"]

    def has_change_permission(self, request, obj=None):
        return obj is None

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RenewalReminder)
class RenewalReminderAdmin(ReadOnlyAdmin):
    list_display = ["credential", "days_before", "sent_at"]


@admin.register(BadgeSigningKey)
class BadgeSigningKeyAdmin(ReadOnlyAdmin):
    list_display = ["kid", "created_at", "retired_at"]
    exclude = ["private_key"]
