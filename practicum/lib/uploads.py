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
