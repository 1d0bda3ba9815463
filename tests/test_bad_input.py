"""Bad input never answers a server error: every URL pattern of the project, fed junk.

The URL patterns come from the URLconf (tests/world.py walks it, the admin's included), so a new
page is fuzzed the day it is added. Each is requested with its converters filled from a small
world of real rows (tests/world.py), then with junk in place of each converter, in the query
string and in the fields of its POST form. The junk (PAYLOADS) is a NUL byte, a 10,000-character
value, invalid UTF-8, a number too big for any integer or date, a negative number and a float
that overflows. Every answer must be below 500 (a 400, a 404, a redirect or a form with errors).

The cut, to keep the run under a minute on SQLite:
- every payload, everywhere (path, query, POST form), as the platform admin (who reaches every
  admin page and filter) and as the anonymous visitor;
- every admin changelist's filter parameters (list_filter, date_hierarchy's year/month/day,
  o, p, q...) one at a time, every payload, as the admin and as manager_1 (whose filters are
  the scoped ones);
- the NUL byte in the path and the query for every role;
- the POST forms as the first role of POSTERS that gets the form (the candidate for their
  application, an occupant for their structure, the admin for the admin's forms...), with
  FORM_PAYLOADS in every field at once;
- query junk: the changelists get it parameter by parameter in their own test (filters,
  search, ordering, pages), the admin's object pages none (they read nothing a changelist or an
  add page does not), the other pages QUERY_NAMES and the fields of their own GET forms.

Run it on PostgreSQL as well (DATABASE_URL=postgres://...): PostgreSQL refuses NUL in text,
where SQLite stores it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import (
    ALL_VAR,
    ERROR_FLAG,
    IS_FACETS_VAR,
    IS_POPUP_VAR,
    ORDER_VAR,
    PAGE_VAR,
    SEARCH_VAR,
    TO_FIELD_VAR,
)
from django.db import transaction
from django.test import Client, RequestFactory

from tests.world import ROLES, Route, build_world, default_target, route_kwargs, walk_urlconf

# Percent-encoded, as they travel in a URL or a form body.
PAYLOADS = {
    "nul": "a%00b",
    "long": "x" * 10_000,
    "bad-utf8": "%ff%fe",
    "overflow": "99999999999999999999999",
    "negative": "-1",
    "float-overflow": "1e400",
    "superscript-digits": "%C2%B2" * 14,  # "²": str.isdigit() says yes, int() says no
}

# A NUL byte never reaches a form (RejectNulMiddleware, tested with every URL), and a negative
# number is no harder for a form than for a URL: the POSTs leave them out to save time.
FORM_PAYLOADS = {k: v for k, v in PAYLOADS.items() if k not in ("nul", "negative")}

# Query parameters the project's views read (besides those of the page's own GET forms).
QUERY_NAMES = (
    "q", "page", "next", "du", "date", "day", "semaine", "annee", "debut", "lieu", "format",
    "site", "space", "start", "end", "until", "count", "status", "structure", "kind", "mois",
    "vue", "export", "quand", "au", "type", "gratuit", "enfants", "public", "departement",
    "accessible", "tableau",
)  # fmt: skip

# The admin's change, delete and history pages (and their redirects) read no query parameter
# that a changelist's or an add page's does not.
ADMIN_OBJECT_PAGE = re.compile(r"^admin/\w+/\w+/<path:object_id>/(change/|delete/|history/)?$")

# Who posts a page's form: the first of these roles that the page shows a form to.
POSTERS = ("admin", "candidate", "occupant_a", "manager_1", "visitor")

ROUTES = walk_urlconf()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def client_for(world, role: str) -> Client:
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


def fill(route: Route, values: dict[str, str]) -> str:
    """The path of `route` with each converter replaced by its (raw) value."""
    path = route.route
    for param, value in values.items():
        path = re.sub(rf"<(?:\w+:)?{param}>|\(\?P<{param}>[^)]*\)", value, path)
    return "/" + path.replace("^", "").replace("$", "")


def concrete(route: Route, world) -> dict[str, str]:
    kwargs = route_kwargs(route, default_target(route), world)
    return {name: quote(str(value), safe="") for name, value in kwargs.items()}


def request(client: Client, method: str, url: str, body: str = ""):
    """(response or None, status, what went wrong), each request in a savepoint rolled back
    after, so that a POST changes nothing for the next one."""
    with transaction.atomic():
        try:
            if method == "post":
                response = client.post(url, body, content_type="application/x-www-form-urlencoded")
            else:
                response = client.get(url)
            result = response, response.status_code, ""
        except Exception as exc:  # the test client re-raises the view's exception
            result = None, 500, f"{type(exc).__name__}: {str(exc)[:200]}"
        transaction.set_rollback(True)
    return result


class FormFields(HTMLParser):
    """The field names of a page's forms, by method and action."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, str, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(((attrs.get("method") or "get").lower(), attrs.get("action"), []))
        elif (
            tag in ("input", "select", "textarea")
            and self.forms
            and attrs.get("name")
            and attrs.get("type") not in ("file", "submit")
        ):
            self.forms[-1][2].append(attrs["name"])


