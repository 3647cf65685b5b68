from practicum.accounts.access import role_required
from practicum.accounts.models import Role
from practicum.reflection.blank_tools import blank_tools_pdf
from practicum.reflection.exports import attachment


@role_required(Role.INSTITUTION_ADMIN)
def printable_tools(request):
    """The four reflective tools as blank templates, for a centre's programmes."""
    return attachment(
        blank_tools_pdf(), content_type="application/pdf", filename="reflective-tools.pdf"
    )
