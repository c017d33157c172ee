"""Content-Security-Policy violations as Chromium reports them, collected while a test browses."""

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


POLICY_NAMES = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy")


class ViolationWatch:
    """Collects CSP violations on a page, from the DOM event and from the console (where Chromium
    also reports a Permissions-Policy it does not understand)."""

    def __init__(self, page):
        self.page = page
        self.console = []
        # On the context, so that popups (the admin's add-another window) listen too.
        page.context.add_init_script(LISTEN)
        page.on(
            "console",
            lambda message: (
                self.console.append(message.text)
                if any(name in message.text for name in POLICY_NAMES)
                else None
            ),
        )
        self.found = {}

    def visit(self, url):
        self.page.goto(url)
        self.note()

    def report(self) -> str:
        return "\n".join(f"{url}\n  " + "\n  ".join(seen) for url, seen in self.found.items())

    def note(self):
        self.page.wait_for_load_state("load")
        events = self.page.evaluate("window.__cspViolations || []")
        seen = events + self.console
        if seen:
            self.found.setdefault(self.page.url, []).extend(seen)
        self.forget()

    def forget(self):
        """Drops what was collected since the last note. Also for what the test's own tools did in
        the page: axe-core sets inline styles on some elements while it checks them (the admin's, not
        the public pages'), which a policy without 'unsafe-inline' reports; call this after it ran."""
        self.console.clear()
        self.page.evaluate("window.__cspViolations = []")
