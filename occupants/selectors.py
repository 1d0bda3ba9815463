"""Read helpers for the public occupant pages: a site's occupant picture, the structures
directory and a structure's public page, each in a fixed number of queries.

Privacy: the figures count every current occupant, but only structures with a public profile
are ever named, and no contact detail leaves this module's querysets (`PUBLIC_FIELDS`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.charts import Chart, make_chart
from core.text import localized
from occupants.models import Occupancy, OccupancySpace, Sector, Structure
from sites.models import Site, Space

# What a public page may read of a structure: never the contact, SIRET or notes.
PUBLIC_FIELDS = (
    "id",
    "name",
    "slug",
    "legal_form",
    "description",
    "website",
    "logo",
    "logo_thumbnail",
    "commune",
    "postal_code",
    "departement",
    "people_count",
    "public_profile",
    "updated_at",
)
SECTOR_FIELDS = ("id", "name", "name_en", "slug")
# What a site's occupant picture reads of its structures (a subset of PUBLIC_FIELDS).
PICTURE_FIELDS = ("id", "name", "slug", "commune", "departement", "people_count", "public_profile")


def normalise_commune(name: str) -> str:
    """Asnières-sur-Seine, ASNIERES SUR SEINE and Asnières sur Seine are one commune."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    for separator in "-'’":
        text = text.replace(separator, " ")
    return " ".join(text.split())


def percent(part: Decimal | int, whole: Decimal | int | None) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def current_occupancies(today: date | None = None) -> QuerySet[Occupancy]:
    return Occupancy.objects.current(today)


def _sectors_prefetch() -> Prefetch:
    return Prefetch("sectors", queryset=Sector.objects.only(*SECTOR_FIELDS).order_by("name"))


# -- The site's occupant picture ---------------------------------------------------------------


@dataclass(frozen=True)
class SectorGroup:
    name: str
    slug: str
    structure_count: int  # every current occupant of the sector, public or not
    public_structures: list[Structure] = field(default_factory=list)


@dataclass(frozen=True)
class OccupantPicture:
    structure_count: int
    public_count: int
    people_count: int
    surface_held: Decimal
    surface_share: Decimal | None  # percent of the site's total surface
    same_commune_count: int
    same_commune_share: Decimal | None
    same_departement_count: int
    same_departement_share: Decimal | None
    groups: list[SectorGroup]
    chart: Chart | None

    @property
    def private_count(self) -> int:
        """Occupants counted in the figures but never named (no public profile)."""
        return self.structure_count - self.public_count


def site_occupant_picture(site: Site, *, today: date | None = None) -> OccupantPicture:
    """The figures and the public structures of a site's current occupants (3 queries, 1 when
    the site has no current occupant, 2 when the site comes from with_occupied_surface())."""
    today_given = today
    today = today or timezone.localdate()
    occupying = current_occupancies(today).filter(site_id=site.pk)
    # Only what the picture shows, and each structure's sectors as (structure, slug, name)
    # rows: a site page names every current occupant, so model instances and one related
    # manager per structure would cost more than the page's other parts.
    structures = list(
        Structure.objects.filter(Exists(occupying.filter(structure_id=OuterRef("pk"))))
        .only(*PICTURE_FIELDS)
        .order_by("name", "pk")
    )
    if not structures:
        surface = Decimal(0)
    elif today_given is None and hasattr(site, "occupied_surface"):
        surface = site.occupied_surface or Decimal(0)  # annotated by with_occupied_surface()
    else:
        surface = _surface_held(site, occupying)

    total = len(structures)
    site_commune = normalise_commune(site.commune)
    same_commune = sum(
        1 for s in structures if site_commune and normalise_commune(s.commune) == site_commune
    )
    same_departement = sum(
        1 for s in structures if site.departement and s.departement == site.departement
    )
    sectors: dict[int, list[tuple[str, str]]] = {}
    if structures:
        rows = (
            Structure.sectors.through.objects.filter(structure_id__in=[s.pk for s in structures])
            .order_by("sector__name")
            .values_list("structure_id", "sector__slug", "sector__name", "sector__name_en")
        )
        for structure_id, slug, name, name_en in rows:
            sectors.setdefault(structure_id, []).append((slug, localized(name, name_en)))
    groups = _sector_groups(structures, sectors)
    chart = None
    if groups:
        chart = make_chart(
            [(group.name, group.structure_count) for group in groups],
            title=_("Répartition des structures occupantes"),
            label_header=_("Secteur d'activité"),
            value_header=_("Nombre de structures"),
            chart_id=f"chart-secteurs-{site.pk}",
            note=_(
                "Nombre de structures occupant actuellement le lieu, par secteur d'activité. "
                "Une structure peut relever de plusieurs secteurs."
            ),
        )
    return OccupantPicture(
        structure_count=total,
        public_count=sum(1 for s in structures if s.public_profile),
        people_count=sum(s.people_count for s in structures),
        surface_held=surface,
        surface_share=percent(surface, site.total_surface),
        same_commune_count=same_commune,
        same_commune_share=percent(same_commune, total),
        same_departement_count=same_departement,
        same_departement_share=percent(same_departement, total),
        groups=groups,
        chart=chart,
    )


