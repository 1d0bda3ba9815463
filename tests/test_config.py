"""Settings read the environment strictly, and production refuses to start half-configured."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_database, env_int, env_list, served_url

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("1", True), ("Oui", True), ("off", False), ("0", False)]
)
def test_booleans_accept_the_usual_words(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG") is expected


@pytest.mark.parametrize("raw", ["ture", "maybe", "2", "yes please"])
def test_a_junk_boolean_stops_the_start_up(monkeypatch, raw):
    monkeypatch.setenv("X_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG", False)


def test_a_junk_integer_stops_the_start_up(monkeypatch):
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_INT"):
        env_int("X_INT", 3)
    monkeypatch.setenv("X_INT", "-4")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("X_INT", 3, minimum=0)


def test_missing_values_fall_back_to_their_default(monkeypatch):
    monkeypatch.delenv("X_MISSING", raising=False)
    assert env_bool("X_MISSING", True) is True
    assert env_int("X_MISSING", 7) == 7
    assert env_list("X_MISSING", ["a"]) == ["a"]
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_MISSING")


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("X_LIST", "a.example, b.example,,")
    assert env_list("X_LIST") == ["a.example", "b.example"]


def test_database_urls_are_parsed_and_junk_is_refused(monkeypatch):
    monkeypatch.setenv("X_DB", "postgres://u:p@db.example:5432/name")
    assert env_database("X_DB")["ENGINE"] == "django.db.backends.postgresql"
    monkeypatch.setenv("X_DB", "nonsense")
    # django-environ warns of the unknown engine before the setting is refused.
    with (
        pytest.warns(UserWarning, match="Engine not recognized"),
        pytest.raises(ImproperlyConfigured, match="X_DB"),
    ):
        env_database("X_DB")


def _import_prod(extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.prod", **extra_env})
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def _database_options(extra_env: dict[str, str]) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.dev", **extra_env})
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {}), default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_postgres_prepares_statements_on_the_server_only_when_asked():
    url = {"DATABASE_URL": "postgres://app@db.example.org:5432/interstices"}
    assert not _database_options(url).get("server_side_binding")
    assert _database_options({**url, "DATABASE_PREPARED_STATEMENTS": "true"})["server_side_binding"]
    sqlite = {"DATABASE_URL": "sqlite:///tmp/x.sqlite3", "DATABASE_PREPARED_STATEMENTS": "true"}
    assert "server_side_binding" not in _database_options(sqlite)


def test_production_has_no_default_secret_key():
    result = _import_prod({})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_is_not_in_debug_unless_asked():
    secret = {"DJANGO_SECRET_KEY": "x" * 50}
    assert _import_prod(secret).stdout.strip() == "False"
    assert _import_prod({**secret, "DJANGO_DEBUG": "true"}).stdout.strip() == "True"
    assert _import_prod({**secret, "DJANGO_DEBUG": "treu"}).returncode != 0


def test_production_settings_pass_the_deployment_checks():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DJANGO_SECRET_KEY="k" * 20 + "Z9!x" * 10,
        DJANGO_ALLOWED_HOSTS="interstices.example.org",
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example.org:587",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


PROD_PROBE = """
import json
import django
django.setup()
from django.test import Client
client = Client()
https = {"HTTP_X_FORWARDED_PROTO": "https"}
answers = {}
for name, path, extra in [
    ("page_http", "/compte/connexion/", {}),
    ("health_http", "/healthz", {}),
    ("health_https", "/healthz", https),
    ("language_https", "/langue/en/", https),
]:
    response = client.get(path, **extra)
    cookie = response.cookies.get("django_language")
    answers[name] = {
        "status": response.status_code,
        "location": response.headers.get("Location"),
        "hsts": response.headers.get("Strict-Transport-Security"),
        "cookie": cookie and {flag: bool(cookie[flag]) for flag in ("secure", "httponly")},
    }
print(json.dumps(answers))
"""


def test_production_sends_everyone_to_https_behind_the_proxy_with_secure_cookies():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DJANGO_SECRET_KEY="k" * 50,
        DJANGO_ALLOWED_HOSTS="testserver",
    )
    result = subprocess.run(
        [sys.executable, "-c", PROD_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    # Plain HTTP is redirected, except the health probe the load balancer calls.
    assert answers["page_http"]["status"] == 301
    assert answers["page_http"]["location"] == "https://testserver/compte/connexion/"
    assert answers["health_http"]["status"] == 200
    # HTTPS as told by the proxy's X-Forwarded-Proto: served, with a year of HSTS.
    assert answers["health_https"]["status"] == 200
    assert answers["health_https"]["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert answers["language_https"]["status"] == 302
    assert answers["language_https"]["cookie"] == {"secure": True, "httponly": True}


def test_every_response_carries_the_security_headers(client, db):
    response = client.get("/accessibilite/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_the_health_probe_answers_without_touching_the_database(
    client, db, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.content == b"ok"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["manage.py", "runserver", "127.0.0.1:8001"], "http://127.0.0.1:8001"),
        (["manage.py", "runserver", "8002"], "http://127.0.0.1:8002"),
        (["manage.py", "runserver", "--noreload", "0.0.0.0:8003"], "http://127.0.0.1:8003"),
        (["manage.py", "runserver", "localhost:8004"], "http://localhost:8004"),
        (["manage.py", "runserver"], "http://127.0.0.1:8000"),
        (["manage.py", "migrate"], "http://127.0.0.1:8000"),
    ],
)
def test_site_url_in_development_is_the_address_being_served(argv, expected):
    assert served_url(argv) == expected


def test_console_emails_are_readable_utf8_with_whole_links():
    from django.core.mail import EmailMultiAlternatives

    from config.mail import ReadableConsoleBackend

    link = "http://127.0.0.1:8001/compte/verifier/" + "a" * 90 + "/"
    message = EmailMultiAlternatives(
        subject="Réservation confirmée à l'Atelier",
        body=f"Bonjour Léa,\nvotre réservation est confirmée : {link}\n",
        to=["lea@example.org"],
    )
    message.attach_alternative(f"<p>Été : <a href='{link}'>lien</a></p>", "text/html")
    stream = io.StringIO()
    ReadableConsoleBackend(stream=stream).send_messages([message])
    printed = stream.getvalue()
    assert "Subject: Réservation confirmée à l'Atelier" in printed
    assert "Bonjour Léa," in printed and "Été" in printed
    assert link in printed
    assert "=C3=A9" not in printed and "quoted-printable" not in printed


def test_the_console_backend_of_the_settings_is_the_readable_one():
    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.MAILERS['default']['BACKEND'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "config.mail.ReadableConsoleBackend", result.stderr
    assert settings.MAILERS  # the test settings keep their own (locmem) backend


def test_the_accessibility_statement_has_the_contact_and_recourse_rgaa_requires(client, db):
    from django.conf import settings

    page = client.get("/accessibilite/").content.decode()
    for heading in ("État de conformité", "Établissement de cette déclaration"):
        assert heading in page
    assert 'id="contact"' in page and f"mailto:{settings.ACCESSIBILITY_CONTACT_EMAIL}" in page
    assert 'id="recours"' in page and "Défenseur des droits" in page
    assert "Libre réponse 71120" in page and "formulaire.defenseurdesdroits.fr" in page
