"""The benchmark's own arithmetic and plumbing (gunicorn itself is only run by `make bench`)."""

import json
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench import load, run, stats
from events.models import Event
from impact.figures import site_figures
from sites.models import Site

ROOT = Path(__file__).resolve().parent.parent


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert stats.percentile(values, 50) == 50
    assert stats.percentile(values, 95) == 95
    assert stats.percentile(values, 100) == 100
    assert stats.percentile([7.5], 95) == 7.5
    assert stats.percentile([4, 1, 3, 2], 50) == 2
    assert stats.percentile([], 95) == 0.0
    with pytest.raises(ValueError):
        stats.percentile([1], 101)


def test_measure_targets_and_ceiling_share():
    ceiling = stats.from_latencies("plafond", "/healthz", 10, [1.0] * 1000, 10.0, 0)
    page = stats.from_latencies("annuaire", "/lieux/", 10, [20.0] * 380 + [200.0] * 20, 10.0, 0)
    page.target_p95, page.target_ratio = 150.0, 0.4
    stats.apply_ceiling([ceiling, page], "plafond")
    assert ceiling.rps == 100 and page.rps == 40
    assert page.ratio == pytest.approx(0.4)
    assert page.p95 == 20.0 and page.max == 200.0
    assert page.passed is True
    assert ceiling.passed is None  # the ceiling has no target
    page.errors = 1
    assert page.passed is False
    page.errors, page.target_p95 = 0, 10.0
    assert page.passed is False


def test_table_is_markdown_with_one_row_per_measure():
    ceiling = stats.from_latencies("plafond", "/healthz", 10, [1.0, 2.0], 1.0, 0)
    page = stats.from_latencies("fiche lieu", "/lieux/x/", 10, [30.0, 90.0], 1.0, 0)
    page.target_p95, page.queries = 150.0, 6
    stats.apply_ceiling([ceiling, page], "plafond")
    lines = stats.format_table([ceiling, page]).splitlines()
    assert len(lines) == 4
    assert all(line.startswith("|") and line.endswith("|") for line in lines)
    assert {line.count("|") for line in lines} == {lines[0].count("|")}
    assert (
        "| fiche lieu | `/lieux/x/` | 10 | 2 | 2.0 | 100 % | 30.0 | 90.0 | 90.0 | 0 | 6 "
        in (lines[3])
    )
    assert lines[3].endswith("| ≤ 150 ms | ✅ |")
    assert json.dumps(page.as_dict())  # serialisable for bench/last.json


def test_a_row_on_ten_times_the_data_is_compared_with_its_baseline_run():
    base = [
        stats.from_latencies("plafond", "/healthz", 10, [1.0] * 1000, 10.0, 0).as_dict(),
        stats.from_latencies("annuaire", "/lieux/", 10, [60.0] * 1000, 10.0, 0).as_dict(),
        stats.from_latencies("agenda", "/agenda/", 10, [50.0] * 1000, 10.0, 0).as_dict(),
    ]
    now = [
        stats.from_latencies("plafond", "/healthz", 10, [1.0] * 1000, 10.0, 0),
        # p95 1.4× but half the throughput: the cost doubled.
        stats.from_latencies("annuaire", "/lieux/", 10, [84.0] * 500, 10.0, 0),
        stats.from_latencies("agenda", "/agenda/", 10, [70.0] * 800, 10.0, 0),
        stats.from_latencies("nouvelle page", "/x/", 10, [1.0] * 10, 10.0, 0),
    ]
    rows = stats.growth(now, base, skip="plafond")
    assert [(g.name, g.passed) for g in rows] == [("annuaire", False), ("agenda", True)]
    assert rows[0].p95_ratio == pytest.approx(1.4) and rows[0].cost_ratio == pytest.approx(2)
    lines = stats.format_growth(rows, "× 1").splitlines()
    assert len(lines) == 4 and lines[2].endswith("| 2.00 | ❌ |")


