"""`make bench`: the public pages (and the occupants' booking pages) under load.

1. Creates the PostgreSQL database named by BENCH_DATABASE_URL if needed, migrates it and loads
   `seed_bulk` unless the same sizes are already there; collects static files.
2. Starts gunicorn with the production settings (dummy secret, HTTP on 127.0.0.1) on a free port.
3. Loads each URL with wrk (or a Python thread pool) at 10 and 50 clients, after a warm-up, with
   the constant /healthz view as the ceiling; counts each page's SQL queries with the test client.
4. Prints a markdown table, writes bench/last.json, stops gunicorn.

Usage: python bench/run.py [--scale 1] [--keep-data] [--prepare-only]
       [--sites 1000] [--structures 20000] [--bookings 200000] [--events 20000]
       [--clients 10,50] [--duration 10] [--workers 4] [--strict]

`--scale N` multiplies the generated data by N and keeps it in its own database
(interstices_bench for 1, interstices_bench10 for 10), so that both data sets can be kept;
`--keep-data` measures on the data already loaded there, whatever the day it was generated,
after migrating it to the current code.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import load, stats  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/interstices_bench"
# The data of `--scale 1`; `--scale N` generates N times each size.
BASE_SIZES = {"sites": 1000, "structures": 20000, "bookings": 200000, "events": 20000}
HOST = "127.0.0.1"
CEILING = "plafond (/healthz)"
PAGE_P95_MS = 150.0
# Issue 11: the public pages rendered for every request (--no-page-cache), at 10 clients.
RENDERED_P95_MS = 100.0
# Issue 11 (after issue 4's 200 ms at 50 clients, set for the speed layer it removed): booking
# creation at 10 clients.
BOOKING_P95_MS = 250.0
CEILING_SHARE = 0.40
BENCH_USER = "banc-essai@example.org"
# Issue 14: impact.figures.site_figures for the busiest site (40 structures, 20,000 bookings),
# timed in the process over at least FIGURES_MIN_CALLS calls and `--duration` seconds.
FIGURES_ROW = "chiffres d'impact (site_figures)"
FIGURES_MIN_CALLS = 5


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale",
        type=at_least(1),
        default=1,
        help="multiplie les données générées (1) ; chaque échelle a sa base",
    )
    for name, size in BASE_SIZES.items():
        minimum = 1 if name == "sites" else 0  # as seed_bulk: a run may have no bookings
        parser.add_argument(f"--{name}", type=at_least(minimum), help=f"{size} × l'échelle")
    parser.add_argument(
        "--keep-data",
        action="store_true",
        help="garde les données déjà chargées dans la base (migrée au code actuel), "
        "même générées un autre jour",
    )
    parser.add_argument(
        "--prepare-only",
        action="store_true",
        help="prépare la base (migrations, données, statistiques) sans lancer de mesure",
    )
    parser.add_argument("--clients", default="10,50", help="concurrences (10,50)")
    parser.add_argument("--duration", type=float, default=10.0, help="secondes par mesure")
    parser.add_argument("--warmup", type=float, default=2.0, help="secondes de chauffe par URL")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 4)))
    parser.add_argument("--tool", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--output", help="bench/last.json (bench/last-x10.json à l'échelle 10)")
    parser.add_argument(
        "--only",
        default="",
        help="ne mesure que les pages dont le nom contient l'un de ces textes (virgules)",
    )
    parser.add_argument("--strict", action="store_true", help="code 1 si un objectif est manqué")
    parser.add_argument(
        "--baseline",
        help="les résultats d'une autre mesure (p. ex. bench/last.json à l'échelle 1) : chaque "
        f"ligne comparée à la sienne, au plus {stats.GROWTH_LIMIT:g} fois son coût",
    )
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="sert chaque page publique sans le cache des pages (PUBLIC_PAGE_CACHE_SECONDS=0)",
    )
    args = parser.parse_args(argv)
    try:
        args.clients = sorted({int(c) for c in args.clients.split(",") if c.strip()})
    except ValueError:
        parser.error(f"--clients : des nombres entiers séparés par des virgules ({args.clients})")
    if not args.clients or min(args.clients) < 1:
        parser.error("--clients : au moins un nombre de clients positif attendu")
    for name, size in BASE_SIZES.items():
        if getattr(args, name) is None:
            setattr(args, name, size * args.scale)
    if args.output is None:
        suffix = "" if args.scale == 1 else f"-x{args.scale}"
        args.output = str(ROOT / "bench" / f"last{suffix}.json")
    return args


def at_least(minimum: int):
    def whole_number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"nombre entier attendu : {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"nombre d'au moins {minimum} attendu : {value}")
        return value

    return whole_number


def database_url(scale: int, environ: dict[str, str] | None = None) -> str:
    """BENCH_DATABASE_URL when set (it names the database whatever the scale); otherwise
    interstices_bench, with the scale after the name above 1 (interstices_bench10)."""
    environ = os.environ if environ is None else environ
    if environ.get("BENCH_DATABASE_URL"):
        return environ["BENCH_DATABASE_URL"]
    if scale == 1:
        return DEFAULT_DATABASE_URL
    url = urlparse(DEFAULT_DATABASE_URL)
    return url._replace(path=f"{url.path}{scale}").geturl()


def production_env(database: str, cache_dir: str | None = None) -> dict[str, str]:
    """Production settings, made runnable on plain HTTP on this machine only.

    `cache_dir`: the workers' shared file cache (pages, sessions), new for each run. The
    production default, var/cache, outlives a run and keys pages on their URL only: a run would
    otherwise be served the pages cached by the previous one, at another scale or code."""
    env = {
        "DATABASE_URL": database,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_SECRET_KEY": "bench-only-not-secret-" + "k" * 40,
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "EMAIL_URL": "dummymail://",
    }
    if cache_dir:
        env["CACHE_URL"] = f"filecache://{Path(cache_dir).resolve()}"
    return env


def ensure_database(database: str) -> None:
    import psycopg
    from psycopg import sql

    url = urlparse(database)
    if url.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(f"BENCH_DATABASE_URL doit être une base PostgreSQL : {database}")
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    try:
        connection = psycopg.connect(admin, autocommit=True)
    except psycopg.OperationalError as error:
        sys.exit(f"PostgreSQL injoignable ({url.hostname}:{url.port or 5432}) : {error}")
    with connection:
        query = "SELECT 1 FROM pg_database WHERE datname = %s"
        exists = connection.execute(query, [name]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Base {name} créée.")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def data_plan(wanted: dict, have: dict, today, keep: bool) -> str:
    """What to do with the generated data: "reuse" it, "load" it (again), or "refuse" when
    `--keep-data` finds other data in the database (replacing them is the caller's call).

    `wanted` and `have` map each size (sites, structures, bookings) to its count; `have` also
    holds "day", the day the data were generated. The generated dates follow that day (open
    sites, upcoming bookings): without `--keep-data`, data generated on another day are
    generated again; with it, they are measured as they are, so that runs made on several
    days (before and after a change) measure the same rows."""
    sizes_match = all(have.get(name) == count for name, count in wanted.items())
    if sizes_match and (keep or have.get("day") == today):
        return "reuse"
    if keep and have.get("sites"):
        return "refuse"
    return "load"


def loaded_sizes() -> dict:
    """The sizes of the generated data in the database, and the day they were generated."""
    from demo import bulk
    from sites.models import Site

    first = Site.objects.filter(slug__startswith=bulk.PREFIX + "00001-").first()
    have = {
        "sites": Site.objects.filter(slug__startswith=bulk.PREFIX).count(),
        "day": first.occupancy_start + bulk.FIRST_SITE_AGE if first else None,
    }
    if Structure := _model("occupants.Structure"):
        have["structures"] = Structure.objects.filter(slug__startswith=bulk.PREFIX).count()
    if Booking := _model("events.Booking"):
        have["bookings"] = Booking.objects.filter(
            site__slug__startswith=bulk.PREFIX, reference__startswith="B-"
        ).count()
    if Event := _model("events.Event"):
        have["events"] = Event.objects.filter(slug__startswith=bulk.PREFIX + "e").count()
    return have


def prepare_data(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    began = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"Base {connection.settings_dict['NAME']} migrée ({time.monotonic() - began:.0f} s).")
    have = loaded_sizes()
    wanted = {name: getattr(args, name) for name in BASE_SIZES if name in have}
    today = timezone.localdate()
    plan = data_plan(wanted, have, today, args.keep_data)
    described = ", ".join(f"{k} {v}" for k, v in have.items())
    if plan == "refuse":
        sys.exit(
            f"--keep-data : la base {connection.settings_dict['NAME']} contient d'autres données "
            f"({described}) que celles demandées "
            f"({', '.join(f'{k} {v}' for k, v in wanted.items())}). Relancez sans --keep-data "
            "pour les remplacer, ou avec les tailles de ces données."
        )
    if plan == "reuse":
        print("Données déjà chargées : " + described)
        # Data loaded before the impact app had none: its report is added once (one row).
        from demo import bulk
        from sites.models import Site

        first = Site.objects.filter(slug__startswith=bulk.PREFIX + "00001-").first()
        if first is not None:
            bulk.impact_report(first, have["day"] or today)
        if have["day"] != today:
            print(f"  générées le {have['day']:%d/%m/%Y}, gardées telles quelles (--keep-data).")
    else:
        print("Chargement de seed_bulk : " + ", ".join(f"{k} {v}" for k, v in wanted.items()))
        began = time.monotonic()
        call_command(
            "seed_bulk",
            sites=args.sites,
            structures=args.structures,
            bookings=args.bookings,
            **({"events": args.events} if "events" in wanted else {}),
            reset=True,
        )
        print(f"Données chargées en {time.monotonic() - began:.0f} s.")
    # Planner statistics and the visibility map, as autovacuum would keep them in production:
    # without them the bench would measure plans (and heap fetches) no production database has.
    if connection.vendor == "postgresql":
        began = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        print(f"VACUUM (ANALYZE) fait ({time.monotonic() - began:.0f} s).")
    call_command("collectstatic", interactive=False, verbosity=0)


def _model(label: str):
    from django.apps import apps

    try:
        return apps.get_model(label)
    except LookupError:
        return None


def bench_session(site) -> tuple[object | None, object | None]:
    """A bench user, responsable of a structure occupying `site`, logged in with the test
    client: its session cookie lets the load tool reach the occupants' pages."""
    from django.test import Client

    Structure, Member = _model("occupants.Structure"), _model("occupants.StructureMember")
    if not (Structure and Member):
        return None, None
    structure = Structure.objects.filter(occupancies__site=site).order_by("pk").first()
    if structure is None:
        return None, None
    from accounts.models import User

    user, _created = User.objects.get_or_create(
        email=BENCH_USER, defaults={"full_name": "Banc d'essai"}
    )
    Member.objects.get_or_create(structure=structure, user=user, defaults={"role": "responsable"})
    delete_bench_bookings()
    client = Client()
    client.force_login(user)
    return client, structure


def delete_bench_bookings() -> None:
    Booking = _model("events.Booking")
    if Booking is not None:
        Booking.objects.filter(booked_by__email=BENCH_USER).delete()


def booking_bodies(client, structure, room, count: int = 3000) -> tuple[list[str], dict]:
    """Form bodies for the booking view: one-hour slots between 30 and 60 days ahead, drawn
    from a small set so that the load mixes free slots and slots taken a moment before."""
    import random
    import uuid
    from urllib.parse import urlencode

    from django.conf import settings
    from django.urls import reverse
    from django.utils import timezone

    client.get(reverse("events:book", kwargs={"pk": room.pk}))  # sets the CSRF cookie
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    rng = random.Random(4)
    today = timezone.localdate()
    bodies = []
    for _i in range(count):
        day = today + timedelta(days=rng.randint(30, 60))
        bodies.append(
            urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "structure": structure.pk,
                    "day": f"{day:%Y-%m-%d}",
                    "start_time": f"{rng.randint(8, 19):02d}:00",
                    "duration": 60,
                    "purpose": "Banc d'essai",
                    "people": 1,
                    "repeat": "",
                    "request_key": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                }
            )
        )
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    headers = {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={token}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return bodies, headers


def pick_urls(args: argparse.Namespace) -> tuple[list[dict], object]:
    """The measured URLs, each with its target; pages of apps not built yet are left out."""
    from django.db.models import Count
    from django.test import Client
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from sites.models import Site

    site = (
        Site.objects.filter(slug__startswith="bulk-", published=True)
        .annotate(n=Count("occupancies"))
        .order_by("-n", "pk")
        .first()
        if _model("occupants.Occupancy")
        else Site.objects.filter(slug__startswith="bulk-", published=True).order_by("pk").first()
    )
    if site is None:
        sys.exit("Aucun lieu publié dans les données générées.")
    anonymous = Client()
    share = {"target_p95": PAGE_P95_MS, "target_ratio": CEILING_SHARE, "public": True}
    page = {"target_p95": PAGE_P95_MS, "public": True}
    urls = [
        {"name": CEILING, "path": "/healthz", "client": anonymous},
        {"name": "accueil", "path": reverse("home"), "client": anonymous, **page},
        {"name": "annuaire", "path": reverse("sites:directory"), "client": anonymous, **share},
        {
            "name": "annuaire filtré",
            "path": reverse("sites:directory") + "?departement=92&bookable=1&sort=newest",
            "client": anonymous,
            **share,
        },
        {
            "name": "annuaire page 10",
            "path": reverse("sites:directory") + "?page=10",
            "client": anonymous,
            **share,
        },
        {"name": "carte GeoJSON", "path": reverse("sites:geojson"), "client": anonymous, **page},
        {
            # What static/js/map.js asks for on a first visit: mainland France at zoom 6 (its
            # URLSearchParams writes the commas as %2C, as the page cache expects).
            "name": "carte GeoJSON France",
            "path": reverse("sites:geojson") + "?bbox=-5.625%2C40.98%2C11.25%2C52.48&zoom=6",
            "client": anonymous,
            **page,
        },
        {"name": "fiche lieu", "path": site.get_absolute_url(), "client": anonymous, **share},
    ]
    urls += impact_urls(site)
    with contextlib.suppress(NoReverseMatch):
        urls.append(
            {
                "name": "annuaire des structures",
                "path": reverse("structures:directory"),
                "client": anonymous,
                **share,
            }
        )
    urls += agenda_urls(site)
    member, structure = bench_session(site)
    room = site.spaces.filter(is_bookable=True).order_by("pk").first()
    if member is not None and room is not None:
        today = timezone.localdate()
        for name, view, kwargs, query in (
            ("semaine d'une salle", "events:space_week", {"pk": room.pk}, ""),
            ("journée du lieu", "events:site_day", {"slug": site.slug}, ""),
            (
                "trouver un créneau",
                "events:find",
                {},
                f"?site={site.pk}&day={today + timedelta(days=2):%Y-%m-%d}"
                "&start_time=14:00&duration=60&people=2",
            ),
            ("mes réservations", "events:mine", {}, ""),
        ):
            try:
                path = reverse(view, kwargs=kwargs) + query
            except NoReverseMatch:
                continue
            urls.append({"name": name, "path": path, "client": member, "target_p95": PAGE_P95_MS})
        with contextlib.suppress(NoReverseMatch):
            bodies, headers = booking_bodies(member, structure, room)
            urls.append(
                {
                    "name": "création de réservation",
                    "path": reverse("events:book", kwargs={"pk": room.pk}),
                    "client": member,
                    "bodies": bodies,
                    "headers": headers,
                    # Measured at every concurrency, held to BOOKING_P95_MS at the lowest.
                    "target_p95": BOOKING_P95_MS,
                }
            )
    # Issue 11: rendered for every request (--no-page-cache), a public page answers within
    # RENDERED_P95_MS at 10 clients; the share of the ceiling is for the pages from the cache.
    for url in urls:
        if url.pop("public", False) and args.no_page_cache:
            url["target_p95"] = RENDERED_P95_MS
            url.pop("target_ratio", None)
    return urls, site


# The public agenda's pages (events/agenda/urls.py, "agenda:index" and "agenda:event"), as
# path strings: they come with another part of the agenda, not reversed here so that the rows
# wait for it rather than break. Until it is merged they answer 404 (the run says so).
AGENDA_PATH = "/agenda/"
EVENT_PATH = "/agenda/{slug}/"


def agenda_urls(site) -> list[dict]:
    """The agenda (anonymous: from the page cache after the first hit; with --no-page-cache,
    rendered) and the page of a generated event of the bench's site (seed_bulk's
    `bulk-e000001-…` slugs: the first published public one)."""
    Event = _model("events.Event")
    if Event is None:
        return []
    from django.test import Client

    from demo import bulk

    anonymous = Client()
    page = {"target_p95": PAGE_P95_MS, "public": True}
    urls = [{"name": "agenda", "path": AGENDA_PATH, "client": anonymous, **page}]
    event = (
        Event.objects.filter(slug__startswith=bulk.PREFIX + "e", site=site)
        .published_public()
        .order_by("slug")
        .first()
    )
    if event is not None:
        urls.append(
            {
                "name": "page d'un événement",
                "path": EVENT_PATH.format(slug=event.slug),
                "client": anonymous,
                **page,
            }
        )
    return urls


def measure_figures(site, seconds: float) -> stats.Measure | None:
    """impact.figures.site_figures for `site` over its whole occupancy, called in this process
    (no HTTP: the function a draft report's pages and exports call): a warm-up call, one call
    whose queries are counted, then calls timed one after another for `seconds` (at least
    FIGURES_MIN_CALLS). None before the impact app exists."""
    try:
        from impact.figures import site_figures
    except ImportError:
        return None
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    end = site.occupancy_end or timezone.localdate()
    start = site.occupancy_start or end - timedelta(days=365)
    site_figures(site, start, end)
    with CaptureQueriesContext(connection) as captured:
        figures = site_figures(site, start, end)
    latencies: list[float] = []
    began = time.monotonic()
    while len(latencies) < FIGURES_MIN_CALLS or time.monotonic() - began < seconds:
        call = time.perf_counter()
        site_figures(site, start, end)
        latencies.append((time.perf_counter() - call) * 1000)
    measure = stats.from_latencies(
        FIGURES_ROW,
        f"site_figures({site.slug}, {start:%Y-%m-%d}, {end:%Y-%m-%d})",
        1,
        latencies,
        time.monotonic() - began,
        0,
    )
    measure.queries = len(captured.captured_queries)
    bookings = site.bookings.filter(start__date__gte=start, start__date__lte=end).count()
    measure.notes.append(
        f"en processus, sans HTTP ; {figures['structures']['count']} structures, "
        f"{bookings} réservations ({figures['rooms']['booked_days']} jours réservés "
        f"sur {figures['rooms']['open_days']})"
    )
    return measure


def impact_urls(site) -> list[dict]:
    """The page of the site's published impact report (seed_bulk's `bulk-impact`; anonymous:
    from the page cache after the first hit, rendered with --no-page-cache)."""
    ImpactReport = _model("impact.ImpactReport")
    if ImpactReport is None:
        return []
    from django.test import Client

    report = ImpactReport.objects.published().filter(site=site).order_by("-period_end").first()
    if report is None:
        return []
    return [
        {
            "name": "rapport d'impact",
            "path": report.get_absolute_url(),
            "client": Client(),
            "target_p95": PAGE_P95_MS,
            "public": True,
        }
    ]


def count_queries(urls: list[dict]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    for url in urls:
        client = url["client"]
        if url.get("bodies"):
            # One real booking on a slot no load request uses (61 days ahead), then deleted.
            body = re.sub(r"day=[0-9-]+", f"day={_day_after(61)}", url["bodies"][0])
            with CaptureQueriesContext(connection) as captured:
                response = client.post(
                    url["path"], body, content_type="application/x-www-form-urlencoded"
                )
            url["status"] = 200 if response.status_code == 302 else response.status_code
            url["queries"] = len(captured.captured_queries)
            delete_bench_bookings()
            continue
        client.get(url["path"])  # warms per-process caches (translations, content types…)
        # The queries of a rendering: with the page cache, a hit makes none.
        with (
            override_settings(PUBLIC_PAGE_CACHE_SECONDS=0),
            CaptureQueriesContext(connection) as captured,
        ):
            response = client.get(url["path"])
        url["status"] = response.status_code
        url["queries"] = len(captured.captured_queries)


def _day_after(days: int) -> str:
    from django.utils import timezone

    return f"{timezone.localdate() + timedelta(days=days):%Y-%m-%d}"


def session_headers(client) -> dict[str, str]:
    from django.conf import settings

    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME) if client else None
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie.value}"} if cookie else {}


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    log = open(ROOT / "bench" / "gunicorn.log", "w")  # noqa: SIM115 - closed with the process
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "config.wsgi",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped as a whole, and only it
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn s'est arrêté : voir {log.name}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return process
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    stop_gunicorn(process)
    sys.exit("gunicorn ne répond pas sur /healthz après 30 s.")


