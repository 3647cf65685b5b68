"""Serving a stored upload: the one way every file view answers.

The type is the exact one detected at upload (lib/uploads.py), never guessed from the name;
`nosniff` stops the browser guessing another; anything but an image shown inline is an
attachment; and a sandboxing Content-Security-Policy means that even a file opened directly
runs nothing, loads nothing and submits nothing.
"""

from django.http import FileResponse, Http404

from practicum.lib.uploads import EXTENSIONS, STORED_CONTENT_TYPES

# No script, no plugin, no form, no network: a sandboxed, inert document.
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
INLINE_TYPES = {"png", "jpeg"}
# A video and its captions are played by the page's <video> element, never opened as a page.
MEDIA_TYPES = {"mp4", "webm", "vtt"}

_MAGIC = ((b"%PDF-", "pdf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"))


def detect_kind(field_file) -> str | None:
    """The kind ("pdf", "png", "jpeg") of a stored file by its first bytes (for files stored
    before their type was recorded, such as profile photos)."""
    with field_file.open("rb") as handle:
        head = handle.read(8)
    return next((kind for magic, kind in _MAGIC if head.startswith(magic)), None)


def stored_file_response(
    field_file,
    *,
    kind: str | None,
    filename_stem: str,
    inline: bool = False,
    cache_control: str = "private, no-store",
) -> FileResponse:
    """A response for a stored upload of `kind` ("pdf", "png" or "jpeg"; "mp4", "webm" or "vtt"
    for published media; None: read a PDF's or image's kind from the file's first bytes).
    `inline` shows an image in the page (a profile photo) or lets a page's <video> play a video
    and its captions; a PDF is always an
    attachment. 404 when there is no file, or when its kind is not one we store."""
    if not field_file:
        raise Http404
    try:
        if kind is None:
            kind = detect_kind(field_file)
        if kind not in STORED_CONTENT_TYPES:
            raise Http404
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    as_attachment = not (inline and kind in INLINE_TYPES | MEDIA_TYPES)
    response = FileResponse(
        handle,
        as_attachment=as_attachment,
        filename=f"{filename_stem}.{EXTENSIONS[kind]}",
        content_type=STORED_CONTENT_TYPES[kind],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = cache_control
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
