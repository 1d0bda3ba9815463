"""The inventory's filters, shared by its list, its map and its exports. Any value may arrive
in the URL: a value the form refuses is reported in French and left out, the others apply."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.widgets import ListSelect
from sites.departements import DEPARTEMENTS
from sites.filters import INVALID_CHOICE, search_options
from sites.inventory.models import Scenario, VacantBuilding, VacantBuildingScenario

SURFACE_ERRORS = {
    "invalid": _("Indiquez une surface en m², par exemple 250 : ce filtre a été ignoré."),
    "min_value": _("La surface ne peut être négative : ce filtre a été ignoré."),
    "max_value": _("Cette surface est hors limites : ce filtre a été ignoré."),
    "max_digits": _("Cette surface est hors limites : ce filtre a été ignoré."),
    "max_decimal_places": _("Une décimale au plus : ce filtre a été ignoré."),
    "max_whole_digits": _("Cette surface est hors limites : ce filtre a été ignoré."),
}
DATE_ERRORS = {"invalid": _("Indiquez une date (JJ/MM/AAAA) : ce filtre a été ignoré.")}


def _surface_filter(label, lookup: str) -> django_filters.NumberFilter:
    return django_filters.NumberFilter(
        field_name="surface",
        lookup_expr=lookup,
        label=label,
        min_value=0,
        max_value=10**8,
        max_digits=10,
        decimal_places=1,
        error_messages=SURFACE_ERRORS,
    )


def _date_filter(label) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label,
        method="filter_window",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=DATE_ERRORS,
    )


class VacantBuildingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", **search_options(_("Nom ou commune")))
    scenario = django_filters.ChoiceFilter(
        widget=ListSelect,
        label=_("Scénario"),
        choices=Scenario.choices,
        empty_label=_("Tous les scénarios"),
        method="filter_scenario",
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    departement = django_filters.ChoiceFilter(
        widget=ListSelect,
        label=_("Département"),
        choices=[(code, f"{name} ({code})") for code, name in DEPARTEMENTS],
        empty_label=_("Tous les départements"),
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    surface_min = _surface_filter(_("Surface minimale (m²)"), "gte")
    surface_max = _surface_filter(_("Surface maximale (m²)"), "lte")
    available_from = _date_filter(_("Disponible du"))
    available_until = _date_filter(_("Disponible jusqu'au"))

    class Meta:
        model = VacantBuilding
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[VacantBuilding]) -> QuerySet[VacantBuilding]:
        return super().filter_queryset(queryset.order_by("name", "pk"))

    def filter_text(self, queryset, name: str, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(commune__icontains=value))

    def filter_scenario(self, queryset, name: str, value: str):
        rows = VacantBuildingScenario.objects.filter(building=OuterRef("pk"), scenario=value)
        return queryset.filter(Exists(rows))

    def filter_window(self, queryset, name: str, value):
        """Available over the whole window asked: from `available_from` (or that one day when
        it is alone) to `available_until`. An open end of the building's window is no bound."""
        if name == "available_from":
            # Still available on that day too (implied by a later `available_until`).
            return queryset.filter(
                Q(available_from__isnull=True) | Q(available_from__lte=value),
                Q(available_until__isnull=True) | Q(available_until__gte=value),
            )
        return queryset.filter(Q(available_until__isnull=True) | Q(available_until__gte=value))