def page_forms(response, url: str) -> dict[str, list[str]]:
    """{"get": names, "post": names} of the forms of `response` that submit to `url`."""
    found: dict[str, list[str]] = {"get": [], "post": []}
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return found
    parser = FormFields()
    parser.feed(response.content.decode(errors="replace"))
    for method, action, names in parser.forms:
        if action in (None, "", url, "?") or urlsplit(action).path == urlsplit(url).path:
            found.setdefault(method, []).extend(n for n in names if n != "csrfmiddlewaretoken")
    return found


def changelist_parameters(route: Route, world, role: str) -> list[str]:
    """Every query parameter an admin changelist reads: its filters' and the admin's own."""
    match = re.fullmatch(r"admin:(\w+?)_(\w+)_changelist", route.key)
    model_admin = next(
        ma
        for model, ma in admin.site._registry.items()
        if (model._meta.app_label, model._meta.model_name) == match.groups()
    )
    http = RequestFactory().get("/")
    http.user = world.users[role]
    changelist = model_admin.get_changelist_instance(http)
    names = {name for spec in changelist.filter_specs for name in spec.expected_parameters()}
    if model_admin.date_hierarchy:
        names |= {f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")}
    names |= {ALL_VAR, ORDER_VAR, PAGE_VAR, SEARCH_VAR, ERROR_FLAG, TO_FIELD_VAR}
    names |= {IS_POPUP_VAR, IS_FACETS_VAR}
    return sorted(names)


def fuzz(world, route: Route, role: str, payloads: dict[str, str]) -> list[str]:
    """Every failure of `route` for `role`: junk in each converter, then in the query string
    (QUERY_NAMES and the fields of the page's GET forms, all at once)."""
    client = client_for(world, role)
    values = concrete(route, world)
    url = fill(route, values)
    failures = []

    def check(target: str, what: str) -> None:
        _response, status, error = request(client, "get", target)
        if status >= 500:
            failures.append(f"{role} GET {target[:120]} {what} → {status} {error}")

    for param in route.params:
        for name, payload in payloads.items():
            check(fill(route, values | {param: payload}), f"<{name} in {param}>")
    names = list(QUERY_NAMES)
    if len(payloads) > 1 and not route.route.startswith("admin/"):  # the page's GET forms too
        response, status, _error = request(client, "get", url)
        if status == 200:
            names += page_forms(response, url)["get"]
    if ADMIN_OBJECT_PAGE.search(route.route) or route.key.endswith("_changelist"):
        return failures  # the query is read by the add pages and the changelists' own test
    for name, payload in payloads.items():
        query = "&".join(f"{quote(n)}={payload}" for n in dict.fromkeys(names))
        check(f"{url}?{query}", f"<{name} in the query>")
    return failures


@pytest.mark.parametrize("route", ROUTES, ids=[r.key for r in ROUTES])
def test_junk_in_the_url_never_answers_a_server_error(world, db, route):
    failures = []
    for role in ("admin", "visitor"):
        failures += fuzz(world, route, role, PAYLOADS)
    for role in ROLES:
        if role not in ("admin", "visitor"):
            failures += fuzz(world, route, role, {"nul": PAYLOADS["nul"]})
    assert not failures, "\n".join(failures)


CHANGELISTS = [r for r in ROUTES if r.key.endswith("_changelist")]


@pytest.mark.parametrize("role", ["admin", "manager_1"])
@pytest.mark.parametrize("route", CHANGELISTS, ids=[r.key for r in CHANGELISTS])
def test_junk_in_an_admin_filter_never_answers_a_server_error(world, db, route, role):
    client = client_for(world, role)
    url = fill(route, {})
    payloads = PAYLOADS if role == "admin" else {"nul": PAYLOADS["nul"]}
    failures = []
    for parameter in changelist_parameters(route, world, role):
        for name, payload in payloads.items():
            target = f"{url}?{parameter}={payload}"
            _response, status, error = request(client, "get", target)
            if status >= 500:
                failures.append(f"{role} GET {url}?{parameter}=<{name}> → {status} {error}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("route", ROUTES, ids=[r.key for r in ROUTES])
def test_junk_in_a_form_never_answers_a_server_error(world, db, route):
    url = fill(route, concrete(route, world))
    for role in POSTERS:
        client = client_for(world, role)
        response, status, _error = request(client, "get", url)
        names = page_forms(response, url)["post"] if status == 200 else []
        if names:
            break
    else:
        return  # no form posts to this URL
    # Not the formsets' management fields: Django bounds them (2,000 forms for a huge count),
    # and rendering 2,000 inline forms per payload would only make the test slow.
    names = [n for n in dict.fromkeys(names) if not n.endswith("_FORMS")]
    failures = []
    for name, payload in FORM_PAYLOADS.items():
        body = "&".join(f"{quote(field)}={payload}" for field in names)
        _response, status, error = request(client, "post", url, body)
        if status >= 500:
            failures.append(f"{role} POST {url} <{name}> in {len(names)} fields → {status} {error}")
    assert not failures, "\n".join(failures)


# --- The cases, one by one ------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("visitor", "/reservations/flux/prive/a%00b.ics"),
        ("admin", "/admin/events/booking/?status__exact=%00"),
        ("admin", "/admin/occupants/application/?status__exact=%00"),
    ],
)
def test_a_nul_byte_answers_a_plain_bad_request_page(world, db, role, url):
    response = client_for(world, role).get(url)
    assert response.status_code == 400
    assert "Requête invalide" in response.text


