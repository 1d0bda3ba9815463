"""Typed, strict reading of the environment.

django-environ reads most values; booleans are read here because
django-environ takes any unknown word ("ture", "maybe") for False, and a
typo in production should stop the start-up, not flip a setting silently.
"""

from __future__ import annotations

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on", "oui"}
_FALSE = {"0", "false", "no", "off", "non", ""}
_UNSET = object()

env = environ.Env()


def env_bool(name: str, default: bool | object = _UNSET) -> bool:
    raw = env.str(name, default=None)
    if raw is None:
        if default is _UNSET:
            raise ImproperlyConfigured(f"Set the {name} environment variable.")
        return bool(default)
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true/false, 1/0, yes/no).")


def env_int(name: str, default: int | object = _UNSET, *, minimum: int | None = None) -> int:
    raw = env.str(name, default=None)
    if raw is None:
        if default is _UNSET:
            raise ImproperlyConfigured(f"Set the {name} environment variable.")
        return int(default)  # type: ignore[arg-type]
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = env.str(name, default=None)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name: str = "DATABASE_URL", default: str = "") -> dict:
    raw = env.str(name, default=default)
    try:
        config = environ.Env.db_url_config(raw)
    except Exception as exc:  # django-environ raises several kinds on junk URLs
        raise ImproperlyConfigured(f"{name}={raw!r} is not a database URL: {exc}") from None
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"{name}={raw!r}: unknown database scheme.")
    return config


def served_url(argv: list[str], default: str = "http://127.0.0.1:8000") -> str:
    """The address ``manage.py runserver [host:]port`` serves, for links in e-mails in
    development: ``runserver 8001`` → http://127.0.0.1:8001, ``runserver 0.0.0.0:8001`` →
    http://127.0.0.1:8001 (every interface, reached locally). ``default`` otherwise."""
    if "runserver" not in argv:
        return default
    words = [word for word in argv[argv.index("runserver") + 1 :] if not word.startswith("-")]
    if not words:
        return default
    host, _colon, port = words[0].rpartition(":")
    if not port.isdigit():
        return default
    host = host or "127.0.0.1"
    if host in {"0.0.0.0", "0", "[::]"}:  # noqa: S104 (a name to replace, not a bind)
        host = "127.0.0.1"
    return f"http://{host}:{port}"
