"""Settings shared by every environment. See README.md for each variable."""

from datetime import timedelta
from pathlib import Path

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.cache import with_file_cache_backend
from config.env import env, env_bool, env_database, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env.read_env(BASE_DIR / ".env") if (BASE_DIR / ".env").exists() else None

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "config.apps.IntersticesAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_filters",
    "django_htmx",
    "axes",
    "core",
    "accounts",
    "sites",
    "occupants",
    "events",
    "impact",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "config.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that a locked-out login never reaches the view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.platform",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# SQLite by default so that a newcomer needs nothing installed; PostgreSQL through DATABASE_URL.
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock when the transaction starts, so two writers queue
        # instead of failing with "database is locked" half-way through.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;PRAGMA busy_timeout=20000;"
        ),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Opt-in (issue 11): parameters travel apart from the SQL (server-side binding), and a
    # statement that a connection runs a fifth time is prepared, so PostgreSQL neither parses
    # nor plans it again (about 2 ms of a page's queries on the bench). Off by default: behind
    # a pooler in transaction mode (PgBouncer before 1.21) prepared statements break, and the
    # pages meet their targets without them.
    if env_bool("DATABASE_PREPARED_STATEMENTS", False):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": 5}
        )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3

# --- Login throttling (django-axes) -------------------------------------------------------
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
# An account is locked for the address that failed, so nobody can lock a person out from afar.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The login forms' field is "username" (lower-cased by accounts.forms); axes would otherwise look
# for USERNAME_FIELD ("email"), find nothing and count every failure under an empty name.
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# The client address behind REVERSE_PROXY_COUNT proxies (env AXES_PROXY_COUNT): accounts.client_ip.
REVERSE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
AXES_VERBOSE = False
# Besides the (account, address) lock: this many failures from one client IP within
# AXES_COOLOFF_TIME, whatever the accounts, block every login from it (accounts.login_throttle).
AXES_HANDLER = "accounts.login_throttle.LoginThrottleHandler"
LOGIN_IP_FAILURE_LIMIT = 30

# --- E-mails a visitor can trigger (accounts.throttle) -----------------------------------
# Sign-ups, password resets, new verification links: at most this many per address and per
# client IP in each window; past that the answer looks the same and nothing is sent.
EMAIL_THROTTLE_PER_ADDRESS = 5
EMAIL_THROTTLE_PER_IP = 20
EMAIL_THROTTLE_WINDOW_SECONDS = 3600
# A site's public questionnaire (impact): at most this many answers sent per client IP in the
# window; past that the page says to come back later and nothing is recorded.
QUESTIONNAIRE_THROTTLE_PER_IP = 10
QUESTIONNAIRE_THROTTLE_WINDOW_SECONDS = 3600
# How long the link that verifies a new account's address stays valid.
EMAIL_VERIFICATION_MAX_AGE = timedelta(days=3)

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Candidates' documents and signed occupancy agreements: outside MEDIA_ROOT, which the web server
# publishes, and read only through views that check who asks (core.files.private_storage).
PRIVATE_MEDIA_ROOT = Path(
    env.str("PRIVATE_MEDIA_ROOT", default=str(MEDIA_ROOT.parent / f"{MEDIA_ROOT.name}-private"))
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads above this are refused before Django reads them into memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# A 48 MP phone photo at its camera's quality weighs 10 to 20 MB.
IMAGE_MAX_BYTES = 20 * 1024 * 1024
# Pixels accepted per kind of image, so that one upload costs at most about 100 MB of memory
# and a second of CPU (core.images): a baseline JPEG is decoded at reduced scale, phone photos
# up to 50 MP pass; a PNG or a progressive JPEG is decoded whole; a WebP costs twice that.
IMAGE_MAX_PIXELS = 50_000_000
IMAGE_MAX_PIXELS_PNG = 6_000_000
IMAGE_MAX_PIXELS_WEBP = 3_000_000

# --- Cache ----------------------------------------------------------------------------------
# CACHE_URL: locmemcache:// (default here: one process), filecache:///path (production default,
# shared by the gunicorn workers of one machine), dbcache://table, pymemcache://host:11211.
# It holds the public pages served to anonymous visitors (Django's cache_page, through
# sites.page_cache) for PUBLIC_PAGE_CACHE_SECONDS (0 switches that off) and a few computed
# figures.
CACHES = {
    "default": with_file_cache_backend(
        env.cache_url("CACHE_URL", default="locmemcache://interstices")
    )
}
CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 20_000)
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 300, minimum=0)
# The map's clusters (sites.selectors.site_map), computed over every site in view (0: off).
MAP_CLUSTER_CACHE_SECONDS = env_int("MAP_CLUSTER_CACHE_SECONDS", 60, minimum=0)
# A site page's sections computed by other apps (occupants: figures over every current occupant;
# next events, open calls, impact reports) for anonymous visitors (core.sections; 0: off).
SITE_SECTIONS_CACHE_SECONDS = env_int("SITE_SECTIONS_CACHE_SECONDS", 300, minimum=0)
# The home page's totals (number of sites, open sites, surface), computed over every published
# site (0: off).
HOME_TOTALS_CACHE_SECONDS = env_int("HOME_TOTALS_CACHE_SECONDS", 300, minimum=0)

