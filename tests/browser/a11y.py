"""axe-core (bundled by axe-playwright-python, so it works offline) against WCAG 2.1 A and AA."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_axe = Axe()


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation['impact']}] {violation['help']}"
            f"\n    {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ; ".join(
                line.strip()
                for line in (node.get("failureSummary") or "").splitlines()
                if line.strip()
            )
            lines.append(f"    * {target}\n      {node['html'][:200]}\n      {summary}")
    return "\n".join(lines)


# What the browser answers when axe is injected into a document that a navigation is replacing
# (a link just clicked): the old page's context is gone, or the new one has no element yet.
_NAVIGATING = ("Execution context was destroyed", "reading 'documentElement'")


def _run_axe(page: Page, attempts: int = 3):
    """axe on the page once it has loaded. A run that meets a navigation in progress is run
    again on the page the navigation lands on; any other error fails at once."""
    for attempt in range(1, attempts + 1):
        page.wait_for_load_state("load")
        try:
            # axe is injected through the DevTools protocol, which the page's CSP does not
            # restrict.
            return _axe.run(
                page,
                options={
                    "runOnly": {"type": "tag", "values": WCAG_21_AA},
                    "resultTypes": ["violations"],
                },
            )
        except PlaywrightError as error:
            if attempt == attempts or not any(text in str(error) for text in _NAVIGATING):
                raise


def assert_no_axe_violations(page: Page) -> None:
    """Fail with every violation's rule, impact, help and failing nodes, ready to act on."""
    results = _run_axe(page)
    violations = results.response["violations"]
    assert not violations, (
        f"axe : {len(violations)} violation(s) WCAG 2.1 A/AA sur {page.url}\n"
        + format_violations(violations)
    )


def rendered_font_sizes(page, selector: str) -> list[float]:
    """The size, in CSS pixels on the screen, at which each element matching `selector` is
    drawn: its computed font size times the scale its SVG applies (a viewBox drawing shrunk to
    a narrow box writes its "14 px" text smaller)."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)].map((el) => {
            const size = parseFloat(getComputedStyle(el).fontSize);
            const matrix = el.getScreenCTM ? el.getScreenCTM() : null;
            return matrix ? size * Math.hypot(matrix.a, matrix.b) : size;
        })""",
        selector,
    )