def test_arguments_and_production_environment(tmp_path):
    args = run.parse_args(["--clients", "50,10,10", "--duration", "3"])
    assert args.clients == [10, 50] and args.duration == 3
    env = run.production_env("postgres://postgres@127.0.0.1:5432/x", str(tmp_path))
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.prod"
    # The production settings really load with these switches, SSL redirect off, and the
    # run's own cache directory instead of the production var/cache.
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.ALLOWED_HOSTS[0], "
        "s.CACHES['default']['LOCATION'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["False", "False", "False", "127.0.0.1", str(tmp_path)]


def test_scale_multiplies_each_default_size_and_names_its_own_results_file():
    one = run.parse_args([])
    assert (one.scale, one.sites, one.structures, one.bookings) == (1, 1000, 20000, 200000)
    assert one.events == 20000
    assert Path(one.output).name == "last.json"
    ten = run.parse_args(["--scale", "10"])
    assert (ten.sites, ten.structures, ten.bookings) == (10000, 200000, 2000000)
    assert Path(ten.output).name == "last-x10.json"
    assert not ten.keep_data and not ten.prepare_only


def test_a_size_given_on_the_command_line_wins_over_the_scale():
    args = run.parse_args(["--scale", "10", "--bookings", "0", "--output", "/tmp/x.json"])
    assert (args.sites, args.structures, args.bookings) == (10000, 200000, 0)
    assert args.output == "/tmp/x.json"


