"""The directory's filters, shared by the list page and its GeoJSON twin.

Every parameter comes from the URL, so any value can arrive: a value the form refuses is reported
in French and left out, the valid filters still apply, and nothing is echoed back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import django_filters
from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.cachekeys import digest, fields_key
from core.widgets import ListSelect
from sites.departements import DEPARTEMENTS
from sites.models import LARGEST_FIRST, NEWEST_FIRST, Site, Space

ACCESSIBILITY_EQUIPMENT = "accessibilite-pmr"
QUERY_MAX_LENGTH = 100
INVALID_CHOICE = _("Valeur non reconnue : ce filtre a été ignoré.")


def search_options(label) -> dict:
    """The options of a list's free-text search field (a django-filter CharFilter or a form's
    CharField): its label, a bounded length, a search box, and French errors that say the
    search was left out, not the page."""
    return {
        "label": label,
        "max_length": QUERY_MAX_LENGTH,
        "error_messages": {
            "max_length": _(
                "La recherche est limitée à %(limit_value)d caractères : elle a été ignorée."
            ),
            "null_characters_not_allowed": _(
                "La recherche contient des caractères invalides : elle a été ignorée."
            ),
        },
        "widget": forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    }


SORTS = {
    "name": ("name", "pk"),
    "commune": ("commune", "name", "pk"),
    "newest": (NEWEST_FIRST, "name", "pk"),
    "largest": (LARGEST_FIRST, "name", "pk"),
}
SORT_CHOICES = [
    ("name", _("Nom")),
    ("commune", _("Commune")),
    ("newest", _("Début d'occupation le plus récent")),
    ("largest", _("Surface la plus grande")),
]
DEFAULT_ORDERING = SORTS["name"]

# The département filter lists the départements that have published sites, with their counts,
# read from Django's cache: a newly published site shows in the list at most this much later.
DEPARTEMENT_COUNTS_SECONDS = 300
DEPARTEMENT_COUNTS_KEY = "directory:departement-counts"


def published_departement_counts() -> dict[str, int]:
    """How many published sites each département has (those with none are left out), in one
    aggregate query at most once per DEPARTEMENT_COUNTS_SECONDS."""

    def count() -> dict[str, int]:
        rows = (
            Site.objects.published()
            .order_by()
            .values("departement")
            .annotate(count=Count("pk"))
            .values_list("departement", "count")
        )
        return dict(rows)

    return cache.get_or_set(DEPARTEMENT_COUNTS_KEY, count, DEPARTEMENT_COUNTS_SECONDS)


def departement_choices(counts: dict[str, int], selected: str = "") -> list[tuple[str, str]]:
    """ "Nord (59) — 12" for each département with published sites, in the order of their codes.

    The selected one stays in the list with its 0 when its sites are gone, so that a link made
    before still validates and shows an empty result rather than every site."""
    return [
        (code, f"{name} ({code}) — {counts.get(code, 0)}")
        for code, name in DEPARTEMENTS
        if code in counts or code == selected
    ]


def published_departement_choices(selected: str = "") -> list[tuple[str, str]]:
    """departement_choices() of the published sites' counts (from the cache)."""
    return departement_choices(published_departement_counts(), selected)


TRUE_VALUES = {"1", "on", "true"}
FALSE_VALUES = {"", "0", "off", "false"}


class FlagCheckbox(forms.CheckboxInput):
    """A checkbox that hands the raw string to its field, so that `?bookable=maybe` can be
    refused instead of being read as "checked" like CheckboxInput does."""

    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=lambda value: str(value).lower() in TRUE_VALUES)

    def format_value(self, value):
        return "1"

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class FlagField(forms.Field):
    widget = FlagCheckbox
    default_error_messages = {
        "invalid": _("Valeur non reconnue pour cette case : ce filtre a été ignoré."),
    }

    def to_python(self, value) -> bool:
        text = "" if value is None else str(value).strip().lower()
        if text in TRUE_VALUES:
            return True
        if text in FALSE_VALUES:
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class FlagFilter(django_filters.Filter):
    field_class = FlagField


class SiteFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", **search_options(_("Nom ou commune")))
    departement = django_filters.ChoiceFilter(
        widget=ListSelect,
        label=_("Département"),
        choices=list,  # replaced for each filter set by the départements that have sites
        empty_label=_("Tous les départements"),
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    status = django_filters.ChoiceFilter(
        widget=ListSelect,
        label=_("Statut"),
        choices=Site.Status.choices,
        empty_label=_("Tous les statuts"),
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    space_kind = django_filters.ChoiceFilter(
        widget=ListSelect,
        label=_("Type d'espace"),
        choices=Space.Kind.choices,
        empty_label=_("Tous les types d'espace"),
        method="filter_space_kind",
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    bookable = FlagFilter(label=_("Avec une salle réservable"), method="filter_bookable")
    accessible = FlagFilter(label=_("Accessible en fauteuil roulant"), method="filter_accessible")
    sort = django_filters.ChoiceFilter(
        widget=ListSelect,
        label=_("Trier par"),
        choices=SORT_CHOICES,
        empty_label=None,
        method="sort_by",
        error_messages={"invalid_choice": INVALID_CHOICE},
    )

    class Meta:
        model = Site
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self._departement_choices: list[tuple[str, str]] | None = None
        # A callable: read (from the cache) only when a page shows the list or a value needs
        # it. A function and its argument, not a bound method: the form deep-copies its fields'
        # choices on every request, and a method would drag this filter set along, its
        # queryset and its data.
        self.filters["departement"].extra["choices"] = partial(
            published_departement_choices, str(self.data.get("departement", ""))
        )

    def departement_choices(self) -> list[tuple[str, str]]:
        if self._departement_choices is None:
            selected = str(self.data.get("departement", ""))
            self._departement_choices = published_departement_choices(selected)
        return self._departement_choices

    def fields_key(self) -> str:
        """The cache key of the fields' HTML: their values and the département list, whose
        counts change."""
        return fields_key(self.form, departements=digest(self.departement_choices()))

    def filter_queryset(self, queryset: QuerySet[Site]) -> QuerySet[Site]:
        # A default order that the `sort` filter replaces, so every page is stable.
        return super().filter_queryset(queryset.order_by(*DEFAULT_ORDERING))

    def filter_text(self, queryset: QuerySet[Site], name: str, value: str) -> QuerySet[Site]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(commune__icontains=value))

    def filter_space_kind(self, queryset: QuerySet[Site], name: str, value: str):
        # Exists rather than a join: a site with three offices is still one row.
        return queryset.filter(Exists(Space.objects.filter(site=OuterRef("pk"), kind=value)))

    def filter_bookable(self, queryset: QuerySet[Site], name: str, value: bool):
        if not value:
            return queryset
        return queryset.filter(Exists(Space.objects.filter(site=OuterRef("pk"), is_bookable=True)))

    def filter_accessible(self, queryset: QuerySet[Site], name: str, value: bool):
        if not value:
            return queryset
        accessible_space = Space.objects.filter(site=OuterRef("pk"), is_accessible=True)
        accessible_equipment = Site.equipment.through.objects.filter(
            site_id=OuterRef("pk"), equipment__slug=ACCESSIBILITY_EQUIPMENT
        )
        return queryset.filter(Exists(accessible_space) | Exists(accessible_equipment))

    def sort_by(self, queryset: QuerySet[Site], name: str, value: str) -> QuerySet[Site]:
        return queryset.order_by(*SORTS.get(value, DEFAULT_ORDERING))


# -- The map's view ----------------------------------------------------------------------------

MAX_ZOOM = 19  # Leaflet's deepest zoom on the tile layer
DEFAULT_ZOOM = 5  # France on a page-wide map


@dataclass(frozen=True)
class BoundingBox:
    west: float
    south: float
    east: float
    north: float


class BoundingBoxField(forms.Field):
    """`west,south,east,north` in decimal degrees, the order of RFC 7946 and of Leaflet's
    toBBoxString()."""

    default_error_messages = {
        "invalid": _(
            "Le cadre de la carte (bbox) s'écrit ouest,sud,est,nord en degrés décimaux, "
            "par exemple 2.25,48.81,2.42,48.91."
        ),
        "range": _(
            "Le cadre de la carte (bbox) sort du globe : la longitude va de -180 à 180, "
            "la latitude de -90 à 90."
        ),
        "order": _(
            "Le cadre de la carte (bbox) est vide : l'ouest doit précéder l'est et le sud le nord."
        ),
    }

    def to_python(self, value) -> BoundingBox | None:
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        parts = text.split(",")
        try:
            west, south, east, north = (float(part) for part in parts)
        except ValueError:  # not four numbers
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not all(math.isfinite(n) for n in (west, south, east, north)):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        longitudes_ok = -180 <= west <= 180 and -180 <= east <= 180
        latitudes_ok = -90 <= south <= 90 and -90 <= north <= 90
        if not (longitudes_ok and latitudes_ok):
            raise ValidationError(self.error_messages["range"], code="range")
        if west >= east or south >= north:
            raise ValidationError(self.error_messages["order"], code="order")
        return BoundingBox(west, south, east, north)


class MapViewForm(forms.Form):
    """The part of the map a visitor looks at. Without a box, the whole globe."""

    bbox = BoundingBoxField(required=False)
    zoom = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_ZOOM,
        error_messages={
            "invalid": _("Le niveau de zoom (zoom) est un nombre entier."),
            "min_value": _("Le niveau de zoom (zoom) ne peut être négatif."),
            "max_value": _("Le niveau de zoom (zoom) va au plus jusqu'à %(limit_value)s."),
        },
    )

    def clean_zoom(self) -> int:
        zoom = self.cleaned_data["zoom"]
        return DEFAULT_ZOOM if zoom is None else zoom
