"""axe-core (the copy in the axe-playwright-python wheel) run in the page under test.

Only the violations come back to Python, each as its rule, its help text and the elements it found:
the full results (every rule that passed, with its nodes) run to megabytes on an admin page, and
Playwright checks each message it receives in Python.
"""

import json
from pathlib import Path

import axe_playwright_python

AXE_SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
# resultTypes: axe works out where each failing element is, and no more than one of the elements
# that pass each rule (finding them all takes most of its time on a long admin page).
WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}

RUN = """([context, options]) => axe.run(context || document, options).then((results) =>
  results.violations.map((violation) => ({
    id: violation.id,
    help: violation.help,
    nodes: violation.nodes.map((node) => node.target),
  }))
)"""


def axe_violations(page, *, include: str | None = None) -> list[dict]:
    """The WCAG 2.1 A and AA violations on the page (within the element `include` selects, if given)."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    context = {"include": [[include]]} if include else None
    return page.evaluate(RUN, [context, WCAG_21_AA])


def assert_no_violations_at_widths(page, *widths: int, height: int = 900):
    """No WCAG 2.1 A or AA violation on the page as it stands, at each width in turn: the window
    is resized, the page is not loaded again."""
    for width in widths:
        page.set_viewport_size({"width": width, "height": height})
        violations = axe_violations(page)
        assert violations == [], f"{width} px: " + json.dumps(violations, indent=2)
