"""Occupants' booking forms. They check the shape of what was sent (a date, a time on the room's
slot grid, a duration within the rules, a sane recurrence); whether the slot is free and allowed
is decided by events.services, whose errors the views put back on the form."""

from __future__ import annotations

import functools
import uuid
from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from occupants.models import Structure
from sites.models import Site

MAX_OCCURRENCES = 52
NO_REPEAT, WEEKLY, MONTHLY = "", "weekly", "monthly"


def duration_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("%(m)d min") % {"m": rest}
    if not rest:
        return ngettext("%(h)d heure", "%(h)d heures", hours) % {"h": hours}
    return _("%(h)d h %(m)02d") % {"h": hours, "m": rest}


@functools.lru_cache(maxsize=256)
def _duration_choices(
    language: str | None, first: int, last: int, step: int
) -> tuple[tuple[int, str], ...]:
    """The durations offered, in `language` (the active one, passed to key the cache): the
    labels of a room's rules are translated once, not at each form."""
    return tuple((m, duration_label(m)) for m in range(first, last + 1, step))


def date_input(**attrs) -> forms.DateInput:
    """An <input type="date">: its value is always the ISO date the browser expects."""
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", **attrs})


def time_input(**attrs) -> forms.TimeInput:
    return forms.TimeInput(format="%H:%M", attrs={"type": "time", **attrs})


class BookingForm(forms.Form):
    structure = forms.ModelChoiceField(
        label=_("Réserver pour"),
        queryset=Structure.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choisissez une de vos structures occupant ce lieu.")},
    )
    day = forms.DateField(label=_("Date"), widget=date_input())
    start_time = forms.TimeField(label=_("Heure de début"), widget=time_input())
    duration = forms.IntegerField(
        label=_("Durée"),
        error_messages={"invalid": _("Choisissez une durée dans la liste.")},
    )
    purpose = forms.CharField(
        label=_("Objet de la réservation"),
        max_length=200,
        help_text=_("Visible seulement des membres de votre structure et des responsables."),
    )
    people = forms.IntegerField(label=_("Nombre de personnes"), min_value=1)
    repeat = forms.ChoiceField(
        label=_("Répétition"),
        required=False,
        choices=[
            (NO_REPEAT, _("Une seule fois")),
            (WEEKLY, _("Toutes les semaines (ou toutes les N semaines)")),
            (MONTHLY, _("Tous les mois, le même jour de la semaine (ex. 2e mardi)")),
        ],
        error_messages={"invalid_choice": _("Choisissez une répétition dans la liste.")},
    )
    interval = forms.IntegerField(
        label=_("Toutes les … semaines"),
        required=False,
        min_value=1,
        max_value=12,
        initial=1,
        help_text=_("1 pour chaque semaine, 2 pour une semaine sur deux."),
    )
    until = forms.DateField(label=_("Jusqu'au"), required=False, widget=date_input())
    count = forms.IntegerField(
        label=_("Ou nombre de fois"),
        required=False,
        min_value=2,
        help_text=_("52 fois au plus."),
    )
    request_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        site: Site,
        structures,
        step: int,
        min_minutes: int,
        max_minutes: int,
        capacity: int,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.site = site
        self.step = step
        self.min_minutes = min_minutes
        self.max_minutes = max_minutes
        self.capacity = capacity
        self.fields["structure"].queryset = structures.order_by("name", "pk")
        self.fields["start_time"].widget.attrs["step"] = step * 60
        self.fields["duration"].widget = forms.Select(choices=self.duration_choices())
        self.fields["people"].max_value = capacity
        self.fields["people"].widget.attrs.update({"min": 1, "max": capacity})
        self.fields["people"].help_text = ngettext(
            "Capacité de la salle : %(n)d personne.",
            "Capacité de la salle : %(n)d personnes.",
            capacity,
        ) % {"n": capacity}
        self.fields["count"].widget.attrs["max"] = MAX_OCCURRENCES
        if not self.is_bound and not self.initial.get("request_key"):
            self.initial["request_key"] = uuid.uuid4()

    def duration_choices(self) -> list[tuple[int, str]]:
        first = max(self.min_minutes, self.step)
        return list(_duration_choices(get_language(), first, self.max_minutes, self.step))

    def clean_duration(self) -> int:
        minutes = self.cleaned_data["duration"]
        if minutes <= 0:
            raise forms.ValidationError(_("La fin doit suivre le début."))
        if minutes < self.min_minutes:
            raise forms.ValidationError(
                _("La durée minimale est de %(d)s.") % {"d": duration_label(self.min_minutes)}
            )
        if minutes > self.max_minutes:
            raise forms.ValidationError(
                _("La durée maximale est de %(d)s.") % {"d": duration_label(self.max_minutes)}
            )
        if minutes % self.step:
            raise forms.ValidationError(
                _("La durée se choisit par pas de %(d)s.") % {"d": duration_label(self.step)}
            )
        return minutes

    def clean_start_time(self) -> time:
        value = self.cleaned_data["start_time"]
        if (value.hour * 60 + value.minute) % self.step or value.second:
            raise forms.ValidationError(
                _("Les créneaux commencent toutes les %(d)s (ex. 9:00, 9:30).")
                % {"d": duration_label(self.step)}
            )
        return value

    def clean_people(self) -> int:
        people = self.cleaned_data["people"]
        if people > self.capacity:
            raise forms.ValidationError(
                _("La salle accueille %(n)d personnes au plus.") % {"n": self.capacity}
            )
        return people

    def clean_count(self) -> int | None:
        count = self.cleaned_data["count"]
        if count is not None and count > MAX_OCCURRENCES:
            raise forms.ValidationError(
                _("Une série compte %(n)d réservations au plus.") % {"n": MAX_OCCURRENCES}
            )
        return count

    def clean(self) -> dict:
        data = super().clean()
        day, start_time = data.get("day"), data.get("start_time")
        if day and start_time is not None and data.get("duration"):
            start = timezone.make_aware(datetime.combine(day, start_time))
            data["start"] = start
            # Wall-clock arithmetic: a 2-hour slot ends two hours later on the clock.
            end_naive = datetime.combine(day, start_time) + timedelta(minutes=data["duration"])
            data["end"] = timezone.make_aware(end_naive)
            if start < timezone.now():
                self.add_error("start_time", _("Ce créneau est déjà passé."))
        if data.get("repeat"):
            if data.get("until") is None and data.get("count") is None:
                self.add_error(
                    "until", _("Indiquez une date de fin ou un nombre de fois pour la série.")
                )
            if data.get("until") and day and data["until"] <= day:
                self.add_error("until", _("La date de fin doit suivre la première date."))
            if data.get("interval") is None:
                data["interval"] = 1
        return data

    def is_series(self) -> bool:
        return bool(self.cleaned_data.get("repeat"))


