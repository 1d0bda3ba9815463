"""Load the demo: organisations, sites, spaces, fundings, photos and accounts.

Every row is written with update_or_create on a natural key (slug, e-mail, site + name…), so
running the seed twice gives the same rows. Parts that depend on apps still being built
(occupants, calls, bookings) live in their own modules and are skipped when their models are
missing.
"""

from __future__ import annotations

import calendar
import zlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.test.utils import override_settings

from accounts.models import Organisation, User
from demo import data
from demo.images import picture_kind, site_picture
from sites.models import Equipment, Funding, Site, SitePhoto, Space

SILENT_MAILERS = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class DemoContext:
    """What later parts of the seed need: the reference day and the rows made so far."""

    today: date
    anchor: date
    organisations: dict[str, Organisation] = field(default_factory=dict)
    sites: dict[str, Site] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    photos: bool = True
    log: list[str] = field(default_factory=list)


def seed_organisations(ctx: DemoContext) -> None:
    for key, name, kind, website, description in data.ORGANISATIONS:
        org, _created = Organisation.objects.update_or_create(
            slug=key,
            defaults={"name": name, "kind": kind, "website": website, "description": description},
        )
        ctx.organisations[key] = org


def seed_sites(ctx: DemoContext) -> None:
    equipment = {e.slug: e for e in Equipment.objects.all()}
    for row in data.SITES:
        start = add_months(ctx.anchor, row["start"]) if row["start"] is not None else None
        end = None
        if start is not None:
            # The planned end is the day before the anniversary: Oct 1 + 18 months → Mar 31.
            end = date.fromordinal(add_months(start, row["months"]).toordinal() - 1)
        site, _created = Site.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "owner": ctx.organisations[row["owner"]],
                "operator": ctx.organisations[row["operator"]],
                "address": row["address"],
                "postal_code": row["postal_code"],
                "commune": row["commune"],
                "departement": row["departement"],
                "latitude": row["latitude"],
                "longitude": row["longitude"],
                "former_use": row["former_use"],
                "future_use": row["future_use"],
                "status": row["status"],
                "occupancy_start": start,
                "occupancy_end": end,
                "total_surface": row["total_surface"],
                "summary": row["summary"],
                "description": row["description"],
                "transport_access": row["transport_access"],
                "total_project_cost": row["total_project_cost"],
                "published": row["published"],
                "cover_photo_alt": f"Dessin de la façade : {row['name']}",
            },
        )
        site.equipment.set([equipment[slug] for slug in row["equipment"] if slug in equipment])
        for name, kind, level, surface, capacity, bookable, accessible in row["spaces"]:
            Space.objects.update_or_create(
                site=site,
                name=name,
                defaults={
                    "kind": kind,
                    "level": level,
                    "surface": Decimal(surface),
                    "capacity": capacity,
                    "is_bookable": bookable,
                    "is_accessible": accessible,
                },
            )
        # Each funding's share of the whole project's cost is its leverage.
        for funder, programme, amount, offset, purpose, source, nature in row["fundings"]:
            Funding.objects.update_or_create(
                site=site,
                funder=ctx.organisations[funder],
                programme=programme,
                year=add_months(ctx.anchor, offset).year,
                defaults={
                    "amount": amount,
                    "purpose": purpose,
                    "source": source,
                    "nature": nature,
                    "project_cost": row["total_project_cost"],
                },
            )
        # A drawing of what the building used to be; the slug varies it from its neighbours.
        kind, seed = picture_kind(row["former_use"]), zlib.crc32(row["slug"].encode())
        if ctx.photos and not site.cover_photo:
            picture = site_picture(kind, seed=seed)
            site.cover_photo.save(f"{row['slug']}.jpg", ContentFile(picture), save=True)
        # A gallery row is only ever written with its image (--no-photos writes none).
        for position, (alt_text, caption) in enumerate(
            row.get("gallery", []) if ctx.photos else []
        ):
            photo, _created = SitePhoto.objects.update_or_create(
                site=site, position=position, defaults={"alt_text": alt_text, "caption": caption}
            )
            if not photo.image:
                picture = site_picture(kind, seed=seed + position + 1)
                photo.image.save(f"{row['slug']}-{position + 1}.jpg", ContentFile(picture))
        ctx.sites[row["slug"]] = site


def seed_accounts(ctx: DemoContext) -> None:
    for key, full_name, is_staff, is_superuser in data.ACCOUNTS:
        user, created = User.objects.update_or_create(
            email=data.demo_email(key),
            defaults={
                "full_name": full_name,
                "is_staff": is_staff,
                "is_superuser": is_superuser,
                "is_active": True,
            },
        )
        if created or not user.check_password(data.DEMO_PASSWORD):
            user.set_password(data.DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if user.email_verified_at is None:
            user.email_verified_at = user.date_joined
            user.save(update_fields=["email_verified_at"])
        ctx.users[key] = user
    for key, organisation in data.STAFF_OF.items():
        ctx.organisations[organisation].staff.add(ctx.users[key])
    ctx.sites["la-boussole-asnieres"].managers.add(ctx.users["responsable"])


def run(*, today: date, photos: bool = True) -> DemoContext:
    """Load the whole demo in one transaction and return what was made."""
    from demo import extensions

    ctx = DemoContext(today=today, anchor=today.replace(day=1), photos=photos)
    # Services called by the seed (bookings…) send e-mails after commit: the demo's go nowhere.
    with override_settings(MAILERS=SILENT_MAILERS), transaction.atomic():
        seed_organisations(ctx)
        seed_sites(ctx)
        seed_accounts(ctx)
        extensions.run_all(ctx)
    return ctx
