from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "practicum.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from practicum.audit.services import register_actions
        from practicum.supervision.services import AUDIT_ACTIONS

        register_actions(AUDIT_ACTIONS)

        # A supervisor with one-to-ones whose attendance is still to mark lands on their page.
        from practicum.accounts.landing import register_waiting_work
        from practicum.accounts.models import Role

        register_waiting_work(
            Role.SUPERVISOR, attendance_to_mark, "supervision:supervisor_dashboard"
        )


def attendance_to_mark(user) -> bool:
    from django.utils import timezone

    from practicum.supervision.models import Booking

    return (
        Booking.objects.active()
        .filter(
            supervisor=user, starts_at__lte=timezone.now(), attendance=Booking.Attendance.UNMARKED
        )
        .exists()
    )
