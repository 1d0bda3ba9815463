import os

from .base import *  # noqa: F403
from .base import DATABASES

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-0123456789"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# One folder per test process (pytest-xdist's workers run side by side): each removes its own
# when it ends.
_PROCESS = os.environ.get("PYTEST_XDIST_WORKER", "main")
MEDIA_ROOT = BASE_DIR / ".pytest_cache" / f"media-{_PROCESS}"  # noqa: F405
PRIVATE_MEDIA_ROOT = BASE_DIR / ".pytest_cache" / f"media-private-{_PROCESS}"  # noqa: F405
ALLOWED_HOSTS = ["*"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file (not :memory:) so that live-server, browser and concurrency tests share it; one per
    # test process so that two runs side by side never share (or delete) each other's database.
    DATABASES["default"]["TEST"] = {
        "NAME": str(BASE_DIR / ".pytest_cache" / f"test-{os.getpid()}.sqlite3")  # noqa: F405
    }

# Every test thread (live server handlers, concurrency tests) closes its connection when done:
# persistent connections would pile up across the suite and exhaust PostgreSQL's 100 slots.
DATABASES["default"]["CONN_MAX_AGE"] = 0

# Tests measure pages as rendered (query counts, content after a change); the page cache has its
# own tests, which switch it on.
PUBLIC_PAGE_CACHE_SECONDS = 0
MAP_CLUSTER_CACHE_SECONDS = 0
SITE_SECTIONS_CACHE_SECONDS = 0
HOME_TOTALS_CACHE_SECONDS = 0
