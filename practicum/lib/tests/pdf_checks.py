"""Checks of a PDF made here, by libraries that did not make it: pypdf reads which fonts each
page uses and whether each is embedded; pdfminer.six lays the text out again and says where
every character lands."""

import io

from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTTextContainer, LTTextLine
from pypdf import PdfReader


def _fonts(resources, seen: set) -> list:
    fonts = []
    for font in (resources or {}).get("/Font", {}).values():
        font = font.get_object()
        if id(font) in seen:
            continue
        seen.add(id(font))
        fonts.append(font)
    for xobject in (resources or {}).get("/XObject", {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            fonts += _fonts(xobject.get("/Resources"), seen)
    return fonts


def unembedded_fonts(pdf: bytes) -> list[str]:
    """The base names of fonts used but not embedded (none is the aim)."""
    missing, seen = [], set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in _fonts(page.get("/Resources"), seen):
            described = font
            if font.get("/Subtype") == "/Type0":
                described = font["/DescendantFonts"][0].get_object()
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.append(str(font.get("/BaseFont")))
    return missing


def chars_outside(pdf: bytes, margin: float = 0.0) -> list[str]:
    """Characters drawn (partly) outside their page's box, less `margin` points each side."""
    outside = []
    for layout in extract_pages(io.BytesIO(pdf)):
        x0, y0, x1, y1 = layout.bbox
        stack = list(layout)
        while stack:
            item = stack.pop()
            if isinstance(item, LTChar):
                if (
                    item.x0 < x0 + margin
                    or item.x1 > x1 - margin
                    or item.y0 < y0 + margin
                    or item.y1 > y1 - margin
                ):
                    outside.append(item.get_text())
            elif hasattr(item, "__iter__"):
                stack.extend(item)
    return outside


def text_lines(pdf: bytes) -> list[str]:
    """Every line of text as pdfminer reads it, page by page."""
    lines = []
    for layout in extract_pages(io.BytesIO(pdf)):
        stack = list(layout)
        while stack:
            item = stack.pop(0)
            if isinstance(item, LTTextLine):
                lines.append(item.get_text().strip())
            elif isinstance(item, LTTextContainer) or hasattr(item, "__iter__"):
                stack[:0] = list(item)
    return lines
