"""Badge images: one per credential type, drawn from `data/badges.yaml`, and the baked PNG of a
credential (OB 3.0 "baking": the signed VC-JWT in an iTXt chunk with the keyword
`openbadgecredential`), which a wallet or backpack imports as the badge itself."""

import io
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

from practicum.lib.pdf import FONT_CANDIDATES
from practicum.lib.yamlfile import read_yaml

DESIGNS = Path(__file__).parent / "data" / "badges.yaml"
SIZE = 512
BAKE_KEYWORD = "openbadgecredential"


@cache
def designs() -> dict:
    return read_yaml(DESIGNS)


def design(code: str) -> dict:
    found = designs()
    return {**found["default"], **found.get(code.upper(), {})}


def _font(size: int):
    for _regular, bold in FONT_CANDIDATES:
        if Path(bold).is_file():
            return ImageFont.truetype(bold, size)
    return ImageFont.load_default(size)


def _fit(draw: ImageDraw.ImageDraw, text: str, width: int, size: int):
    """The largest font, at most `size`, in which `text` fits `width`."""
    while size > 10:
        font = _font(size)
        if draw.textlength(text, font=font) <= width:
            return font
        size -= 4
    return _font(size)


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


@cache
def badge_png(code: str, title: str) -> bytes:
    """The badge of a credential type: a ring, its short mark and its name."""
    look = design(code)
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, SIZE - 8, SIZE - 8), fill=look["ring"])
    draw.ellipse((40, 40, SIZE - 40, SIZE - 40), fill=look["fill"])
    mark = _fit(draw, look["label"], 300, 150)
    draw.text((SIZE / 2, 215), look["label"], font=mark, fill=look["ink"], anchor="mm")
    name = _font(30)
    for n, line in enumerate(_wrap(draw, title, name, 330)[:3]):
        draw.text((SIZE / 2, 320 + n * 38), line, font=name, fill=look["ink"], anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def baked_png(image: bytes, token: str) -> bytes:
    """`image` with the credential baked in (one iTXt chunk, uncompressed, as OB 3.0 shows)."""
    info = PngInfo()
    info.add_itxt(BAKE_KEYWORD, token, lang="", tkey="", zip=False)
    out = io.BytesIO()
    Image.open(io.BytesIO(image)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()