def test_a_nul_byte_in_a_form_field_changes_nothing(world, db):
    client = client_for(world, "occupant_a")
    url = f"/compte/structures/{world.structure_a.slug}/modifier/"
    response = client.post(url, {"name": "Structure\x00A", "legal_form": "association"})
    assert response.status_code == 400
    world.structure_a.refresh_from_db()
    assert world.structure_a.name == "Structure A"


@pytest.mark.parametrize("year", ["99999999999999999999999", "9999"])
def test_a_year_out_of_range_sends_back_to_the_unfiltered_list(world, db, year):
    client = client_for(world, "admin")
    response = client.get(f"/admin/occupants/occupancy/?start__year={year}&start__month=12")
    assert response.status_code == 302
    assert response["Location"] == "/admin/occupants/occupancy/?e=1"


def test_made_up_rows_in_an_admin_formset_show_the_form_again(world, db):
    client = client_for(world, "admin")
    url = f"/admin/occupants/application/{world.application.pk}/change/"
    data = {"documents-TOTAL_FORMS": "2", "documents-INITIAL_FORMS": "0", "score": "junk"}
    assert client.post(url, data).status_code == 200


def test_junk_in_the_registration_and_attendance_forms_changes_nothing(world, db):
    """The world's event takes no registration and has no date: these forms are fuzzed on an
    event open for registration and on a past one, and answer the form again with its French
    errors (each request is rolled back after, so nothing is written either way)."""
    from datetime import timedelta

    from django.utils import timezone

    from events.agenda import services as agenda
    from events.models import Public

    users, objects = world.users, world.objects

    def event(title: str, days: int):
        made = agenda.create_event(
            site=objects["site_1"],
            by=users["occupant_a"],
            structure=objects["structure_a"],
            title=title,
            registration="plateforme",
            capacity=5,
        )
        start = timezone.now() + timedelta(days=days)
        agenda.add_timing(
            made, by=users["occupant_a"], start=start, end=start + timedelta(hours=2), place="Cour"
        )
        agenda.publish(made, by=users["manager_1"])
        return made

    with transaction.atomic():
        upcoming, past = event("Fuzz à venir", 3), event("Fuzz passé", -3)
        forms = [
            (f"/agenda/{upcoming.slug}/inscription/", ["name", "email", "places", "public"]),
            (
                f"/agenda/{past.slug}/frequentation/",
                ["total", *(f"public_{value}" for value in Public.values)],
            ),
        ]
        client = client_for(world, "occupant_a")
        failures = []
        for url, names in forms:
            for name, payload in FORM_PAYLOADS.items():
                body = "&".join(f"{field}={payload}" for field in names)
                response, status, error = request(client, "post", url, body)
                if status != 200 or "error-summary" not in response.text:
                    failures.append(f"POST {url} <{name}> → {status} {error}")
        assert not failures, "\n".join(failures)
        transaction.set_rollback(True)


