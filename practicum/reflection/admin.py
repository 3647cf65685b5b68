"""Only the versioned tool data is in the admin, read-only.

Reflections, worksheets, self-assessments, self-care checks, plans and themes are the mentor's
private records: they are deliberately not registered, so no administrator can browse them.
"""

from django.contrib import admin

from practicum.reflection.models import ToolVersion


@admin.register(ToolVersion)
class ToolVersionAdmin(admin.ModelAdmin):
    """Read-only: versions come from the data files (load_reflection_tools), never from edits."""

    list_display = ["title", "kind", "version", "effective_date", "loaded_at"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
