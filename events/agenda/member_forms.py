"""The forms of the occupants' event pages (events.agenda.member_views): an event's details
(a ModelForm over the service's EDITABLE_FIELDS) and one of its dates."""

from __future__ import annotations

from datetime import date, time, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from events.forms import date_input, time_input
from events.models import Event
from events.rules import at
from occupants.models import Occupancy
from sites.models import Space

# The order the form shows them in (EDITABLE_FIELDS is a set).
FIELD_ORDER = [
    "title",
    "summary",
    "description",
    "kind",
    "visibility",
    "publics",
    "price_kind",
    "price_amount",
    "registration",
    "registration_contact",
    "capacity",
    "attendance_mode",
    "online_url",
    "age_min",
    "age_max",
    "accessible_hearing",
    "accessible_visual",
    "accessible_psychic",
    "accessible_motor",
    "accessible_intellectual",
    "accessibility_details",
    "keywords",
    "image",
    "image_alt",
    "image_credit",
]


class OccupancyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, occupancy: Occupancy) -> str:
        return f"{occupancy.structure.name} — {occupancy.site.name}"


def proposable_occupancies(user):
    """The current occupancies of the user's structures: for which structure, at which site,
    they may propose an event (events.agenda.services.create_event checks it again)."""
    return (
        Occupancy.objects.current()
        .of_member(user)
        .select_related("structure", "site")
        .order_by("structure__name", "site__name", "pk")
    )


class EventForm(forms.ModelForm):
    """An event's details. On creation, `occupancy` says which structure organises it, at which
    of the sites it occupies."""

    class Meta:
        model = Event
        fields = FIELD_ORDER
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "accessibility_details": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["occupancy"] = OccupancyChoiceField(
                label=_("Structure et lieu"),
                queryset=proposable_occupancies(user),
                empty_label=None,
                help_text=_("La structure qui organise l'événement, au lieu qu'elle occupe."),
            )
            self.order_fields(["occupancy", *FIELD_ORDER])

    def clean(self):
        data = super().clean()
        occupancy = data.get("occupancy")
        if occupancy is not None:
            # The model's own checks (organiser, capacity) see the event as it will be.
            self.instance.structure = occupancy.structure
            self.instance.site = occupancy.site
        elif "occupancy" in self.fields:
            # The occupancy's own error says it; the model would add a second one about the
            # structure. This instance is never saved (events.agenda.services creates the event).
            self.instance.organiser_kind = Event.OrganiserKind.SITE
        return data

    def details(self) -> dict:
        """The cleaned details, as events.agenda.services takes them."""
        data = {name: self.cleaned_data[name] for name in FIELD_ORDER}
        if data["image"] is False:  # "Effacer" ticked
            data["image"] = ""
        elif data["image"] is None:
            data.pop("image")
        return data


class TimingForm(forms.Form):
    """One date of an event: day, start and end (00:00 for midnight), a room of the site or a
    place."""

    day = forms.DateField(label=_("Date"), widget=date_input())
    start = forms.TimeField(label=_("Début"), widget=time_input())
    end = forms.TimeField(label=_("Fin"), widget=time_input(), help_text=_("00:00 pour minuit."))
    room = forms.ModelChoiceField(
        label=_("Salle"),
        queryset=Space.objects.none(),
        required=False,
        empty_label=_("Sans salle (dehors, hors du lieu…)"),
        help_text=_("La salle est réservée pour cette date, aux conditions du lieu."),
    )
    place = forms.CharField(
        label=_("Lieu précis"),
        max_length=200,
        required=False,
        help_text=_("Sans salle : dehors, dans la cour, hors du lieu…"),
    )

    def __init__(self, *args, event: Event, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = (
            Space.objects.bookable_by(user).filter(site_id=event.site_id).order_by("name")
        )

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start"), data.get("end")
        if day and start and end is not None:
            if not date(2000, 1, 1) <= day <= date(2100, 12, 31):
                raise ValidationError({"day": _("Choisissez une date entre 2000 et 2100.")})
            end_day = day + timedelta(days=1) if end == time(0) else day
            data["start_at"] = at(day, start)
            data["end_at"] = at(end_day, end)
            if data["end_at"] <= data["start_at"]:
                self.add_error("end", _("La fin doit suivre le début."))
        return data


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's refusal on the form: beside its field when the form has it, above otherwise
    (the error summary lists both)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)
