"""The browser tests' helpers find what they look for: a page with known faults names them."""

import pytest

from tests.browser.axe import assert_no_violations_at_widths, axe_violations
from tests.browser.csp import ViolationWatch

pytestmark = pytest.mark.browser

FAULTY = """<!doctype html><html lang="nl"><head><title>Fouten</title></head><body><main>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<form><input type="text" id="naam"></form>
<p id="goed"><a href="/">Naar de voorpagina</a></p>
</main></body></html>"""


def test_axe_helper_names_each_rule_broken_and_where(page):
    page.set_content(FAULTY)

    violations = axe_violations(page)

    assert [(v["id"], v["nodes"]) for v in violations] == [("image-alt", [["img"]]), ("label", [["#naam"]])]
    assert violations[0]["help"] == "Images must have alternative text"
    assert axe_violations(page, include="#goed") == []
    # A scope given as a list of selectors checks each part.
    assert [v["id"] for v in axe_violations(page, include="#goed, form")] == ["label"]


def test_axe_with_a_scope_that_finds_nothing_fails_rather_than_passes(page):
    """A test that checks part of a page cannot pass because the part is missing."""
    page.set_content(FAULTY)

    with pytest.raises(Exception, match="No elements found for include"):
        axe_violations(page, include=".bestaat-niet")


def test_axe_at_widths_names_the_width_where_it_found_a_fault(page):
    page.set_content(FAULTY)

    with pytest.raises(AssertionError, match=r"(?s)^375 px: .*image-alt"):
        assert_no_violations_at_widths(page, 375, 1280)
    assert page.viewport_size == {"width": 375, "height": 900}


def test_violation_watch_reports_a_script_the_policy_blocks(page):
    watch = ViolationWatch(page)
    page.set_content(
        """<!doctype html><html lang="nl"><head><title>Beleid</title>
        <meta http-equiv="Content-Security-Policy" content="script-src 'none'"></head>
        <body><script>document.title = "uitgevoerd";</script></body></html>"""
    )
    watch.note()

    assert page.title() == "Beleid"
    [seen] = watch.found.values()
    assert any(
        "violates the following Content Security Policy directive 'script-src 'none''" in s for s in seen
    )