# --- E-mail ---------------------------------------------------------------------------------
# EMAIL_URL: consolemail:// (default), smtp+tls://user:password@host:587, dummymail://
_email = env.email_url("EMAIL_URL", default="consolemail://")
_smtp_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS", False),
    "use_ssl": _email.get("EMAIL_USE_SSL", False),
    "timeout": 15,
}
if _email["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend":
    # Decoded UTF-8 text with whole links, not the MIME source (config/mail.py).
    _email["EMAIL_BACKEND"] = "config.mail.ReadableConsoleBackend"
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": _smtp_options if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Interstices <ne-pas-repondre@interstices.localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Map ------------------------------------------------------------------------------------
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.str(
    "MAP_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)


def _tile_origin(url: str) -> str:
    # "https://{s}.tile.example.org/{z}/..." -> "https://*.tile.example.org"
    scheme, _sep, rest = url.partition("://")
    host = rest.split("/", 1)[0].replace("{s}", "*")
    return f"{scheme}://{host}"


MAP_TILE_ORIGIN = _tile_origin(MAP_TILE_URL)

# --- Security headers -------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", MAP_TILE_ORIGIN],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions read from the cache, written through to the database: one query less per page.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie; the token travels in the page.

# --- Product settings -------------------------------------------------------------------------
PLATFORM_NAME = "Interstices"
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
DIRECTORY_PAGE_SIZE = 24
# The directories count this many results at most ("plus de 1000 lieux"): the cost of a page
# must not grow with the whole table.
DIRECTORY_COUNT_LIMIT = 1000
# Where people write about an accessibility problem (the accessibility statement shows it).
ACCESSIBILITY_CONTACT_EMAIL = env.str(
    "ACCESSIBILITY_CONTACT_EMAIL", default="accessibilite@interstices.localhost"
)
# The date of the accessibility statement, and of its last update.
ACCESSIBILITY_STATEMENT_DATE = "2026-12-07"
# Contacts of a structure are anonymised this long after its last occupancy ended
# (manage.py purge_contacts); invitations to join a structure expire after INVITATION_VALID_DAYS.
CONTACT_RETENTION_MONTHS = env_int("CONTACT_RETENTION_MONTHS", 24, minimum=1)
INVITATION_VALID_DAYS = 7
# The names and e-mails of an event's registrations are erased this long after the event
# (manage.py purge_registrations); the counts of places stay.
REGISTRATION_RETENTION_DAYS = env_int("REGISTRATION_RETENTION_DAYS", 90, minimum=1)
# An account whose address was never verified is deleted this long after sign-up, unless other
# rows point to it (manage.py purge_unverified_accounts).
UNVERIFIED_ACCOUNT_DAYS = env_int("UNVERIFIED_ACCOUNT_DAYS", 30, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
