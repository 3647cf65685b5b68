"""Access helpers (another user's object is a 404) and file responses the pages share."""

from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404

from practicum.credentials.models import Application, ApplicationDocument, Credential
from practicum.lib.downloads import FILE_CSP, stored_file_response

PAGE_SIZE = 25
Status = Application.Status


def _attachment(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    """A document the site generates (receipt, certificate): downloaded, never shown inline."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    return response


def _document_response(document: ApplicationDocument) -> FileResponse:
    """An uploaded document, through the one download helper (exact type, nosniff, sandbox)."""
    return stored_file_response(
        document.file,
        kind=document.file_type or None,
        filename_stem=f"{document.application.reference}-document-{document.pk}",
    )


# --- Access helpers --------------------------------------------------------------------------


def _get_application_for_applicant(request, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related(
            "credential_type", "rule_set", "renews", "applicant", "decided_by"
        ),
        pk=pk,
        applicant=request.user,
    )


def _get_application_for_staff(request, pk: int) -> Application:
    """Staff see submitted applications; a draft is the mentor's own business."""
    return get_object_or_404(
        Application.objects.submitted().select_related(
            "credential_type", "rule_set", "renews", "applicant", "assigned_to", "decided_by"
        ),
        pk=pk,
    )


def _get_credential_for_holder(request, pk: int) -> Credential:
    return get_object_or_404(
        Credential.objects.select_related("credential_type", "rule_set", "holder"),
        pk=pk,
        holder=request.user,
    )


def _get_credential_by_code(code: str) -> Credential:
    return get_object_or_404(
        Credential.objects.select_related("credential_type", "rule_set", "holder", "renewal_of"),
        verification_code=code,
    )
