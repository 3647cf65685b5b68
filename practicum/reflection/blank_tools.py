"""The four reflective tools as blank, printable templates (for training centres to use in
their programmes): the Reflective Conversation Framework's steps and the Self-Care and Burnout
Checklist's statements from the versions in force, the Ethics Lens Worksheet's prompts and a
Session Log Template. Built with the toolkit's own PDF builder (`exports._Pdf`); no one's
records are read."""

from django.utils.translation import gettext as _

from practicum.reflection.exports import _Pdf
from practicum.reflection.models import EthicsWorksheet, ToolVersion
from practicum.reflection.services import current_tool

LINES = "_" * 80


def _blank(pdf: _Pdf, lines: int = 4) -> None:
    for _line in range(lines):
        pdf.p(LINES, "muted")


def blank_tools_pdf(*, compress: bool = True) -> bytes:
    pdf = _Pdf()
    pdf.p(_("Reflective tools: printable templates"), "title")
    pdf.p(_("For use in training programmes. Completed sheets belong to the mentor."), "muted")

    conversation = current_tool(ToolVersion.Kind.REFLECTIVE_CONVERSATION)
    pdf.p(_("Reflective Conversation Framework"), "h2")
    for step in conversation.steps if conversation else []:
        pdf.p(step.get("title", ""), "h3")
        pdf.p(step.get("prompt", ""))
        _blank(pdf, 3)

    pdf.p(_("Ethics Lens Worksheet"), "h2")
    for name in (
        "dilemma",
        "stakeholder_client",
        "stakeholder_sponsor",
        "stakeholder_organisation",
        "stakeholder_society",
        "decision",
        "reasons",
        "to_supervision",
    ):
        pdf.p(str(EthicsWorksheet._meta.get_field(name).verbose_name).capitalize(), "h3")
        _blank(pdf, 3)
    pdf.p(_("Clauses of the Code of Ethics that apply"), "h3")
    _blank(pdf, 2)

    pdf.p(_("Session Log Template"), "h2")
    header = [
        _("Date"),
        _("Supervisor"),
        _("Format"),
        _("Minutes"),
        _("Focus"),
        _("Key learnings"),
    ]
    pdf.table([header] + [[""] * len(header) for _row in range(10)], [60, 70, 55, 40, 90, 140])

    checklist = current_tool(ToolVersion.Kind.SELF_CARE)
    pdf.p(_("Self-Care and Burnout Checklist"), "h2")
    if checklist:
        labels = checklist.scale.get("labels", [])
        pdf.p(" · ".join(labels), "muted")
        rows = [[_("Statement"), *labels]]
        rows += [
            [s.get("text", "")] + [""] * len(labels) for s in checklist.local.get("statements", [])
        ]
        pdf.table(rows, [230] + [44] * len(labels))
    return pdf.build(title=_("Reflective tools: printable templates"), compress=compress)
