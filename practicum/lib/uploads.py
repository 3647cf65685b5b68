"""Upload checks by content, not by the name or type the browser claims.

An accepted upload is exactly one allowed type, and what is stored is only that:

- an image (PNG or JPEG) is decoded with Pillow and saved afresh: no metadata (EXIF, GPS,
  comments, text chunks) and nothing after its end survives, so a PNG that also carries HTML or
  script stores as a plain PNG;
- a PDF must parse, page by page, with pypdf (not merely start with ``%PDF-``), must not be
  encrypted, and must not also be an image or carry an image header;
- the upload is rewritten in place (its bytes, ``size``, ``content_type``) and renamed
  ``upload.<ext>`` from the detected type, so the stored name never comes from the client
  (``x.pdf.php`` stores as ``….pdf``).

Every refusal is a ValidationError that says what was wrong.
"""

import io
import logging

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

EVIDENCE_CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
# Published media (the resource library): a video and its captions.
MEDIA_CONTENT_TYPES = {"mp4": "video/mp4", "webm": "video/webm", "vtt": "text/vtt"}
STORED_CONTENT_TYPES = {**EVIDENCE_CONTENT_TYPES, **MEDIA_CONTENT_TYPES}
EXTENSIONS = {"pdf": "pdf", "png": "png", "jpeg": "jpg", "mp4": "mp4", "webm": "webm", "vtt": "vtt"}


def stored_extension(filename: str) -> str:
    """The extension for a stored file's name: ".pdf", ".png" or ".jpg" when `filename` is one
    this module produced (``upload.<ext>``), else none. For `upload_to` functions."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return f".{suffix}" if suffix in EXTENSIONS.values() else ""


# Decoding a small file into a huge bitmap is a denial of service: 40 megapixels is plenty
# for a certificate photographed on a phone.
MAX_IMAGE_PIXELS = 40_000_000

_PDF_MAGIC = b"%PDF-"
_IMAGE_MAGICS = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def _check_size(upload, max_bytes: int) -> None:
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)}
        )


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _replace_content(upload, data: bytes, kind: str) -> None:
    """Rewrite the upload's bytes, size, type and name from what we decided it is."""
    name = f"upload.{EXTENSIONS[kind]}"
    if hasattr(upload, "temporary_file_path"):  # a TemporaryUploadedFile on disk
        handle = upload.file
        handle.seek(0)
        handle.truncate()
        handle.write(data)
        handle.flush()
    elif isinstance(upload, UploadedFile):
        upload.file = io.BytesIO(data)
    else:  # a ContentFile or other File
        upload.file = io.BytesIO(data)
    upload.size = len(data)
    upload.name = name
    if isinstance(upload, UploadedFile):
        upload.content_type = STORED_CONTENT_TYPES[kind]
        upload.charset = None
    upload.seek(0)


def _rename(upload, kind: str) -> None:
    """Name and type the upload from what we decided it is, keeping its bytes (a video is too
    big to copy, and is stored as it came: only served, never decoded by us)."""
    upload.name = f"upload.{EXTENSIONS[kind]}"
    if isinstance(upload, UploadedFile):
        upload.content_type = STORED_CONTENT_TYPES[kind]
        upload.charset = None
    upload.seek(0)


