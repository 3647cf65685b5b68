"""One visit per page, two checks: axe-core (WCAG 2.0, 2.1 and 2.2 A and AA, and best practice)
at 1280 px, then reflow (WCAG 1.4.10) at 390 px (a common phone, where the menu collapses) and
at 320 CSS px — 400 % zoom of 1280 — where no page may scroll sideways except inside a data
table's own scroll box."""

import os
from functools import cache

from axe_playwright_python.sync_playwright import Axe

from practicum.accounts.tests.site_pages import visit

AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": [
            "wcag2a",
            "wcag2aa",
            "wcag21a",
            "wcag21aa",
            "wcag22a",
            "wcag22aa",
            "best-practice",
        ],
    },
    "resultTypes": ["violations"],
}
WIDE, PHONE, NARROW = 1280, 390, 320
# Screenshots that some browser tests save for a person to look at (no test reads them back):
# taken only when asked for, as each full-page one costs Chromium a page's worth of rendering.
SCREENSHOTS = os.environ.get("PRACTICUM_SCREENSHOTS") == "1"


@cache
def _axe_script() -> str:
    return Axe().axe_script


# null when the page has no axe yet (a context without the init script below).
RUN_AXE = "(options) => window.axe ? axe.run(document, options).then(r => r.violations) : null"


def axe_violations(page, options: dict = AXE_OPTIONS) -> list[dict]:
    """axe-core's violations on the page as it is now. Only the violations cross back from the
    browser: the whole result (every rule that passed or did not apply, with its description)
    is most of what `Axe.run` ships and parses, on every page of the suite's page checks.
    axe comes with the page when its context has `with_axe`; else it is sent now."""
    violations = page.evaluate(RUN_AXE, options)
    if violations is None:
        page.evaluate(_axe_script())
        violations = page.evaluate(RUN_AXE, options)
    return violations


def with_axe(page) -> None:
    """Every document the page's context opens from now on starts with axe-core loaded (as
    Playwright's init script, before the page's own scripts): a page walk then does not send
    axe's 570 kB from the test to the browser for each page (about 45 ms of CPU a page)."""
    page.context.add_init_script(_axe_script())


# The widest element that is not inside a scrolling table box: named in the failure message.
WIDEST = """(width) => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.table-scroll')) continue;
    const r = el.getBoundingClientRect();
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (typeof el.className === 'string' && el.className ? '.' + el.className.trim() : '');
    if (r.right > width + 1) out.push([r.right, name]);
  }
  out.sort((a, b) => b[0] - a[0]);
  return out.slice(0, 3);
}"""


def check_pages(page, paths) -> tuple[dict, int]:
    """Problems by path (axe violations, then the reflow failure) and how many pages were seen."""
    found, seen = {}, 0
    with_axe(page)
    for path in paths:
        page.set_viewport_size({"width": WIDE, "height": 800})
        if not visit(page, path):
            continue
        seen += 1
        problems = [(v["id"], v["help"], v["nodes"][0]["target"]) for v in axe_violations(page)]
        for narrow in (PHONE, NARROW):
            # Resizing re-lays the page out synchronously: no second visit needed.
            page.set_viewport_size({"width": narrow, "height": 800})
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > narrow:
                problems.append((f"reflow at {narrow} px", width, page.evaluate(WIDEST, narrow)))
        if problems:
            found[path] = problems
    return found, seen


def report(persona: str, seen: int, found: dict) -> str:
    lines = [f"{persona}: {seen} pages, {len(found)} with problems"]
    for path, problems in found.items():
        lines += [f"  {path}"] + [f"    {p}" for p in problems]
    return "\n".join(lines)