@pytest.mark.parametrize(
    "argv",
    [
        ["--scale", "0"],
        ["--scale", "dix"],
        ["--sites", "0"],
        ["--bookings", "-1"],
        ["--clients", "dix"],
        ["--clients", "0"],
        ["--clients", ","],
    ],
)
def test_bad_arguments_stop_with_a_usage_error(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        run.parse_args(argv)
    assert stopped.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_each_scale_has_its_own_database_unless_one_is_named():
    assert run.database_url(1, {}) == "postgres://postgres@127.0.0.1:5432/interstices_bench"
    assert run.database_url(10, {}) == "postgres://postgres@127.0.0.1:5432/interstices_bench10"
    assert run.database_url(3, {"BENCH_DATABASE_URL": ""}).endswith("/interstices_bench3")
    named = {"BENCH_DATABASE_URL": "postgres://bench@db:5433/copie"}
    assert run.database_url(10, named) == "postgres://bench@db:5433/copie"


SIZES = {"sites": 1000, "structures": 20000, "bookings": 200000}
TODAY = date(2026, 3, 2)


def test_data_of_today_with_the_wanted_sizes_are_reused():
    have = {**SIZES, "day": TODAY}
    assert run.data_plan(SIZES, have, TODAY, keep=False) == "reuse"
    assert run.data_plan(SIZES, have, TODAY, keep=True) == "reuse"


def test_data_of_another_day_are_loaded_again_unless_kept():
    have = {**SIZES, "day": TODAY - timedelta(days=5)}
    assert run.data_plan(SIZES, have, TODAY, keep=False) == "load"
    assert run.data_plan(SIZES, have, TODAY, keep=True) == "reuse"


def test_keep_data_refuses_to_replace_data_of_other_sizes_but_loads_an_empty_database():
    other = {**SIZES, "bookings": 199000, "day": TODAY}  # e.g. a load cut short
    assert run.data_plan(SIZES, other, TODAY, keep=False) == "load"
    assert run.data_plan(SIZES, other, TODAY, keep=True) == "refuse"
    empty = {"sites": 0, "structures": 0, "bookings": 0, "day": None}
    assert run.data_plan(SIZES, empty, TODAY, keep=True) == "load"


@pytest.mark.django_db
def test_loaded_sizes_reads_back_what_seed_bulk_generated_and_its_day():
    assert run.loaded_sizes()["sites"] == 0
    call_command("seed_bulk", sites=3, structures=50, bookings=120, events=30, stdout=StringIO())
    have = run.loaded_sizes()
    assert have == {
        "sites": 3,
        "structures": 50,
        "bookings": 120,
        "events": 30,
        "day": timezone.localdate(),
    }
    wanted = run.parse_args(
        ["--sites", "3", "--structures", "50", "--bookings", "120", "--events", "30"]
    )
    sizes = {name: getattr(wanted, name) for name in SIZES}
    assert run.data_plan(sizes, have, timezone.localdate(), keep=True) == "reuse"
    assert run.data_plan({**sizes, "sites": 4}, have, timezone.localdate(), keep=True) == "refuse"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        status = 500 if self.path == "/boom" else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # wrk drops its connections when time is up: broken pipes are expected


@pytest.fixture
def tiny_server():
    server = _QuietServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("runner", ["run_python", "run_wrk"])
def test_load_tools_count_requests_and_errors(tiny_server, runner):
    if runner == "run_wrk" and not load.wrk_available():
        pytest.skip("wrk n'est pas installé (le banc se rabat sur le client Python)")
    measure = getattr(load, runner)
    ok = measure("ok", "127.0.0.1", tiny_server, "/", clients=2, seconds=1)
    assert ok.requests > 10 and ok.errors == 0
    assert 0 < ok.p50 <= ok.p95 <= ok.max
    boom = measure("boom", "127.0.0.1", tiny_server, "/boom", clients=2, seconds=1)
    assert boom.requests > 0 and boom.errors == boom.requests


def test_a_row_with_no_answer_fails_its_target():
    silent = stats.from_latencies("réservation", "/r/", 50, [], 2.0, 0)
    silent.target_p95 = 200.0
    assert silent.passed is False
    assert "| 0 | 0.0 |" in stats.format_table([silent])


def test_wait_idle_returns_once_the_server_answers_quickly(tiny_server):
    began = time.monotonic()
    run.wait_idle(tiny_server, timeout=20)
    assert time.monotonic() - began < 10  # well before its time limit


@pytest.mark.django_db
def test_the_agenda_rows_measure_the_agenda_and_a_generated_published_event():
    # The agenda's URLs belong to another part of the agenda: the rows use their paths.
    call_command("seed_bulk", sites=2, structures=10, events=40, stdout=StringIO())
    site = Site.objects.filter(slug__startswith="bulk-").order_by("pk").first()
    rows = {row["name"]: row["path"] for row in run.agenda_urls(site)}
    assert rows["agenda"] == "/agenda/"
    slug = rows["page d'un événement"].removeprefix("/agenda/").removesuffix("/")
    event = Event.objects.get(slug=slug)
    assert slug.startswith("bulk-e") and event.site == site
    assert event in Event.objects.published_public()


@pytest.mark.django_db
def test_the_figures_row_times_site_figures_for_the_busiest_site_and_counts_its_queries():
    call_command("seed_bulk", sites=2, structures=50, bookings=300, stdout=StringIO())
    site = Site.objects.filter(slug__startswith="bulk-").order_by("pk").first()
    measure = run.measure_figures(site, seconds=0)
    assert measure.name == run.FIGURES_ROW
    assert measure.requests >= run.FIGURES_MIN_CALLS and measure.errors == 0
    assert 0 < measure.p50 <= measure.p95
    # The row counts the queries site_figures makes, as Django counts them.
    end = site.occupancy_end or timezone.localdate()
    start = site.occupancy_start or end - timedelta(days=365)
    with CaptureQueriesContext(connection) as queries:
        site_figures(site, start, end)
    assert measure.queries == len(queries) > 0
    bookings = apps.get_model("events", "Booking").objects.filter(site=site).count()
    assert bookings > 30  # its past (a tenth of 300) and its share of the recent weeks
    assert f"40 structures, {bookings} réservations" in measure.notes[0]
    assert f"site_figures({site.slug}, " in measure.path


@pytest.mark.django_db
def test_the_impact_row_measures_the_busiest_sites_published_report():
    call_command("seed_bulk", sites=2, structures=10, stdout=StringIO())
    site = Site.objects.filter(slug__startswith="bulk-").order_by("pk").first()
    (row,) = run.impact_urls(site)
    assert row["name"] == "rapport d'impact"
    assert row["path"] == f"/lieux/{site.slug}/impact/bulk-impact/"
    assert Client().get(row["path"]).status_code == 200
