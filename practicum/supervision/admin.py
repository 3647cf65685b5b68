"""Site administrators' view of supervision. Decisions and bookings go through the app's own
pages (they email people and keep the audit); here rows are mostly read."""

from django.contrib import admin

from practicum.supervision.models import (
    Booking,
    EligibilityRuleSet,
    GroupMembership,
    LabRegistration,
    ReflectionModel,
    ReminderSent,
    SupervisionGroup,
    SupervisorApplication,
    SupervisorProfile,
    ThematicLab,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EligibilityRuleSet)
class EligibilityRuleSetAdmin(ReadOnlyAdmin):
    """Versions come from data/eligibility/*.yaml (load_supervision_rules), never edits."""

    list_display = ["title", "version", "effective_date", "loaded_at"]


@admin.register(ReflectionModel)
class ReflectionModelAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "version", "loaded_at"]


@admin.register(SupervisorApplication)
class SupervisorApplicationAdmin(ReadOnlyAdmin):
    list_display = ["applicant", "status", "created_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    search_fields = ["applicant__email", "applicant__full_name"]
    list_select_related = ["applicant", "decided_by"]


@admin.register(SupervisorProfile)
class SupervisorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "focus_area", "is_listed", "accepting_new", "updated_at"]
    list_filter = ["is_listed", "focus_area", "offers_group", "offers_lab"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ["code", "starts_at", "supervisor", "mentor", "status", "attendance"]
    list_filter = ["status", "attendance"]
    search_fields = ["code", "mentor__email", "supervisor__email"]
    list_select_related = ["supervisor", "mentor"]
    date_hierarchy = "starts_at"


class MembershipInline(admin.TabularInline):
    model = GroupMembership
    extra = 0
    raw_id_fields = ["mentor"]
    readonly_fields = ["status", "queued_at", "joined_at"]


@admin.register(SupervisionGroup)
class SupervisionGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "facilitator", "capacity", "is_open", "created_at"]
    list_filter = ["is_open", "language"]
    search_fields = ["name", "facilitator__email"]
    list_select_related = ["facilitator"]
    raw_id_fields = ["facilitator"]
    inlines = [MembershipInline]


class RegistrationInline(admin.TabularInline):
    model = LabRegistration
    extra = 0
    raw_id_fields = ["mentor"]
    readonly_fields = ["status", "queued_at", "promoted_at", "attended"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ThematicLab)
class ThematicLabAdmin(ReadOnlyAdmin):
    """Staff create and edit labs on the app's pages, which tell registrants and promote the
    waiting list."""

    list_display = ["title", "quarter", "starts_at", "capacity", "cpd_hours", "audience"]
    list_filter = ["quarter", "audience"]
    search_fields = ["title", "theme"]
    inlines = [RegistrationInline]


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    list_display = ["kind", "object_id", "starts_at", "recipient", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
