import sys

from config.env import env, env_bool, env_int, served_url

from .base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
# A template edited under runserver shows at once: no public page cache unless asked for.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 0, minimum=0)
# Links in e-mails point at the address being served (`make run PORT=8001`), unless SITE_URL says.
SITE_URL = env.str("SITE_URL", default=served_url(sys.argv)).rstrip("/")