def wait_idle(port: int, timeout: float = 90) -> None:
    """After a run at high concurrency gunicorn still works through the requests queued when
    the load tool stopped: wait until /healthz answers quickly, so the next row starts idle."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        began = time.perf_counter()
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=timeout) as r:
                r.read()
        except OSError:
            time.sleep(0.5)
            continue
        if time.perf_counter() - began < 0.1:
            return
        time.sleep(0.2)


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    database = database_url(args.scale)
    cache_dir = tempfile.mkdtemp(prefix="interstices-bench-cache-")
    try:
        return run_bench(args, database, cache_dir)
    finally:
        shutil.rmtree(cache_dir, ignore_errors=True)


def run_bench(args: argparse.Namespace, database: str, cache_dir: str) -> int:
    env = production_env(database, cache_dir)
    if args.no_page_cache:
        env["PUBLIC_PAGE_CACHE_SECONDS"] = "0"
    os.environ.update(env)
    ensure_database(database)

    import django

    django.setup()
    prepare_data(args)
    if args.prepare_only:
        return 0
    urls, site = pick_urls(args)
    wanted = [part.strip() for part in args.only.split(",") if part.strip()]
    if wanted:  # the ceiling stays: the other rows are expressed against it
        urls = [u for u in urls if u["name"] == CEILING or any(w in u["name"] for w in wanted)]
    count_queries(urls)
    # Before gunicorn starts: the in-process row does not share the CPU with the load.
    figures = (
        measure_figures(site, args.duration)
        if not wanted or any(w in FIGURES_ROW for w in wanted)
        else None
    )
    if figures is not None:
        print(
            f"  {figures.name} : p50 {figures.p50:.0f} ms, p95 {figures.p95:.0f} ms, "
            f"{figures.queries} requêtes SQL ({figures.notes[0]})",
            flush=True,
        )
    from django.db import connections

    connections.close_all()

    tool = args.tool if args.tool != "auto" else ("wrk" if load.wrk_available() else "python")
    runner = load.run_wrk if tool == "wrk" else load.run_python
    port = free_port()
    load_before = _load()
    process = start_gunicorn(env, port, args.workers)
    print(f"gunicorn ({args.workers} workers) sur {HOST}:{port}, charge avec {tool}.")
    print(
        "Cache des pages publiques (visiteurs anonymes) : "
        + ("désactivé." if args.no_page_cache else "actif ; « requêtes SQL » compte un rendu.")
    )
    measures: list[stats.Measure] = []
    try:
        for url in urls:
            if not url.get("bodies"):
                runner(
                    url["name"],
                    HOST,
                    port,
                    url["path"],
                    clients=4,
                    seconds=args.warmup,
                    headers=session_headers(url["client"]),
                )
        for clients in args.clients:
            for url in urls:
                if clients not in url.get("clients", [clients]):
                    continue
                m = runner(
                    url["name"],
                    HOST,
                    port,
                    url["path"],
                    clients=clients,
                    seconds=args.duration,
                    headers=url.get("headers") or session_headers(url["client"]),
                    bodies=url.get("bodies"),
                )
                wait_idle(port)
                m.queries = url.get("queries")
                if url.get("status") != 200:
                    m.notes.append(f"statut {url.get('status')} avec le client de test")
                # Targets apply at the lowest concurrency (issue 2), or where a row says.
                if clients == url.get("targets_at", min(args.clients)):
                    m.target_p95 = url.get("target_p95")
                    m.target_ratio = url.get("target_ratio")
                measures.append(m)
                print(
                    f"  {m.name} × {clients} : {m.rps:.0f} req/s, p95 {m.p95:.0f} ms, "
                    f"{m.errors} erreur(s)",
                    flush=True,
                )
    finally:
        stop_gunicorn(process)

    stats.apply_ceiling(measures, CEILING)
    if figures is not None:  # in process, no share of the ceiling's requests/s
        measures.append(figures)
    overlaps = None
    Booking = _model("events.Booking")
    made = None
    if Booking is not None and hasattr(Booking.objects, "overlapping_pairs"):
        overlaps = len(Booking.objects.overlapping_pairs())
        made = Booking.objects.filter(booked_by__email=BENCH_USER).count()
        delete_bench_bookings()
    table = stats.format_table(measures)
    print()
    print(table)
    print()
    if overlaps is not None:
        print(f"Réservations créées pendant le banc : {made} ; qui se chevauchent : {overlaps}")
    print(f"Charge de la machine (1, 5, 15 min) : avant {load_before}, après {_load()}")
    if load_before[0] > (os.cpu_count() or 1):
        print("Attention : la machine était déjà chargée, les mesures en pâtissent.")
    failed = [m for m in measures if m.passed is False]
    grown: list[stats.Growth] = []
    if args.baseline:
        base = json.loads(Path(args.baseline).read_text())
        grown = stats.growth(measures, base["measures"], skip=CEILING)
        label = f"× {base.get('scale', '?')}"
        print(f"\nComparé à {args.baseline} ({base.get('date', '?')}, échelle {label[2:]}) :\n")
        print(stats.format_growth(grown, label))
        print()
        failed += [g for g in grown if not g.passed]
    print(
        "Objectifs : "
        + (
            "tous atteints."
            if not failed
            else "manqués pour " + ", ".join(f"{m.name} × {m.clients}" for m in failed)
        )
    )
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "tool": tool,
        "workers": args.workers,
        "page_cache": not args.no_page_cache,
        "duration_s": args.duration,
        "database": urlparse(database).path.lstrip("/"),
        "scale": args.scale,
        "data": {"sites": args.sites, "structures": args.structures, "bookings": args.bookings},
        "site_page": site.slug,
        "figures_site": site.slug if figures is not None else None,
        "overlapping_bookings": overlaps,
        "bookings_created": made,
        "load_average_before": load_before,
        "load_average_after": _load(),
        "measures": [m.as_dict() for m in measures],
        "table": table,
        "baseline": args.baseline,
        "growth": [
            {**asdict(g), "p95_ratio": g.p95_ratio, "cost_ratio": g.cost_ratio, "passed": g.passed}
            for g in grown
        ],
    }
    Path(args.output).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"Résultats écrits dans {args.output}")
    return 1 if args.strict and (failed or overlaps) else 0


if __name__ == "__main__":
    sys.exit(main())
