from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from practicum.accounts.forms import AccountStatusForm
from practicum.accounts.models import RoleGrant, User
from practicum.accounts.services import account_set_status, time_zone_changed
from practicum.audit.services import audit_trail


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
    readonly_fields = ["public_id", "date_joined", "last_login", "account_status_link"]
    inlines = [RoleGrantInline]
    filter_horizontal: list[str] = []

    def save_model(self, request, obj, form, change):
        # The admin saves inside its own transaction; the hooks re-date in the same one.
        old = form.initial.get("time_zone") if change else None
        super().save_model(request, obj, form, change)
        if change and "time_zone" in form.changed_data:
            time_zone_changed(user=obj, old=old)

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
        (
            _("Access"),
            {
                "fields": [
                    "account_status_link",
                    "is_active",
                    "is_superuser",
                    "date_joined",
                    "last_login",
                ]
            },
        ),
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

    # --- Suspend / restrict / reinstate, with a reason and an audit entry ------------------
    # A page of the admin (site administrators with MFA) rather than the bare "active" switch,
    # which records no reason. Either way the account's sessions end (accounts/signals.py).

    @admin.display(description=_("Account status"))
    def account_status_link(self, user: User) -> str:
        if user.pk is None:
            return "—"
        return format_html(
            '{} — <a href="{}">{}</a>',
            user.get_account_status_display(),
            reverse("admin:accounts_user_status", args=[user.pk]),
            gettext("Suspend, restrict or reinstate"),
        )

    def get_urls(self):
        return [
            path(
                "<int:user_id>/status/",
                self.admin_site.admin_view(self.status_view),
                name="accounts_user_status",
            ),
            *super().get_urls(),
        ]

    def status_view(self, request, user_id: int):
        user = get_object_or_404(User, pk=user_id)
        if not self.has_change_permission(request, user):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        form = AccountStatusForm(request.POST or None, initial={"status": user.account_status})
        if request.method == "POST" and form.is_valid():
            try:
                changed = account_set_status(
                    user=user,
                    status=form.cleaned_data["status"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if changed:
                    messages.success(request, gettext("The account status has been changed."))
                else:
                    messages.info(request, gettext("The account already had that status."))
                return redirect("admin:accounts_user_status", user.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Account status of %(email)s") % {"email": user.email},
            "opts": self.model._meta,
            "original": user,
            "subject": user,
            "form": form,
            "entries": audit_trail(user),
        }
        return TemplateResponse(request, "admin/accounts/user/status.html", context)


from practicum.accounts import admin_tasks  # noqa: E402,F401  (the background tasks' admin)
