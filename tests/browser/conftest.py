"""Browser tests: the system Chromium driven by Playwright against pytest-django's live server.

Every test gets a fresh context whose network is limited to the live server (map tiles come
from a third-party host that tests must not depend on), and fails if the page logs a Content
Security Policy violation, a JavaScript error, a failed request to the app or a server error.
"""

import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import (
    ConsoleMessage,
    Error,
    Page,
    Request,
    Response,
    Route,
    expect,
    sync_playwright,
)

from sites.models import Equipment, Site, Space
from tests.factories import FundingFactory, SiteFactory, SpaceFactory

BROWSER_DIR = Path(__file__).parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM_MISSING = "Chromium introuvable : tests navigateur ignorés — apt-get install chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
PROBLEMS = pytest.StashKey["PageProblems"]()

# Fail fast: every page here is local, a 30 s default only delays the report.
expect.set_options(timeout=5_000)


def find_chromium() -> str | None:
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        # A path given on purpose but wrong is a mistake to report, not a reason to skip.
        return explicit
    for candidate in (
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


CHROMIUM = find_chromium()


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason=CHROMIUM_MISSING)
    for item in items:
        if BROWSER_DIR not in item.path.parents:
            continue
        item.add_marker(pytest.mark.browser)
        # Under CI the browser fixture fails instead: a missing Chromium must not pass silently.
        if CHROMIUM is None and not IN_CI:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        pytest.fail(
            "Chromium introuvable — apt-get install chromium, ou CHROMIUM_PATH=/chemin/chromium "
            "(CI=true : les tests navigateur sont obligatoires)"
        )
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"CHROMIUM_PATH={CHROMIUM} n'est pas un exécutable")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@dataclass
class PageProblems:
    """What a page did wrong, collected from Playwright events while the test runs."""

    origin: str
    csp: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def _ours(self, url: str) -> bool:
        return url == self.origin or url.startswith(self.origin + "/")

    def route(self, route: Route, request: Request) -> None:
        if self._ours(request.url):
            route.continue_()
        else:
            self.blocked.append(request.url)
            route.abort()

    def on_console(self, message: ConsoleMessage) -> None:
        text = message.text
        where = message.location.get("url", "")
        if "Content Security Policy" in text:
            self.csp.append(f"{text} ({where})")
        elif message.type == "error":
            # Requests to other hosts (tiles) are aborted on purpose; their failures are noise.
            if text.startswith("Failed to load resource") and not self._ours(where):
                return
            self.errors.append(f"{text} ({where})")

    def on_page_error(self, error: Error) -> None:
        self.errors.append(f"Uncaught {error.name}: {error.message}")

    def on_response(self, response: Response) -> None:
        if self._ours(response.url) and response.status >= 500:
            self.errors.append(f"HTTP {response.status} {response.request.method} {response.url}")

    def expect_error(self, fragment: str) -> None:
        """Acknowledge an error the test provoked on purpose (e.g. a 404 page)."""
        matching = [e for e in self.errors if fragment in e]
        assert matching, f"expected an error containing {fragment!r}, got {self.errors}"
        self.errors = [e for e in self.errors if fragment not in e]

    def report(self) -> str:
        lines = []
        if self.csp:
            lines += ["Content Security Policy violations:", *(f"  - {t}" for t in self.csp)]
        if self.errors:
            lines += ["JavaScript / network errors:", *(f"  - {t}" for t in self.errors)]
        return "\n".join(lines)


@pytest.fixture
def page_problems(make_page, request) -> PageProblems:
    return request.node.stash[PROBLEMS]


@pytest.fixture
def make_page(browser, live_server, transactional_db, request):
    """Open a page in a fresh context (extra options go to new_context, e.g.
    java_script_enabled=False), watched for CSP violations and errors."""
    problems = PageProblems(origin=live_server.url)
    request.node.stash[PROBLEMS] = problems
    contexts = []
    pages: list[Page] = []
    in_flight: set[Request] = set()

    def make(**options) -> Page:
        # French browser: headless Chromium asks for en-US, which LocaleMiddleware would honour.
        defaults = {
            "base_url": live_server.url,
            "locale": "fr-FR",
            "timezone_id": "Europe/Paris",
            "viewport": {"width": 1280, "height": 900},
            "reduced_motion": "reduce",
        }
        context = browser.new_context(**(defaults | options))
        contexts.append(context)
        context.set_default_timeout(5_000)
        context.route("**/*", problems.route)
        page = context.new_page()
        page.on("console", problems.on_console)
        page.on("pageerror", problems.on_page_error)
        page.on("response", problems.on_response)
        page.on("request", lambda sent: in_flight.add(sent))
        page.on("requestfinished", lambda done: in_flight.discard(done))
        page.on("requestfailed", lambda failed: in_flight.discard(failed))
        pages.append(page)
        return page

    yield make
    # A request still being served (a map's data, an htmx update) would hold the database while
    # the test's data is flushed: PostgreSQL then ends the flush in a deadlock. Let them end.
    deadline = time.monotonic() + 5
    while in_flight and pages and time.monotonic() < deadline:
        try:
            pages[0].wait_for_timeout(50)
        except Error:
            break
    for context in contexts:
        context.close()