def _reencode_image(data: bytes, formats: frozenset[str]) -> tuple[bytes, str]:
    """Decode and save afresh; returns (bytes, "png"|"jpeg")."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            found = probe.format
            probe.verify()
        if _PDF_MAGIC in data[:1024]:
            raise ValidationError(
                _("The file is both an image and a PDF. Upload one or the other."), code="polyglot"
            )
        if found not in formats:
            raise ValidationError(
                _("Only %(formats)s images are accepted.") % {"formats": ", ".join(sorted(formats))}
            )
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationError(_("The image is too large in pixels; make it smaller."))
            image.load()
            image = ImageOps.exif_transpose(image)  # keep the photo's orientation, drop EXIF
            out = io.BytesIO()
            if found == "PNG":
                keep = "RGBA" if image.mode in {"RGBA", "LA", "P", "PA"} else "RGB"
                if image.mode not in {"1", "L", "RGB", "RGBA"}:
                    image = image.convert(keep)
                image.save(out, format="PNG", optimize=False)
            else:
                if image.mode not in {"L", "RGB"}:
                    image = image.convert("RGB")
                image.save(out, format="JPEG", quality=90)
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise ValidationError(_("The file is not a readable PNG or JPEG image.")) from exc
    return out.getvalue(), found.lower()


def validate_image(upload, *, max_bytes: int, formats: frozenset[str] = frozenset({"JPEG", "PNG"})):
    """A photo: a PNG or JPEG, re-encoded in place. Returns "PNG" or "JPEG"."""
    _check_size(upload, max_bytes)
    data, kind = _reencode_image(_read_all(upload), formats)
    _replace_content(upload, data, kind)
    return kind.upper()


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader

    # A complete PDF ends with %%EOF (writers may add a few bytes after it).
    if b"%%EOF" not in data[-1024:]:
        raise ValidationError(_("The PDF file is incomplete or damaged."))
    if any(magic in data[:1024] for magic in _IMAGE_MAGICS[:1]):
        raise ValidationError(_("The file is both a PDF and an image. Upload one or the other."))
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            raise ValidationError(
                _("The PDF is password-protected. Upload a copy without a password.")
            )
        if len(reader.pages) < 1:
            raise ValidationError(_("The PDF has no pages."))
        for page in reader.pages:
            page.get_contents()  # every page's content stream must be readable
    except ValidationError:
        raise
    except Exception as exc:  # pypdf raises many kinds on a malformed file
        logger.info("PDF upload refused: %s", type(exc).__name__)
        raise ValidationError(_("The PDF file is incomplete or damaged.")) from exc


def validate_evidence(upload, *, max_bytes: int) -> str:
    """A certificate or letter: a PDF, PNG or JPEG, judged by its bytes and made only that
    (see the module docstring). Returns "pdf", "png" or "jpeg" (keys of EVIDENCE_CONTENT_TYPES).
    """
    _check_size(upload, max_bytes)
    data = _read_all(upload)
    if data.startswith(_PDF_MAGIC):
        _check_pdf(data)
        _replace_content(upload, data, "pdf")
        return "pdf"
    try:
        data, kind = _reencode_image(data, frozenset({"JPEG", "PNG"}))
    except ValidationError as exc:
        if exc.code == "polyglot":
            raise
        raise ValidationError(_("The file is not a PDF, PNG or JPEG.")) from exc
    _replace_content(upload, data, kind)
    return kind


def _head(upload, size: int) -> bytes:
    upload.seek(0)
    data = upload.read(size)
    upload.seek(0)
    return data


def validate_pdf(upload, *, max_bytes: int) -> str:
    """A document that must be a PDF (a briefing paper): parsed page by page. Returns "pdf"."""
    _check_size(upload, max_bytes)
    data = _read_all(upload)
    if not data.startswith(_PDF_MAGIC):
        raise ValidationError(_("The file is not a PDF."))
    _check_pdf(data)
    _replace_content(upload, data, "pdf")
    return "pdf"


def validate_video(upload, *, max_bytes: int) -> str:
    """A video by its container: MP4 (an ISO media ``ftyp`` box first) or WebM (an EBML header
    whose doc type is ``webm``). Returns "mp4" or "webm"."""
    _check_size(upload, max_bytes)
    head = _head(upload, 64)
    if len(head) >= 12 and head[4:8] == b"ftyp":
        kind = "mp4"
    elif head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head:
        kind = "webm"
    else:
        raise ValidationError(_("The file is not an MP4 or WebM video."))
    _rename(upload, kind)
    return kind


def validate_captions(upload, *, max_bytes: int) -> str:
    """Captions as WebVTT: UTF-8 text starting with the ``WEBVTT`` header. Returns "vtt"."""
    _check_size(upload, max_bytes)
    data = _read_all(upload)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(_("The captions file is not UTF-8 text.")) from exc
    first = text.split("\n", 1)[0].rstrip("\r")
    if not (first == "WEBVTT" or first.startswith(("WEBVTT ", "WEBVTT\t"))) or "\x00" in text:
        raise ValidationError(_("The captions file is not WebVTT (it must start with WEBVTT)."))
    _replace_content(upload, text.encode("utf-8"), "vtt")
    return "vtt"
