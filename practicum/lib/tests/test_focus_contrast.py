"""The one focus style has >= 3:1 contrast (WCAG 1.4.11) against every background our CSS paints.

The ratios are computed from the CSS values themselves, so a new background colour, or a change
to the ring, that breaks the rule fails here."""

import re
from pathlib import Path

import pytest

CSS_DIR = Path(__file__).resolve().parents[2] / "static" / "css"
STYLESHEETS = sorted(CSS_DIR.glob("*.css"))
# Django admin's own backgrounds, which the admin override (css/admin.css) puts the ring on.
ADMIN_BACKGROUNDS = ["#ffffff", "#f8f8f8", "#417690", "#79aec8", "#264b5d", "#205067", "#ba2121"]


def luminance(hex_colour: str) -> float:
    value = hex_colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def css_text() -> str:
    return "\n".join(path.read_text() for path in STYLESHEETS)


def variables(text: str) -> dict[str, str]:
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{3,6})\b", text))


def resolve(value: str, names: dict[str, str]) -> str | None:
    value = value.strip()
    match = re.match(r"var\((--[\w-]+)\)", value)
    if match:
        return names.get(match.group(1))
    match = re.match(r"(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b", value)
    if match:
        return match.group(1)
    return {"#fff": "#ffffff", "white": "#ffffff", "black": "#000000"}.get(value)


def backgrounds(text: str, names: dict[str, str]) -> set[str]:
    found = set()
    for value in re.findall(r"background(?:-color)?:\s*([^;}]+)", text):
        first = value.split()[0] if value.split() else ""
        colour = resolve(first, names)
        if colour:
            found.add(colour.lower())
    # Colours a focused element's surroundings may be painted with beside the backgrounds:
    # the page's own variables for paper and washes.
    for name, colour in names.items():
        if name in ("--paper", "--wash") or name.endswith("-wash"):
            found.add(colour.lower())
    return found


def test_the_stylesheets_are_found():
    assert {p.name for p in STYLESHEETS} >= {"practicum.css", "admin.css"}


def test_the_focus_ring_and_its_gap_contrast_with_each_other():
    names = variables(css_text())
    assert contrast(names["--focus-ring"], names["--focus-gap"]) >= 3


ALL_BACKGROUNDS = sorted(backgrounds(css_text(), variables(css_text())) | set(ADMIN_BACKGROUNDS))


@pytest.mark.parametrize("background", ALL_BACKGROUNDS)
def test_the_focus_indicator_has_3_to_1_against(background):
    """The dark ring must stand out on light backgrounds; on dark fills the white gap does."""
    names = variables(css_text())
    ring, gap = names["--focus-ring"], names["--focus-gap"]
    best = max(contrast(ring, background), contrast(gap, background))
    ratios = f"ring {contrast(ring, background):.2f}, gap {contrast(gap, background):.2f}"
    assert best >= 3, f"{background}: {ratios}"


def test_the_ring_alone_has_3_to_1_on_every_light_page_background():
    names = variables(css_text())
    light = ("--paper", "--wash", "--brand-wash", "--danger-wash", "--success-wash")
    light += ("--warning-wash",)
    for name in light:
        assert contrast(names["--focus-ring"], names[name]) >= 3, name


def test_there_is_one_focus_style():
    """Every outline our CSS declares is the ring (or none, on <main> focused by a skip link)."""
    text = css_text()
    outlines = re.findall(r"outline:\s*([^;}]+)", text)
    assert outlines
    for value in outlines:
        assert value.strip() == "none" or "var(--focus-ring)" in value, value


def test_native_date_and_time_controls_get_the_ring():
    text = css_text()
    assert '[type="date"]' in text and '[type="time"]' in text
    assert "::-webkit-calendar-picker-indicator:focus {" in text
