"""{% booking_rate site %}: the occupancy rate of a site's shared rooms, for its page."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from events.stats import bookable_spaces_of, cached_site_rate, public_period
from sites.models import Site

register = template.Library()


def long_date(day: date) -> str:
    """ "1er juin 2026", "15 juin 2026" (French writes the first of a month as an ordinal)."""
    if day.day == 1:
        return pgettext("first day of a month", "1er") + formats.date_format(day, " F Y")
    return formats.date_format(day, "j F Y")


def _count(number: Decimal | int) -> int:
    return int(Decimal(number).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _period_label(site: Site, start: date, end: date, today: date) -> str:
    if start == site.occupancy_start and end == today:
        return _("Taux d'occupation depuis l'ouverture le %(start)s") % {"start": long_date(start)}
    return _("Taux d'occupation du %(start)s au %(end)s") % {
        "start": long_date(start),
        "end": long_date(end),
    }


def _no_rate_sentence(site: Site, today: date) -> str:
    if site.occupancy_start and site.occupancy_start > today:
        return _(
            "Le lieu ouvre le %(start)s : le taux d'occupation de ses salles partagées sera "
            "publié après l'ouverture."
        ) % {"start": long_date(site.occupancy_start)}
    if site.occupancy_end and site.occupancy_end < today:
        return _(
            "L'occupation du lieu s'est terminée le %(end)s : pas de taux d'occupation de ses "
            "salles partagées sur les douze derniers mois."
        ) % {"end": long_date(site.occupancy_end)}
    return _(
        "Le lieu n'est pas encore ouvert : le taux d'occupation de ses salles partagées sera "
        "publié après l'ouverture."
    )


@register.inclusion_tag("events/manager/_site_rate.html")
def booking_rate(site: Site) -> dict:
    """Over the last twelve months cut to the site's occupancy (events.stats.public_period),
    with the period said in the label. Three queries (opening hours, closed periods, bookings)
    whatever the data size, once an hour per site and period (cached, see
    events.stats.cached_site_rate); none when the site has no bookable room (its spaces are
    usually prefetched by the page) or has not opened yet, which says so in a sentence."""
    today = timezone.localdate()
    period = public_period(site, today)
    if period is None:
        # No bookable room: nothing to say at all.
        if not bookable_spaces_of(site):
            return {"site": site, "shown": False}
        return {"site": site, "shown": True, "rate": None, "empty": _no_rate_sentence(site, today)}
    start, end = period
    rate = cached_site_rate(site, start, end)
    if rate is None:
        return {"site": site, "shown": False}
    context = {"site": site, "shown": True, "rate": rate, "start": start, "end": end}
    if not rate.open_minutes:
        context["empty"] = _(
            "Les salles partagées n'ont eu aucune heure d'ouverture depuis le %(start)s : pas "
            "encore de taux d'occupation."
        ) % {"start": long_date(start)}
        context["rate"] = None
        return context
    booked_hours, open_hours = _count(rate.booked_hours), _count(rate.open_hours)
    context.update(
        period_label=_period_label(site, start, end, today),
        hours_text=_("%(booked)s sur %(open)s")
        % {
            "booked": ngettext("%(n)s heure réservée", "%(n)s heures réservées", booked_hours)
            % {"n": formats.number_format(booked_hours, force_grouping=True)},
            "open": ngettext("%(n)s heure d'ouverture", "%(n)s heures d'ouverture", open_hours)
            % {"n": formats.number_format(open_hours, force_grouping=True)},
        },
        days_text=_("%(booked)s sur %(open)s")
        % {
            "booked": ngettext("%(n)s jour réservé", "%(n)s jours réservés", rate.booked_days)
            % {"n": rate.booked_days},
            "open": ngettext("%(n)s jour d'ouverture", "%(n)s jours d'ouverture", rate.open_days)
            % {"n": rate.open_days},
        },
    )
    return context
