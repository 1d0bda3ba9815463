"""CSV and XLSX exports of occupancies and occupant structures, for the managers' admin.

Contact details are included: only managers reach these exports, and only for their sites.
A fixed number of queries whatever the number of rows (prefetches, no per-row lookup).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from core.exports import csv_response, export_filename, xlsx_response  # noqa: F401
from occupants.models import Occupancy, Sector, Space, Structure


def _sectors(structure: Structure) -> str:
    return ", ".join(sector.label for sector in structure.sectors.all())


def occupancy_table(queryset: QuerySet[Occupancy]) -> tuple[list[str], Iterator[list]]:
    header = [
        _("Lieu"),
        _("Structure"),
        _("Forme juridique"),
        _("Secteurs"),
        _("Espaces"),
        _("Surface (m²)"),
        _("Début"),
        _("Fin"),
        _("Statut"),
        _("Redevance exprimée en"),
        _("Montant saisi (€)"),
        _("Redevance mensuelle (€)"),
        _("Redevance par m² et par mois (€)"),
        _("Charges mensuelles (€)"),
        _("Commune d'origine"),
        _("Code postal"),
        _("SIRET"),
        _("Personnes"),
        _("Contact"),
        _("E-mail du contact"),
        _("Téléphone du contact"),
    ]
    rows = (
        queryset.select_related("site", "structure")
        .prefetch_related(None)
        .prefetch_related(
            Prefetch("spaces", queryset=Space.objects.order_by("level", "name")),
            Prefetch("structure__sectors", queryset=Sector.objects.order_by("name")),
        )
        .order_by("site__name", "structure__name", "start", "pk")
    )

    def generate() -> Iterator[list]:
        for occupancy in rows:
            structure = occupancy.structure
            yield [
                occupancy.site.name,
                structure.name,
                structure.get_legal_form_display(),
                _sectors(structure),
                ", ".join(space.name for space in occupancy.spaces.all()),
                occupancy.surface_held(),
                occupancy.start,
                occupancy.end,
                occupancy.get_status_display(),
                occupancy.get_fee_basis_display(),
                occupancy.fee_amount,
                occupancy.monthly_fee,
                occupancy.fee_per_sqm,
                occupancy.charges,
                structure.commune,
                structure.postal_code,
                structure.siret,
                structure.people_count,
                structure.contact_name,
                structure.contact_email,
                structure.contact_phone,
            ]

    return header, generate()


def structure_table(queryset: QuerySet[Structure]) -> tuple[list[str], Iterator[list]]:
    header = [
        _("Structure"),
        _("Forme juridique"),
        _("Secteurs"),
        _("Lieux occupés"),
        _("Commune d'origine"),
        _("Code postal"),
        _("Département"),
        _("Personnes"),
        _("SIRET"),
        _("Profil public"),
        _("Contact"),
        _("E-mail du contact"),
        _("Téléphone du contact"),
    ]
    rows = (
        queryset.prefetch_related(None)
        .prefetch_related(
            Prefetch("sectors", queryset=Sector.objects.order_by("name")),
            Prefetch(
                "occupancies",
                queryset=Occupancy.objects.exclude(status=Occupancy.Status.CANCELLED)
                .select_related("site")
                .order_by("site__name"),
            ),
        )
        .order_by("name", "pk")
    )

    def generate() -> Iterator[list]:
        for structure in rows:
            sites = sorted({occupancy.site.name for occupancy in structure.occupancies.all()})
            yield [
                structure.name,
                structure.get_legal_form_display(),
                _sectors(structure),
                ", ".join(sites),
                structure.commune,
                structure.postal_code,
                structure.departement,
                structure.people_count,
                structure.siret,
                _("oui") if structure.public_profile else _("non"),
                structure.contact_name,
                structure.contact_email,
                structure.contact_phone,
            ]

    return header, generate()