def test_junk_in_the_questionnaire_and_the_observation_form_changes_nothing(world, db):
    """Every field of the public questionnaire (the twelve indicators') and of the managers'
    observation form, junk at once: the form again with its French errors (each request is
    rolled back after, as in the other form tests)."""
    from impact.models import Indicator

    questionnaire_fields = ["public"] + [
        f"{indicator}-{part}"
        for indicator in Indicator
        for part in ("valence", "intensity", "text", "quote")
    ]
    observation_fields = [
        "indicator", "valence", "intensity", "effects", "publics", "occasions", "frequency",
        "narrative", "keywords", "quote", "quote_role", "period_start", "period_end",
        "people_count", "actions_count", "evidence", "evidence_url", "events", "structures",
    ]  # fmt: skip
    forms = [
        ("visitor", f"/lieux/{world.site_1.slug}/questionnaire/", questionnaire_fields),
        (
            "manager_1",
            f"/impact/gestion/lieux/{world.site_1.slug}/observations/nouvelle/",
            observation_fields,
        ),
    ]
    failures = []
    for role, url, names in forms:
        client = client_for(world, role)
        for name, payload in FORM_PAYLOADS.items():
            body = "&".join(f"{field}={payload}" for field in names)
            response, status, error = request(client, "post", url, body)
            if status != 400 or "error-summary" not in response.text:
                failures.append(f"{role} POST {url} <{name}> → {status} {error}")
    assert not failures, "\n".join(failures)


def test_junk_in_the_inventory_forms_changes_nothing(world, db):
    """Every field of the inventory's forms filled with junk, as operator staff (the fuzz of
    every page posts as the platform admin): the form again with its French errors, no row."""
    from django.urls import reverse

    from sites.inventory.forms import DocumentForm, PhotoForm, VacantBuildingForm
    from sites.inventory.models import VacantBuilding, VacantBuildingDocument, VacantBuildingPhoto

    building = world.objects["vacant_building"]
    user = world.users["operator_staff"]
    forms = [
        (reverse("inventory:create"), list(VacantBuildingForm(user=user).fields)),
        (reverse("inventory:edit", args=[building.pk]), list(VacantBuildingForm(user=user).fields)),
        (reverse("inventory:photo_add", args=[building.pk]), list(PhotoForm().fields)),
        (reverse("inventory:document_add", args=[building.pk]), list(DocumentForm().fields)),
    ]
    counts = (
        VacantBuilding.objects.count(),
        VacantBuildingPhoto.objects.count(),
        VacantBuildingDocument.objects.count(),
    )
    client = client_for(world, "operator_staff")
    failures = []
    for url, names in forms:
        for name, payload in FORM_PAYLOADS.items():
            body = "&".join(f"{field}={payload}" for field in names)
            response, status, error = request(client, "post", url, body)
            if status != 200 or "error-summary" not in response.text:
                failures.append(f"POST {url} <{name}> → {status} {error}")
    assert not failures, "\n".join(failures)
    assert counts == (
        VacantBuilding.objects.count(),
        VacantBuildingPhoto.objects.count(),
        VacantBuildingDocument.objects.count(),
    )
