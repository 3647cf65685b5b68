"""CSV import of past sessions and engagements: upload, preview (with progress), confirm.

The rules live in importer.py; these views take the file, show the preview and pass the
mentor's decision on. A batch is reached by its random code and only by its own mentor.
"""

import io
from collections import Counter

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from practicum.accounts.models import Role
from practicum.frameworks.access import member_required
from practicum.lib.csv_import import DATE_ORDERS
from practicum.lib.forms import add_service_errors, flash_service_errors
from practicum.practice import importer
from practicum.practice.models import ImportBatch, SupervisionRelationship

PREVIEW_PAGE_SIZE = 100
RECENT_BATCHES = 10
TEMPLATE = "practice/import/preview.html"


def _get_batch_for_mentor(request, code: str) -> ImportBatch:
    return get_object_or_404(
        ImportBatch.objects.select_related("mentor"), code=code, mentor=request.user
    )


class InMemoryUploadHandler(FileUploadHandler):
    """Keeps the upload in memory, never in a temporary file (it names mentees). Past the size
    limit it only counts the bytes, so the form can refuse the file by its size."""

    def __init__(self, request=None):
        super().__init__(request)
        self.kept = 0  # over every file of the request

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data, start):
        room = importer.MAX_BYTES + 1 - self.kept
        if room > 0:
            self.buffer.write(raw_data[:room])
            self.kept += min(room, len(raw_data))
        return None

    def file_complete(self, file_size):
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What the file holds"),
        choices=ImportBatch.Kind.choices,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "UTF-8 or Windows-1252, up to 2 MB and 5,000 rows. A file exported here is accepted "
            "as it is."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )
    date_order = forms.ChoiceField(
        label=gettext_lazy("Dates in the file"),
        help_text=gettext_lazy(
            "How your spreadsheet writes a date such as 3 April 2025: 03/04/2025 is day first, "
            "04/03/2025 month first. Dates as YYYY-MM-DD are read either way."
        ),
        choices=DATE_ORDERS,
        required=False,
        initial="",
        widget=forms.RadioSelect,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > importer.MAX_BYTES:
            raise ValidationError(
                _("The file is %(size)s; the limit is %(limit)s. Split it into smaller files.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(importer.MAX_BYTES)}
            )
        return upload


@member_required(Role.MENTOR)
@csrf_exempt  # only so the upload handler can be set first: _upload checks the CSRF token
def import_upload(request):
    request.upload_handlers = [InMemoryUploadHandler(request)]
    return _upload(request)


@csrf_protect
def _upload(request):
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            batch = importer.batch_create(
                mentor=request.user,
                kind=form.cleaned_data["kind"],
                data=form.cleaned_data["file"].read(),
                date_order=form.cleaned_data["date_order"],
            )
        except ValidationError as error:
            add_service_errors(form, error, field="file")
        else:
            return redirect("practice:import_preview", code=batch.code)
    relationships = SupervisionRelationship.objects.filter(mentor=request.user).select_related(
        "supervisor"
    )
    kinds = [
        {
            "value": kind.value,
            "label": kind.label,
            "columns": importer.COLUMNS[kind],
            "header": importer.header_line(kind),
            "example": importer.EXAMPLES[kind],
        }
        for kind in ImportBatch.Kind
    ]
    return render(
        request,
        "practice/import/upload.html",
        {
            "form": form,
            "kinds": kinds,
            "supervisor_names": sorted(
                {r.supervisor_name for r in relationships}, key=str.casefold
            ),
            "time_zone": timezone.get_current_timezone_name(),
            "batches": ImportBatch.objects.filter(mentor=request.user).defer("payload")[
                :RECENT_BATCHES
            ],
        },
    )


def _preview_context(request, batch: ImportBatch) -> dict:
    rows = importer.preview_rows(batch=batch)
    states = Counter(row.state for row in rows)
    same_file = (
        ImportBatch.objects.filter(
            mentor=request.user,
            file_digest=batch.file_digest,
            status=ImportBatch.Status.COMMITTED,
        )
        .exclude(pk=batch.pk)
        .defer("payload")
        .first()
    )
    return {
        "batch": batch,
        "page": Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page")),
        "new_count": states["new"],
        "skipped_count": states["skipped"],
        "error_row_count": states["error"],
        "same_file": same_file,
    }


@member_required(Role.MENTOR)
def import_preview(request, code: str):
    batch = _get_batch_for_mentor(request, code)
    return render(request, TEMPLATE, _preview_context(request, batch))


@member_required(Role.MENTOR)
def import_progress(request, code: str):
    """The preview's status fragment, polled by htmx while the file is checked."""
    batch = _get_batch_for_mentor(request, code)
    if not request.headers.get("HX-Request"):
        return redirect("practice:import_preview", code=batch.code)
    return render(request, f"{TEMPLATE}#status", _preview_context(request, batch))


@member_required(Role.MENTOR)
@require_POST
def import_confirm(request, code: str):
    batch = _get_batch_for_mentor(request, code)
    try:
        imported, skipped = importer.batch_commit(batch=batch)
    except ValidationError as error:
        flash_service_errors(request, error)
        return redirect("practice:import_preview", code=batch.code)
    if batch.kind == ImportBatch.Kind.SESSIONS:
        text = ngettext(
            "%(imported)s session imported and sent to its supervisor for sign-off.",
            "%(imported)s sessions imported and sent to their supervisors for sign-off.",
            imported,
        )
        target = "practice:session_list"
    else:
        text = ngettext(
            "%(imported)s engagement imported.", "%(imported)s engagements imported.", imported
        )
        target = "practice:engagement_list"
    text %= {"imported": imported}
    if skipped:
        text += " " + ngettext(
            "%(skipped)s row already imported was skipped.",
            "%(skipped)s rows already imported were skipped.",
            skipped,
        ) % {"skipped": skipped}
    messages.success(request, text)
    return redirect(target)