@pytest.fixture
def page(make_page) -> Page:
    return make_page()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    problems = item.stash.get(PROBLEMS, None)
    if problems is not None:
        report = problems.report()
        if report:
            pytest.fail(report, pytrace=False)
    return result


@dataclass
class Directory:
    """Published sites in three départements, one unpublished, each with spaces."""

    friche: Site
    halle: Site
    poste: Site
    caserne: Site
    hidden: Site

    @property
    def published(self) -> list[Site]:
        return [self.friche, self.halle, self.poste, self.caserne]


@pytest.fixture
def directory(transactional_db) -> Directory:
    friche = SiteFactory(
        name="Friche Lumière",
        departement="92",
        postal_code="92600",
        commune="Asnières-sur-Seine",
        latitude=Decimal("48.914000"),
        longitude=Decimal("2.285000"),
        summary="Une ancienne imprimerie ouverte aux artistes et artisans.",
        description="Trois niveaux d'ateliers.\n\nUne cour ouverte aux voisins le samedi.",
        transport_access="RER C, station Asnières.",
        former_use="Imprimerie",
        total_project_cost=Decimal("120000"),
    )
    # Every optional section of the site page is on screen, so axe checks them all.
    # get_or_create: the data migration's rows are gone once a transactional test has flushed.
    friche.equipment.add(Equipment.objects.get_or_create(slug="wifi", defaults={"name": "Wifi"})[0])
    FundingFactory(site=friche, amount=Decimal("45000"), year=2025, purpose="Mise aux normes")
    SpaceFactory(site=friche, name="Atelier bois", kind=Space.Kind.WORKSHOP, surface=Decimal("80"))
    SpaceFactory(
        site=friche,
        name="Salle des machines",
        kind=Space.Kind.MULTIPURPOSE,
        surface=Decimal("140"),
        capacity=60,
        is_bookable=True,
        is_accessible=True,
    )
    halle = SiteFactory(
        name="Halle aux Cuirs",
        departement="93",
        postal_code="93100",
        commune="Montreuil",
        latitude=Decimal("48.861000"),
        longitude=Decimal("2.443000"),
        status=Site.Status.PREPARATION,
        occupancy_start=date(2026, 9, 1),
        occupancy_end=date(2028, 8, 31),
    )
    SpaceFactory(site=halle, name="Bureau 12", kind=Space.Kind.OFFICE)
    poste = SiteFactory(
        name="Ancienne Poste Daumesnil",
        departement="75",
        postal_code="75012",
        commune="Paris",
        latitude=Decimal("48.839000"),
        longitude=Decimal("2.395000"),
    )
    SpaceFactory(
        site=poste,
        name="Plateau coworking",
        kind=Space.Kind.COWORKING,
        is_bookable=True,
        is_accessible=True,
    )
    caserne = SiteFactory(
        name="Caserne Nord",
        departement="93",
        postal_code="93200",
        commune="Saint-Denis",
        latitude=Decimal("48.936000"),
        longitude=Decimal("2.357000"),
    )
    SpaceFactory(site=caserne, name="Réserve A", kind=Space.Kind.STORAGE)
    hidden = SiteFactory(
        name="Entrepôt Confidentiel",
        departement="92",
        postal_code="92000",
        commune="Nanterre",
        latitude=Decimal("48.892000"),
        longitude=Decimal("2.206000"),
        published=False,
    )
    SpaceFactory(site=hidden, name="Hangar", kind=Space.Kind.STORAGE)
    return Directory(friche=friche, halle=halle, poste=poste, caserne=caserne, hidden=hidden)
