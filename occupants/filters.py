"""Filters of the public structures directory.

Every parameter comes from the URL: a value the form refuses is reported in French and left out,
the valid filters still apply. The sectors are read once per request and a submitted sector is
checked against them; a site (`?site=<slug>`, the link of a site page) is one lookup by its
slug among the published sites. No filter lists every site or every commune: the text search
covers the structure's name, presentation and commune, and the name and commune of the sites
it occupies.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.text import localized
from core.widgets import ListSelect
from occupants.models import Occupancy, Sector, Structure
from sites.filters import INVALID_CHOICE, search_options
from sites.models import Site


class StructureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_text", **search_options(_("Nom, présentation, commune ou lieu"))
    )
    sector = django_filters.ChoiceFilter(
        widget=ListSelect,
        label=_("Secteur d'activité"),
        empty_label=_("Tous les secteurs"),
        method="filter_sector",
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    # A published site by its slug, as a site page links to it: one lookup on a unique index,
    # never a list of every site.
    site = django_filters.ModelChoiceFilter(
        label=_("Lieu occupé"),
        widget=forms.HiddenInput,
        queryset=Site.objects.published(),
        to_field_name="slug",
        method="filter_site",
        error_messages={"invalid_choice": INVALID_CHOICE},
    )

    class Meta:
        model = Structure
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The sectors are a short list kept by the platform; sites and communes are searched.
        # Their names in the page's language, in that language's order.
        self.filters["sector"].extra["choices"] = sorted(
            (
                (slug, localized(name, name_en))
                for slug, name, name_en in Sector.objects.values_list("slug", "name", "name_en")
            ),
            key=lambda choice: choice[1].casefold(),
        )

    def filter_queryset(self, queryset: QuerySet[Structure]) -> QuerySet[Structure]:
        return super().filter_queryset(queryset.order_by("name", "pk"))

    def filter_text(self, queryset: QuerySet[Structure], name: str, value: str):
        value = value.strip()
        if not value:
            return queryset
        occupied_site = Occupancy.objects.current().filter(
            Q(site__name__icontains=value) | Q(site__commune__icontains=value),
            structure_id=OuterRef("pk"),
            site__published=True,
        )
        return queryset.filter(
            Q(name__icontains=value)
            | Q(description__icontains=value)
            | Q(commune__icontains=value)
            | Exists(occupied_site)
        )

    def filter_sector(self, queryset: QuerySet[Structure], name: str, value: str):
        # Exists rather than a join: a structure is one row whatever its sectors.
        through = Structure.sectors.through.objects.filter(
            structure_id=OuterRef("pk"), sector__slug=value
        )
        return queryset.filter(Exists(through))

    def filter_site(self, queryset: QuerySet[Structure], name: str, value: Site):
        occupancies = Occupancy.objects.current().filter(structure_id=OuterRef("pk"), site=value)
        return queryset.filter(Exists(occupancies))
