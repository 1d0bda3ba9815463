"""Production: every secret comes from the environment; nothing insecure by default."""

from django.core.exceptions import ImproperlyConfigured

from config.cache import with_file_cache_backend
from config.env import env, env_bool, env_int

from .base import *  # noqa: F403
from .base import SECRET_KEY

DEBUG = env_bool("DJANGO_DEBUG", False)
if not SECRET_KEY or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set (50 random characters or more).")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 31_536_000  # hashed names: a year of cache is safe

# One cache shared by every gunicorn worker of the machine, with nothing else to install; set
# CACHE_URL to a memcached or database cache when the site runs on several machines.
CACHES = {
    "default": with_file_cache_backend(
        env.cache_url(
            "CACHE_URL",
            default=f"filecache://{BASE_DIR / 'var' / 'cache'}",  # noqa: F405
        )
    )
}
CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 20_000)

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
