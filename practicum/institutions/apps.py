from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    name = "practicum.institutions"
    label = "institutions"
    verbose_name = _("Training centres")

    def ready(self) -> None:
        from practicum.audit.services import register_actions

        register_actions(
            {
                "centre.created": _("Training centre registered"),
                "centre.updated": _("Training centre details changed"),
                "centre.recognised": _("Centre accredited or endorsed"),
                "centre.suspended": _("Centre suspended"),
                "centre.reinstated": _("Centre reinstated"),
                "centre.withdrawn": _("Centre's accreditation withdrawn"),
                "centre.lapsed": _("Centre's accreditation lapsed"),
                "member.invited": _("Centre member invited"),
                "member.joined": _("Centre member joined"),
                "member.left": _("Centre member left"),
                "programme.saved": _("Programme saved"),
                "cohort.saved": _("Cohort saved"),
                "graduate.recorded": _("Graduate recorded"),
                "graduate.imported": _("Graduates imported"),
                "graduate.requested": _("Completion confirmation requested"),
                "graduate.confirmed": _("Completion confirmed"),
                "graduate.declined": _("Completion declined"),
                "accreditation.submitted": _("Accreditation application submitted"),
                "accreditation.paid": _("Accreditation fee paid: the review clock started"),
                "accreditation.assigned": _("Accreditation application assigned"),
                "accreditation.info_requested": _("More information asked of the centre"),
                "accreditation.answered": _("The centre answered"),
                "accreditation.approved": _("Accreditation approved"),
                "accreditation.rejected": _("Accreditation not approved"),
            }
        )