class FindSlotForm(forms.Form):
    site = forms.ModelChoiceField(
        label=_("Lieu"),
        queryset=Site.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choisissez un de vos lieux.")},
    )
    day = forms.DateField(label=_("Date"), widget=date_input())
    start_time = forms.TimeField(label=_("Heure de début"), widget=time_input(step=900))
    duration = forms.TypedChoiceField(
        label=_("Durée"),
        coerce=int,
        choices=[(m, duration_label(m)) for m in (30, 60, 90, 120, 180, 240, 360, 480)],
        initial=60,
        error_messages={"invalid_choice": _("Choisissez une durée dans la liste.")},
    )
    people = forms.IntegerField(
        label=_("Nombre de personnes"),
        min_value=1,
        max_value=10_000,
        initial=1,
    )

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        today = timezone.localdate()
        self.fields["day"].widget.attrs["min"] = today.isoformat()

    def clean(self) -> dict:
        data = super().clean()
        day, start_time = data.get("day"), data.get("start_time")
        if day and start_time is not None and data.get("duration"):
            data["start"] = timezone.make_aware(datetime.combine(day, start_time))
            data["end"] = timezone.make_aware(
                datetime.combine(day, start_time) + timedelta(minutes=data["duration"])
            )
            if data["start"] < timezone.now():
                self.add_error("start_time", _("Ce moment est déjà passé."))
        if day and day > timezone.localdate() + timedelta(days=3 * 366):
            self.add_error("day", _("Choisissez une date moins lointaine."))
        return data


class CancelForm(forms.Form):
    ONE, REST = "one", "rest"
    scope = forms.ChoiceField(
        label=_("Annuler"),
        choices=[(ONE, _("Cette réservation seulement")), (REST, _("Celle-ci et les suivantes"))],
        initial=ONE,
        widget=forms.RadioSelect,
    )
