"""Filters of the public structures directory.

Every parameter comes from the URL: a value the form refuses is reported in French and left out,
the valid filters still apply. The choices are read once per request (three queries) and a
submitted value is checked against them, never looked up in the database as such.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from occupants.models import Occupancy, Sector, Structure
from sites.filters import INVALID_CHOICE, QUERY_MAX_LENGTH
from sites.models import Site


class StructureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Nom ou présentation"),
        method="filter_text",
        max_length=QUERY_MAX_LENGTH,
        error_messages={
            "max_length": _(
                "La recherche est limitée à %(limit_value)d caractères : elle a été ignorée."
            ),
            "null_characters_not_allowed": _(
                "La recherche contient des caractères invalides : elle a été ignorée."
            ),
        },
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    sector = django_filters.ChoiceFilter(
        label=_("Secteur d'activité"),
        empty_label=_("Tous les secteurs"),
        method="filter_sector",
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    site = django_filters.ChoiceFilter(
        label=_("Lieu occupé"),
        empty_label=_("Tous les lieux"),
        method="filter_site",
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    commune = django_filters.ChoiceFilter(
        label=_("Commune d'origine"),
        empty_label=_("Toutes les communes"),
        field_name="commune",
        error_messages={"invalid_choice": INVALID_CHOICE},
    )

    class Meta:
        model = Structure
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["sector"].extra["choices"] = list(
            Sector.objects.order_by("name").values_list("slug", "name")
        )
        self.filters["site"].extra["choices"] = list(
            Site.objects.published().order_by("name").values_list("slug", "name")
        )
        communes = (
            Structure.objects.public()
            .exclude(commune="")
            .order_by("commune")
            .values_list("commune", flat=True)
            .distinct()
        )
        self.filters["commune"].extra["choices"] = [(name, name) for name in communes]

    def filter_queryset(self, queryset: QuerySet[Structure]) -> QuerySet[Structure]:
        return super().filter_queryset(queryset.order_by("name", "pk"))

    def filter_text(self, queryset: QuerySet[Structure], name: str, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))

    def filter_sector(self, queryset: QuerySet[Structure], name: str, value: str):
        # Exists rather than a join: a structure is one row whatever its sectors.
        through = Structure.sectors.through.objects.filter(
            structure_id=OuterRef("pk"), sector__slug=value
        )
        return queryset.filter(Exists(through))

    def filter_site(self, queryset: QuerySet[Structure], name: str, value: str):
        occupancies = Occupancy.objects.current().filter(
            structure_id=OuterRef("pk"), site__slug=value, site__published=True
        )
        return queryset.filter(Exists(occupancies))
