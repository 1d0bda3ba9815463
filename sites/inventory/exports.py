"""CSV and XLSX exports of the inventory's filtered list, for those who may see it: the
internal contact is included. A fixed number of queries whatever the number of rows."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sites.inventory.models import VacantBuilding


def building_table(queryset: QuerySet[VacantBuilding]) -> tuple[list[str], Iterator[list]]:
    header = [
        _("Bâtiment"),
        _("Propriétaire"),
        _("Gestionnaire"),
        _("Adresse"),
        _("Code postal"),
        _("Commune"),
        _("Département"),
        _("Latitude"),
        _("Longitude"),
        _("Surface (m²)"),
        _("Niveaux"),
        _("Usage d'origine"),
        _("Scénarios"),
        _("Eau"),
        _("Chauffage"),
        _("Électricité"),
        _("Accessibilité"),
        _("Sécurité"),
        _("Disponible à partir du"),
        _("Disponible jusqu'au"),
        _("Lieu"),
        _("Contact"),
        _("E-mail du contact"),
        _("Téléphone du contact"),
    ]
    rows = (
        queryset.select_related("owner", "operator", "site", "contact_user")
        .prefetch_related("scenarios")
        .order_by("name", "pk")
    )

    def generate() -> Iterator[list]:
        for building in rows:
            contact = building.contact_user
            yield [
                building.name,
                building.owner.name,
                building.operator.name if building.operator else "",
                building.address,
                building.postal_code,
                building.commune,
                building.departement,
                building.latitude,
                building.longitude,
                building.surface,
                building.floors,
                building.former_use,
                ", ".join(building.scenario_labels),
                building.get_water_display(),
                building.get_heating_display(),
                building.get_electricity_display(),
                building.get_accessibility_display(),
                building.safety_notes,
                building.available_from,
                building.available_until,
                building.site.name if building.site else "",
                contact.get_full_name() if contact else building.contact_name,
                contact.email if contact else building.contact_email,
                building.contact_phone,
            ]

    return header, generate()
