"""Upload checks by content, not by the name or type the browser claims."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError


def validate_image(upload, *, max_bytes: int, formats: frozenset[str] = frozenset({"JPEG", "PNG"})):
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            found = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("The file is not a readable PNG or JPEG image.")) from exc
    finally:
        upload.seek(0)
    if found not in formats:
        raise ValidationError(
            _("Only %(formats)s images are accepted.") % {"formats": ", ".join(sorted(formats))}
        )
    return found


EVIDENCE_CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}


def validate_evidence(upload, *, max_bytes: int) -> str:
    """A certificate or letter: a PDF, PNG or JPEG, judged by its bytes. Returns "pdf", "png"
    or "jpeg" (keys of EVIDENCE_CONTENT_TYPES)."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)}
        )
    try:
        upload.seek(0)
        head = upload.read(5)
        if head == b"%PDF-":
            # A complete PDF ends with %%EOF (writers may add a few bytes after it).
            upload.seek(max(0, upload.size - 1024))
            if b"%%EOF" not in upload.read():
                raise ValidationError(_("The PDF file is incomplete or damaged."))
            return "pdf"
    finally:
        upload.seek(0)
    try:
        found = validate_image(upload, max_bytes=max_bytes)
    except (ValidationError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("The file is not a PDF, PNG or JPEG.")) from exc
    return found.lower()
