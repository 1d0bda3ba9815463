"""CSV and XLSX exports of a manager's bookings, with filters."""

import csv
import io
from datetime import date, datetime, time

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from events.models import Booking
from events.rules import at
from tests.events.factories import BookingFactory

EXPORT = reverse("events:manager_export")


@pytest.fixture
def w(booking_world):
    w = booking_world
    w.march = BookingFactory(
        space=w.salle_jaune,
        structure=w.bleu,
        booked_by=w.bob,
        start=at(date(2026, 3, 10), time(14)),
        end=at(date(2026, 3, 10), time(16, 30)),
        purpose='=HYPERLINK("http://evil.example")',
    )
    w.april = BookingFactory(
        space=w.salle_verte,
        structure=None,
        outside_name="Compagnie du Dehors",
        start=at(date(2026, 4, 2), time(9)),
        end=at(date(2026, 4, 2), time(18)),
        status=Booking.Status.PENDING,
        purpose="Répétition",
    )
    w.other_site = BookingFactory(
        space=w.salle_b,
        structure=w.sud,
        start=at(date(2026, 3, 11), time(9)),
        end=at(date(2026, 3, 11), time(10)),
        purpose="Secret de Coop Sud",
    )
    return w


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))


def test_csv_export_of_my_sites_only(client, w):
    client.force_login(w.mara)
    response = client.get(EXPORT, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:4] == ["Référence", "Lieu", "Salle", "Début"]
    references = [row[0] for row in rows[1:]]
    assert references == [w.march.reference, w.april.reference]
    march = rows[1]
    assert march[3] == "2026-03-10 14:00"  # Paris wall-clock time
    assert march[4] == "2026-03-10 16:30"
    assert march[5] == "2,50"
    assert march[7] == "Atelier Bleu"
    # A purpose that a spreadsheet would run as a formula is neutralised.
    assert march[11].startswith("'=")
    assert "Secret de Coop Sud" not in str(rows)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "en_attente"}, ["april"]),
        ({"start": "2026-04-01"}, ["april"]),
        ({"end": "2026-03-31"}, ["march"]),
        ({"start": "2026-03-10", "end": "2026-03-10"}, ["march"]),
        ({"space": "salle_verte"}, ["april"]),
        ({"site": "site_a"}, ["march", "april"]),
    ],
)
def test_csv_filters(client, w, params, expected):
    params = dict(params)
    if "space" in params:
        params["space"] = getattr(w, params["space"]).pk
    if "site" in params:
        params["site"] = getattr(w, params["site"]).pk
    client.force_login(w.mara)
    response = client.get(EXPORT, {**params, "format": "csv"})
    assert response.status_code == 200
    references = [row[0] for row in csv_rows(response)[1:]]
    assert references == [getattr(w, name).reference for name in expected]


@pytest.mark.parametrize(
    ("site", "expected"), [("site_a", ["march", "april"]), ("site_b", ["other_site"])]
)
def test_site_filter_keeps_that_site_only_for_a_manager_of_several(client, w, site, expected):
    client.force_login(w.olga)  # operator staff: sites A and B
    response = client.get(EXPORT, {"site": getattr(w, site).pk, "format": "csv"})
    references = [row[0] for row in csv_rows(response)[1:]]
    assert references == [getattr(w, name).reference for name in expected]


def test_xlsx_export_has_real_dates_and_neutralised_formulas(client, w):
    client.force_login(w.olga)  # operator staff: sites A and B
    response = client.get(EXPORT, {"format": "xlsx", "start": "2026-03-01", "end": "2026-03-31"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Référence"
    assert [row[0] for row in values[1:]] == [w.march.reference, w.other_site.reference]
    assert values[1][3] == datetime(2026, 3, 10, 14, 0)
    assert values[1][11].startswith("'=")
    assert isinstance(values[1][5], float | int)  # the duration in hours: a number, not a text
    assert sheet["L2"].data_type == "s"  # text, not a formula


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"site": "site_c"}, "Sélectionnez un choix valide"),
        (
            {"space": "salle_b", "site": "site_a"},
            "Cette salle n&#x27;appartient pas au lieu choisi.",
        ),
        (
            {"start": "2026-05-01", "end": "2026-04-01"},
            "La fin de la période doit suivre son début.",
        ),
        ({"start": "2020-01-01", "end": "2026-01-01"}, "Exportez au plus trois ans à la fois."),
        ({"start": "pas une date"}, "Saisissez une date valide."),
        ({"status": "supprimee"}, "Sélectionnez un choix valide"),
        ({"format": "pdf"}, "Format inconnu"),
    ],
)
def test_bad_filters_give_a_french_error_not_a_file(client, w, params, message):
    params = dict(params)
    for key in ("site", "space"):
        if key in params:
            params[key] = getattr(w, params[key]).pk
    params.setdefault("format", "csv")
    client.force_login(w.olga)  # manages sites A and B, not C
    response = client.get(EXPORT, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert message in response.text


def test_export_page_without_format_shows_the_form(client, w):
    client.force_login(w.mara)
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert "Exporter en CSV" in response.text
    assert list(response.context["form"].fields["site"].queryset) == [w.site_a]
    rooms = list(response.context["form"].fields["space"].queryset)
    assert rooms == [w.salle_jaune, w.salle_verte]  # not site B's Salle du Sud
    assert "Salle du Sud" not in response.text


def test_export_is_for_managers_only(client, w):
    client.force_login(w.bob)
    assert client.get(EXPORT, {"format": "csv"}).status_code == 404
    client.logout()
    assert client.get(EXPORT, {"format": "csv"}).status_code == 302


def export_queries(client, django_assert_max_num_queries, fmt) -> int:
    with django_assert_max_num_queries(10) as captured:
        response = client.get(EXPORT, {"format": fmt})
        if fmt == "csv":
            b"".join(response.streaming_content)
    return len(captured)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_query_count_does_not_grow(client, w, django_assert_max_num_queries, fmt):
    client.force_login(w.olga)
    few = export_queries(client, django_assert_max_num_queries, fmt)
    for day in range(1, 28):
        for hour in (9, 11, 14):
            BookingFactory(
                space=w.salle_jaune,
                structure=w.vert,
                start=at(date(2026, 2, day), time(hour)),
                end=at(date(2026, 2, day), time(hour + 1)),
            )
    assert export_queries(client, django_assert_max_num_queries, fmt) == few
