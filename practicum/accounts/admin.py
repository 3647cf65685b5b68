from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from practicum.accounts.models import RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 1
    fields = ["role", "granted_at", "granted_by"]
    readonly_fields = ["granted_at", "granted_by"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "full_name",
        "membership_status",
        "membership_valid_until",
        "is_active",
    ]
    list_filter = ["membership_status", "is_active", "role_grants__role"]
    search_fields = ["email", "full_name", "membership_number"]
    readonly_fields = ["public_id", "date_joined", "last_login"]
    inlines = [RoleGrantInline]
    filter_horizontal: list[str] = []
    fieldsets = [
        (None, {"fields": ["email", "password", "public_id"]}),
        (
            _("Profile"),
            {
                "fields": [
                    "full_name",
                    "country",
                    "time_zone",
                    "preferred_language",
                    "bio",
                    "photo",
                    "profile_public",
                ]
            },
        ),
        (
            _("Membership"),
            {"fields": ["membership_status", "membership_number", "membership_valid_until"]},
        ),
        (_("Access"), {"fields": ["is_active", "is_superuser", "date_joined", "last_login"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def save_formset(self, request, form, formset, change):
        # Record who granted each role.
        for grant in formset.save(commit=False):
            if isinstance(grant, RoleGrant) and grant.granted_by_id is None:
                grant.granted_by = request.user
            grant.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()
