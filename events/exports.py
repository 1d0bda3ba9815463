"""CSV and Excel (XLSX) exports of the bookings of a manager's sites, with filters.

Both formats stream the rows from one query (select_related), whatever their number. Cells that
a spreadsheet would run as a formula (=, +, -, @ …) are prefixed with an apostrophe: purposes
and names are typed by occupants.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from datetime import date, time, timedelta
from decimal import Decimal

from django import forms
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from core.exports import csv_number, xlsx_number
from events.forms import date_input
from events.models import Booking
from events.rules import at
from sites.models import Site, Space

MAX_PERIOD_DAYS = 3 * 366
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class ExportFilterForm(forms.Form):
    site = forms.ModelChoiceField(
        label=_("Lieu"), queryset=Site.objects.none(), required=False, empty_label=_("Tous")
    )
    space = forms.ModelChoiceField(
        label=_("Salle"), queryset=Space.objects.none(), required=False, empty_label=_("Toutes")
    )
    status = forms.ChoiceField(
        label=_("Statut"),
        choices=[("", _("Tous")), *Booking.Status.choices],
        required=False,
    )
    start = forms.DateField(label=_("Du"), required=False, widget=date_input())
    end = forms.DateField(label=_("Au (inclus)"), required=False, widget=date_input())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        sites = Site.objects.managed_by(user).order_by("name")
        self.fields["site"].queryset = sites
        self.fields["space"].queryset = (
            Space.objects.filter(is_bookable=True, site__in=sites)
            .select_related("site")
            .order_by("site__name", "name")
        )
        self.fields["space"].label_from_instance = lambda s: f"{s.site.name} — {s.name}"

    def clean(self):
        data = super().clean()
        site, space = data.get("site"), data.get("space")
        if site and space and space.site_id != site.pk:
            self.add_error("space", _("Cette salle n'appartient pas au lieu choisi."))
        start, end = data.get("start"), data.get("end")
        for name in ("start", "end"):
            value = data.get(name)
            if value and not date(2000, 1, 1) <= value <= date(2100, 12, 31):
                self.add_error(name, _("Choisissez une date entre 2000 et 2100."))
                return data
        if start and end:
            if end < start:
                self.add_error("end", _("La fin de la période doit suivre son début."))
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("end", _("Exportez au plus trois ans à la fois."))
        return data

    def filter(self, bookings: QuerySet[Booking]) -> QuerySet[Booking]:
        data = self.cleaned_data
        if data.get("site"):
            bookings = bookings.filter(site=data["site"])
        if data.get("space"):
            bookings = bookings.filter(space=data["space"])
        if data.get("status"):
            bookings = bookings.filter(status=data["status"])
        if data.get("start"):
            bookings = bookings.filter(end__gt=at(data["start"], time(0)))
        if data.get("end"):
            bookings = bookings.filter(start__lt=at(data["end"] + timedelta(days=1), time(0)))
        return bookings.select_related(
            "site", "space", "structure", "organisation", "booked_by"
        ).order_by("start", "pk")


def headers() -> list[str]:
    return [
        gettext("Référence"),
        gettext("Lieu"),
        gettext("Salle"),
        gettext("Début"),
        gettext("Fin"),
        gettext("Durée (heures)"),
        gettext("Statut"),
        gettext("Pour"),
        gettext("Type"),
        gettext("Réservée par"),
        gettext("Personnes"),
        gettext("Objet"),
        gettext("Prix (€)"),
        gettext("Créée le"),
    ]


def _local(moment):
    # Spreadsheets have no time zones: local wall-clock time, without offset.
    return timezone.localtime(moment).replace(tzinfo=None)


def rows(bookings: QuerySet[Booking]) -> Iterator[list]:
    kinds = {True: gettext("Organisation extérieure"), False: gettext("Structure occupante")}
    for booking in bookings.iterator(chunk_size=2000):
        hours = Decimal((booking.end - booking.start).total_seconds()) / 3600
        yield [
            booking.reference,
            booking.site.name,
            booking.space.name,
            _local(booking.start),
            _local(booking.end),
            hours.quantize(Decimal("0.01")),
            booking.get_status_display(),
            booking.holder_name,
            kinds[booking.is_outside],
            booking.booked_by.email if booking.booked_by_id else "",
            booking.people,
            booking.purpose,
            booking.price,
            _local(booking.created_at),
        ]


def neutralise(value):
    """A text cell that a spreadsheet would evaluate becomes plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _filename(extension: str) -> str:
    return f"reservations-{timezone.localdate():%Y-%m-%d}.{extension}"


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, Decimal):
        return csv_number(value)
    return str(neutralise(value))


def csv_response(bookings: QuerySet[Booking]) -> StreamingHttpResponse:
    """Semicolons and a BOM: what a French spreadsheet opens without an import dialog."""
    writer = csv.writer(_Echo(), delimiter=";")

    def lines() -> Iterable[str]:
        yield "\ufeff" + writer.writerow(headers())
        for row in rows(bookings):
            yield writer.writerow([_csv_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def _xlsx_cell(value):
    return xlsx_number(value) if isinstance(value, Decimal) else neutralise(value)


def xlsx_response(bookings: QuerySet[Booking]) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("Réservations"))
    sheet.append(headers())
    for row in rows(bookings):
        sheet.append(
            [
                xlsx_number(value) if isinstance(value, Decimal) else neutralise(value)
                for value in row
            ]
        )
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    workbook.save(response)
    return response


FORMATS: dict[str, Callable[[QuerySet[Booking]], HttpResponse]] = {
    "csv": csv_response,
    "xlsx": xlsx_response,
}