def _surface_held(site: Site, occupying: QuerySet[Occupancy]) -> Decimal:
    # A space shared by two occupants counts once; only spaces of this site count.
    held = OccupancySpace.objects.filter(occupancy__in=occupying.values("pk"), active=True)
    total = Space.objects.filter(site_id=site.pk, pk__in=held.values("space_id")).aggregate(
        total=Sum("surface")
    )["total"]
    return total or Decimal(0)


def with_occupied_surface(queryset: QuerySet[Site]) -> QuerySet[Site]:
    """Annotate `occupied_surface`, today's surface held by the current occupants (the same
    figure as _surface_held), so that a site page reads it with the site, not in a query."""
    held = current_occupancies().filter(
        site_id=OuterRef("site_id"),
        held_spaces__space_id=OuterRef("pk"),
        held_spaces__active=True,
    )
    surface = (
        Space.objects.filter(Exists(held), site_id=OuterRef("pk"))
        .order_by()
        .values("site_id")
        .annotate(total=Sum("surface"))
        .values("total")
    )
    return queryset.annotate(occupied_surface=Subquery(surface[:1]))


def _sector_groups(
    structures: list[Structure], sectors: dict[int, list[tuple[str, str]]]
) -> list[SectorGroup]:
    """Sectors by number of occupants (then name); a structure appears in each of its sectors
    (`sectors`: each structure's (slug, name) pairs)."""
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    public: dict[str, list[Structure]] = {}
    other = "autres"
    for structure in structures:
        keys = sectors.get(structure.pk) or [(other, _("Secteur non renseigné"))]
        for slug, name in keys:
            counts[slug] = counts.get(slug, 0) + 1
            names[slug] = name
            if structure.public_profile:
                public.setdefault(slug, []).append(structure)
    ordered = sorted(counts, key=lambda slug: (slug == other, -counts[slug], names[slug]))
    return [
        SectorGroup(
            name=names[slug],
            slug=slug,
            structure_count=counts[slug],
            public_structures=public.get(slug, []),
        )
        for slug in ordered
    ]


# -- Structures directory and public page ------------------------------------------------------


def directory_queryset() -> QuerySet[Structure]:
    """What the public may list, before any visitor filter."""
    return Structure.objects.public().only(*PUBLIC_FIELDS)


def current_sites_prefetch(today: date | None = None) -> Prefetch:
    """Current occupancies on published sites, as `structure.current_occupancies`."""
    occupancies = (
        current_occupancies(today)
        .filter(site__published=True)
        .select_related("site")
        .only(
            "id",
            "structure_id",
            "start",
            "end",
            "site__id",
            "site__name",
            "site__slug",
            "site__commune",
            "site__departement",
        )
        .order_by("site__name", "pk")
    )
    return Prefetch("occupancies", queryset=occupancies, to_attr="current_occupancies")


def with_card_data(queryset: QuerySet[Structure]) -> QuerySet[Structure]:
    return queryset.prefetch_related(_sectors_prefetch(), current_sites_prefetch())


def public_structure_queryset() -> QuerySet[Structure]:
    return with_card_data(directory_queryset())


def current_sites(structure: Structure) -> list[Site]:
    """The published sites a structure occupies today, once each (needs current_sites_prefetch)."""
    seen: dict[int, Site] = {}
    for occupancy in structure.current_occupancies:
        seen.setdefault(occupancy.site.pk, occupancy.site)
    return list(seen.values())
