"""Screenshots of the main pages at 375 and 1280 px, into docs/screenshots/ (make screenshots).

By default on a fresh demo: a temporary SQLite database and media folder, migrate, seed_demo,
runserver on a free port, Chromium (Playwright, the system's /usr/bin/chromium or
CHROMIUM_PATH, never a downloaded one) logging in the demo accounts a page needs. Your own
database is not touched. About a minute.

    manage.py screenshots [--out docs/screenshots] [--max-height 4000]
    manage.py screenshots --list     the pages, as JSON, from the current database
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from io import BytesIO, StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from demo import data

WIDTHS = {375: 812, 1280: 800}  # width: viewport height
DEMO_SITE = "la-boussole-asnieres"
STEP_TIMEOUT = 60  # seconds for each of migrate, seed_demo and the server's start
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


@dataclass(frozen=True)
class Shot:
    name: str  # the file's stem: home gives home-375.png and home-1280.png
    path: str
    login: str | None = None  # a demo account's key (demo.data.ACCOUNTS), or a visitor


def pages() -> list[Shot]:
    """The pages to capture, from the demo data of the current database."""
    from sites.models import Site

    site = Site.objects.filter(slug=DEMO_SITE).first()
    if site is None:
        raise CommandError(f"Lieu de démonstration « {DEMO_SITE} » absent : lancez seed_demo.")
    room = site.spaces.filter(is_bookable=True).order_by("level", "name", "pk").first()
    if room is None:
        raise CommandError(f"Aucune salle réservable à « {site.name} » : lancez seed_demo.")
    return [
        Shot("home", reverse("home")),
        Shot("directory", reverse("sites:directory")),
        Shot("site", site.get_absolute_url()),
        Shot("booking-grid", reverse("events:space_week", args=[room.pk]), "structure"),
        Shot(
            "manager-statistics",
            reverse("events:manager_statistics", kwargs={"slug": site.slug}),
            "responsable",
        ),
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def chromium_path() -> str:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise CommandError("Chromium introuvable : apt-get install chromium, ou CHROMIUM_PATH=…")
    return found


def shrink_png(raw: bytes) -> bytes:
    """A 256-colour palette, without dithering, and Pillow's optimised deflate: a third of the
    size, and a page of flat colours and text looks the same."""
    from PIL import Image

    image = Image.open(BytesIO(raw)).convert("RGB")
    image = image.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    out = BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


class Command(BaseCommand):
    help = "Captures d'écran (375 et 1280 px) des pages principales, sur une démo neuve."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", default=str(settings.BASE_DIR / "docs" / "screenshots"))
        parser.add_argument(
            "--max-height",
            type=int,
            default=4000,
            help="Hauteur maximale d'une capture, en pixels CSS (4000 par défaut).",
        )
        parser.add_argument(
            "--list", action="store_true", help="Affiche les pages (JSON) et s'arrête."
        )
        parser.add_argument(
            "--seed-and-list",
            action="store_true",
            help="Usage interne, sur la base temporaire : migrate, seed_demo, puis --list.",
        )

    def handle(self, *args, **options) -> None:
        if options["seed_and_list"]:  # the first step, run on the temporary database
            call_command("migrate", interactive=False, verbosity=0)
            call_command("seed_demo", stdout=StringIO())
        if options["list"] or options["seed_and_list"]:
            self.stdout.write(json.dumps([asdict(shot) for shot in pages()]))
            return
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="itx-screenshots-") as tmp:
            env = os.environ | {
                "DJANGO_SETTINGS_MODULE": "config.settings.dev",
                "DATABASE_URL": f"sqlite:///{Path(tmp) / 'db.sqlite3'}",
                "MEDIA_ROOT": str(Path(tmp) / "media"),
                "PRIVATE_MEDIA_ROOT": str(Path(tmp) / "media-private"),
                "PUBLIC_PAGE_CACHE_SECONDS": "0",
            }
            # One process for migrate, seed_demo and the page list: each start costs seconds.
            listed = self.manage(env, "screenshots", "--seed-and-list")
            shots = [Shot(**row) for row in json.loads(listed)]
            port = free_port()
            server = subprocess.Popen(  # noqa: S603 (our own manage.py, fixed arguments)
                [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                base = f"http://127.0.0.1:{port}"
                self.wait_for(base, server)
                written = self.capture(base, shots, out, options["max_height"])
            finally:
                server.terminate()
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.kill()
        total = sum(path.stat().st_size for path in written)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(written)} captures dans {out} ({total / 1024:.0f} Kio), "
                f"en {time.monotonic() - started:.0f} s."
            )
        )

    def manage(self, env: dict, *args: str) -> str:
        try:
            done = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
                [sys.executable, "manage.py", *args],
                cwd=settings.BASE_DIR,
                env=env,
                capture_output=True,
                text=True,
                timeout=STEP_TIMEOUT * 4,
                check=True,
            )
        except subprocess.CalledProcessError as exc:
            raise CommandError(f"manage.py {' '.join(args)} a échoué :\n{exc.stderr}") from None
        return done.stdout

    def wait_for(self, base: str, server: subprocess.Popen) -> None:
        deadline = time.monotonic() + STEP_TIMEOUT
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError("Le serveur de développement s'est arrêté au démarrage.")
            try:
                # S310: an http:// address of our own server, built above.
                with urllib.request.urlopen(base + reverse("home"), timeout=5):  # noqa: S310
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        raise CommandError(f"Le serveur ne répond pas sur {base} après {STEP_TIMEOUT} s.")

    def capture(self, base: str, shots: list[Shot], out: Path, max_height: int) -> list[Path]:
        from playwright.sync_api import sync_playwright

        written = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
            )
            try:
                for width, height in WIDTHS.items():
                    contexts = {}
                    for shot in shots:
                        if shot.login not in contexts:
                            contexts[shot.login] = self.context(browser, base, width, height, shot)
                        page = contexts[shot.login].new_page()
                        response = page.goto(base + shot.path, wait_until="load")
                        if response is None or response.status != 200:
                            status = response.status if response else "?"
                            raise CommandError(f"{shot.path} a répondu {status}.")
                        page.wait_for_load_state("networkidle")
                        full = page.evaluate("document.documentElement.scrollHeight")
                        raw = page.screenshot(
                            full_page=True,
                            animations="disabled",
                            caret="hide",
                            clip={"x": 0, "y": 0, "width": width, "height": min(full, max_height)},
                        )
                        path = out / f"{shot.name}-{width}.png"
                        path.write_bytes(shrink_png(raw))
                        written.append(path)
                        self.stdout.write(f"  {path.name}")
                        page.close()
                    for context in contexts.values():
                        context.close()
            finally:
                browser.close()
        return written

    def context(self, browser, base: str, width: int, height: int, shot: Shot):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="fr-FR",
            timezone_id="Europe/Paris",
            reduced_motion="reduce",
        )
        # Only the local server: no map tiles or fonts from elsewhere, nothing to wait for.
        context.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith(base) else route.abort()
            ),
        )
        if shot.login:
            page = context.new_page()
            page.goto(base + reverse("accounts:login"))
            page.locator("input[name=username]").fill(data.demo_email(shot.login))
            page.locator("input[name=password]").fill(data.DEMO_PASSWORD)
            page.locator("input[name=password]").press("Enter")
            page.wait_for_load_state("load")
            if reverse("accounts:login") in page.url:
                raise CommandError(f"Connexion impossible pour {data.demo_email(shot.login)}.")
            page.close()
        return context
