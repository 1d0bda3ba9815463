"""Occurrences of a recurring booking, computed on Paris wall-clock times.

15:00 stays 15:00 across the March and October clock changes: each occurrence is the same local
time on another day, localised with zoneinfo, never "the first start + n × 7 × 24 hours".
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from events.models import BookingSeries
from events.rules import local_tz

MAX_OCCURRENCES = 52
WEEKLY = BookingSeries.Frequency.WEEKLY.value
MONTHLY = BookingSeries.Frequency.MONTHLY.value


@dataclass(frozen=True)
class Recurrence:
    """weekly: every `interval` weeks; monthly: every `interval` months on the same nth
    weekday as the first occurrence (the 5th one becomes "the last"). Ends on `until`
    (included) or after `count` occurrences."""

    frequency: str = WEEKLY
    interval: int = 1
    until: date | None = None
    count: int | None = None

    def validate(self, first_day: date) -> None:
        if self.frequency not in (WEEKLY, MONTHLY):
            raise ValidationError(_("Choisissez une fréquence : hebdomadaire ou mensuelle."))
        if not isinstance(self.interval, int) or not 1 <= self.interval <= 12:
            raise ValidationError(_("L'intervalle de répétition va de 1 à 12."))
        if self.until is None and self.count is None:
            raise ValidationError(_("Indiquez une date de fin ou un nombre d'occurrences."))
        if self.count is not None and not 1 <= self.count <= MAX_OCCURRENCES:
            raise ValidationError(
                _("Une série compte de 1 à %(max)d occurrences.") % {"max": MAX_OCCURRENCES}
            )
        if self.until is not None and self.until < first_day:
            raise ValidationError(_("La date de fin de la série précède sa première date."))


class Occurrence(NamedTuple):
    start: datetime
    end: datetime
    conflict: str | None = None


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The nth (0-based) given weekday of a month; n=-1 or past the month's end: the last."""
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    days_in_month = calendar.monthrange(year, month)[1]
    if n >= 0:
        candidate = day + timedelta(weeks=n)
        if candidate.month == month:
            return candidate
    last = date(year, month, days_in_month)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def occurrence_days(first: date, rule: Recurrence, *, last_day: date | None = None) -> list[date]:
    """The days of the series, capped at `last_day` (the booking horizon) and 52 occurrences."""
    rule.validate(first)
    limit = rule.count or MAX_OCCURRENCES
    end = (
        min(d for d in (rule.until, last_day) if d is not None)
        if (rule.until or last_day)
        else None
    )
    days: list[date] = []
    if rule.frequency == WEEKLY:
        step = timedelta(weeks=rule.interval)
        day = first
        while len(days) < limit and (end is None or day <= end):
            days.append(day)
            day += step
        return days
    n = (first.day - 1) // 7
    n = -1 if n == 4 else n
    year, month, k = first.year, first.month, 0
    while len(days) < limit:
        total = month - 1 + k * rule.interval
        day = nth_weekday(year + total // 12, total % 12 + 1, first.weekday(), n)
        if end is not None and day > end:
            break
        if day >= first:
            days.append(day)
        k += 1
    return days


def occurrences(
    start: datetime, end: datetime, rule: Recurrence, *, last_day: date | None = None
) -> list[tuple[datetime, datetime]]:
    """(start, end) of each occurrence: the first one's local wall times on each day."""
    tz = local_tz()
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    span_days = (local_end.date() - local_start.date()).days
    result = []
    for day in occurrence_days(local_start.date(), rule, last_day=last_day):
        result.append(
            (
                datetime.combine(day, local_start.time().replace(tzinfo=None), tzinfo=tz),
                datetime.combine(
                    day + timedelta(days=span_days),
                    local_end.time().replace(tzinfo=None),
                    tzinfo=tz,
                ),
            )
        )
    return result
