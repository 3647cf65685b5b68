"""The background tasks in the admin: failed ones listed for site administrators, with a retry.

Replaces django-tasks-db's read-only admin (registered first, so it must be imported first).
"""

import django_tasks_db.admin  # noqa: F401  (registers the admin this module replaces)
from django.contrib import admin, messages
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from practicum.accounts.services import failed_tasks_retry

admin.site.unregister(DBTaskResult)


class StatusFilter(admin.SimpleListFilter):
    """By status, failed by default: what an administrator comes to this list for."""

    title = _("status")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("FAILED", _("Failed")), ("READY", _("Queued")), ("RUNNING", _("Running")),
                ("SUCCESSFUL", _("Succeeded")), ("all", _("All"))]  # fmt: skip

    def value(self):
        return super().value() or "FAILED"

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        return queryset if self.value() == "all" else queryset.filter(status=self.value())


@admin.register(DBTaskResult)
class TaskResultAdmin(django_tasks_db.admin.DBTaskResultAdmin):
    list_display = (
        "task_name",
        "status",
        "attempts",
        "error",
        "enqueued_at",
        "finished_at",
        "queue_name",
    )
    list_filter = (StatusFilter, "queue_name")
    actions = ["retry"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        # The package's admin forbids changes; the retry action is this admin's own, allowed to
        # everyone who reaches the admin at all (site administrators with MFA).
        return {"retry": self.get_action("retry")}

    @admin.display(description=_("attempts"))
    def attempts(self, obj: DBTaskResult) -> int:
        return len(obj.worker_ids or [])

    @admin.display(description=_("error"))
    def error(self, obj: DBTaskResult) -> str:
        return obj.exception_class_path.rpartition(".")[2] or "-"

    @admin.action(description=_("Queue the selected failed tasks again"))
    def retry(self, request, queryset):
        count = failed_tasks_retry(task_ids=queryset.values_list("pk", flat=True), by=request.user)
        if count:
            messages.success(
                request,
                ngettext(
                    "%(count)d failed task queued again.",
                    "%(count)d failed tasks queued again.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(request, gettext("None of the selected tasks had failed."))
