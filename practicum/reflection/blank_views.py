from django.http import Http404
from django.utils import translation

from practicum.accounts.access import role_required
from practicum.accounts.models import Role
from practicum.frameworks.access import member_required
from practicum.reflection.blank_tools import blank_tools_pdf
from practicum.reflection.exports import attachment
from practicum.reflection.tool_templates import TemplateNotLoaded, tool_template_pdf


@role_required(Role.INSTITUTION_ADMIN)
def printable_tools(request):
    """The four reflective tools as blank templates, for a centre's programmes."""
    return attachment(
        blank_tools_pdf(), content_type="application/pdf", filename="reflective-tools.pdf"
    )


@member_required(Role.MENTOR)
def tool_template(request, tool: str):
    """One reflective tool as a blank template to print, in the reader's language."""
    try:
        content = tool_template_pdf(tool, translation.get_language())
    except (ValueError, TemplateNotLoaded) as exc:
        raise Http404 from exc
    return attachment(content, content_type="application/pdf", filename=f"{tool}-template.pdf")
