"""Writes of the inventory, each in one transaction with its line of history."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from sites.inventory.models import (
    Scenario,
    VacantBuilding,
    VacantBuildingChange,
    VacantBuildingDocument,
    VacantBuildingPhoto,
    VacantBuildingScenario,
)
from sites.models import Site, SitePhoto


def _record(building: VacantBuilding, action: str, summary: str, by) -> VacantBuildingChange:
    return VacantBuildingChange.objects.create(
        building=building, action=action, summary=summary[:500], by=by
    )


def _labels(building: VacantBuilding, names: Iterable[str]) -> str:
    fields = {field.name: field for field in building._meta.fields}
    return ", ".join(
        str(fields[name].verbose_name) if name in fields else _("scénarios") for name in names
    )


@transaction.atomic
def vacant_building_save(
    *, building: VacantBuilding, scenarios: Iterable[str], changed: Iterable[str], by
) -> VacantBuilding:
    """Create or update a building and its scenarios; the history says which fields changed."""
    creating = building.pk is None
    building.full_clean()
    building.save()
    wanted = set(scenarios)
    unknown = wanted - set(Scenario.values)
    if unknown:
        raise ValidationError(_("Scénario inconnu : %(values)s") % {"values": ", ".join(unknown)})
    current = set(building.scenarios.values_list("scenario", flat=True))
    building.scenarios.exclude(scenario__in=wanted).delete()
    VacantBuildingScenario.objects.bulk_create(
        VacantBuildingScenario(building=building, scenario=value)
        for value in sorted(wanted - current)
    )
    changed = list(changed)
    if creating:
        _record(building, VacantBuildingChange.Action.CREATED, "", by)
    elif changed:
        _record(building, VacantBuildingChange.Action.UPDATED, _labels(building, changed), by)
    return building


@transaction.atomic
def vacant_building_photo_add(
    *, building: VacantBuilding, image, alt_text: str, caption: str = "", by
) -> VacantBuildingPhoto:
    photo = VacantBuildingPhoto(
        building=building,
        image=image,
        alt_text=alt_text,
        caption=caption,
        position=building.photos.count(),
    )
    photo.full_clean()
    photo.save()
    _record(building, VacantBuildingChange.Action.PHOTO_ADDED, alt_text, by)
    return photo


@transaction.atomic
def vacant_building_document_add(
    *, building: VacantBuilding, upload, title: str, by
) -> VacantBuildingDocument:
    document = VacantBuildingDocument(
        building=building,
        title=title,
        file=upload,
        original_name=(upload.name or "document")[:200],
        size=upload.size or 0,
        uploaded_by=by,
    )
    document.full_clean()
    document.save()
    _record(building, VacantBuildingChange.Action.DOCUMENT_ADDED, title, by)
    return document


def _unique_slug(name: str) -> str:
    base = slugify(name)[:180] or "lieu"
    taken = set(Site.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


class ConversionRefused(Exception):
    """Why a building cannot become a site, in French, for the page."""


@transaction.atomic
def vacant_building_to_site(*, building: VacantBuilding, by) -> Site:
    """The building becomes a Site in scouting (repérage) with the same owner, operator,
    address, position and surface, and copies of its photos; the building keeps its record,
    linked to the site, and its history says who did it."""
    # Locked and read again: two clicks at once make one site, not two.
    locked = (
        VacantBuilding.objects.manageable_by(by).select_for_update().filter(pk=building.pk).first()
    )
    if locked is None:
        raise PermissionDenied
    if locked.site_id is not None:
        raise ConversionRefused(_("Ce bâtiment est déjà devenu un lieu."))
    if locked.operator_id is None:
        raise ConversionRefused(
            _("Indiquez d'abord le gestionnaire du bâtiment : un lieu en a toujours un.")
        )
    site = Site(
        name=locked.name,
        slug=_unique_slug(locked.name),
        owner_id=locked.owner_id,
        operator_id=locked.operator_id,
        address=locked.address,
        postal_code=locked.postal_code,
        commune=locked.commune,
        departement=locked.departement,
        latitude=locked.latitude,
        longitude=locked.longitude,
        total_surface=locked.surface,
        former_use=locked.former_use,
        status=Site.Status.SCOUTING,
        published=False,
    )
    site.full_clean()
    site.save()
    for photo in locked.photos.all():
        try:
            with photo.image.open("rb") as source:
                content = ContentFile(source.read())
        except FileNotFoundError:
            continue  # a photo whose file is gone is not worth refusing the conversion
        copy = SitePhoto(
            site=site, alt_text=photo.alt_text, caption=photo.caption, position=photo.position
        )
        # Already checked and re-encoded when it was uploaded: copied as it is, to the public
        # storage of site photos (the site itself is not published).
        copy.image.save(f"{site.slug}-{PurePath(photo.image.name).name}", content, save=False)
        copy.save()
    locked.site = site
    locked.save(update_fields=["site", "updated_at"])
    _record(locked, VacantBuildingChange.Action.CONVERTED, site.name, by)
    building.site = site
    return site
