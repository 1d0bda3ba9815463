import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import OrganisationFactory, SiteFactory, UserFactory

# Live-server tests run the app in a thread; Playwright's sync API runs an event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip_pg = pytest.mark.skip(reason="PostgreSQL only (set DATABASE_URL to a PostgreSQL URL)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)


@pytest.fixture(autouse=True, scope="session")
def _media_root():
    roots = [Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)]
    for root in roots:
        root.mkdir(parents=True, exist_ok=True)
    yield
    for root in roots:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Django's cache (locmem) outlives a test's rolled-back rows: start each test empty."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"


# The fixed cast: alice is a platform admin, olga is operator staff of "Coop A", mara manages
# site A only, mike manages site B only, oscar is staff of another operator, uma is unrelated.
@pytest.fixture
def cast(db):
    coop_a = OrganisationFactory(name="Coop A")
    coop_b = OrganisationFactory(name="Coop B")
    site_a = SiteFactory(name="Site A", operator=coop_a)
    site_b = SiteFactory(name="Site B", operator=coop_a)
    site_c = SiteFactory(name="Site C", operator=coop_b)
    alice = UserFactory(email="alice@example.org", is_staff=True, is_superuser=True)
    olga = UserFactory(email="olga@example.org", is_staff=True)
    coop_a.staff.add(olga)
    oscar = UserFactory(email="oscar@example.org", is_staff=True)
    coop_b.staff.add(oscar)
    mara = UserFactory(email="mara@example.org", is_staff=True)
    site_a.managers.add(mara)
    mike = UserFactory(email="mike@example.org", is_staff=True)
    site_b.managers.add(mike)
    uma = UserFactory(email="uma@example.org")

    class Cast:
        pass

    c = Cast()
    c.__dict__.update(locals())
    return c


# CI runs with STRICT_NO_SKIP=1: a skipped test (no Chromium, no PostgreSQL) fails the run.
_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if hasattr(session.config, "workerinput"):
        return  # a pytest-xdist worker: the controller receives every report and decides
    if os.environ.get("STRICT_NO_SKIP") == "1" and _skipped and session.exitstatus == 0:
        print(f"\nSTRICT_NO_SKIP: {len(_skipped)} test(s) were skipped, which CI does not allow:")
        for nodeid in _skipped[:20]:
            print(f"  {nodeid}")
        session.exitstatus = 1
