from django.contrib import admin

from practicum.frameworks.models import FrameworkVersion, PledgeAcceptance


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(admin.ModelAdmin):
    """Read-only: versions come from the data files, never from edits in place."""

    list_display = ["title", "kind", "version", "effective_date", "loaded_at"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PledgeAcceptance)
class PledgeAcceptanceAdmin(admin.ModelAdmin):
    list_display = ["user", "framework", "accepted_at"]
    list_filter = ["framework"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user", "framework"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
