"""The public agenda's filters (/agenda/), in the manner of the sites directory (sites.filters).

Every parameter comes from the URL, so any value can arrive: a value the form refuses is reported
in French and left out, the valid filters still apply, and nothing is echoed back.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.core.cache import cache
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.cachekeys import digest, fields_key
from core.widgets import ListSelect
from events.models import Event, EventTiming, Public
from events.rules import local_tz
from sites.departements import DEPARTEMENTS
from sites.filters import INVALID_CHOICE, FlagFilter
from sites.models import Site

CHILDREN_MAX_AGE = 12
UPCOMING, PAST = "a-venir", "passes"
WHEN_CHOICES = [(UPCOMING, _("À venir")), (PAST, _("Passés"))]

# The site filter lists the published sites that have public events, read from Django's cache:
# a site's first event shows in the list at most this much later.
SITE_CHOICES_SECONDS = 300
SITE_COUNTS_KEY = "agenda:site-counts:v1"
SITE_CHOICES_KEY = "agenda:site-choices:v3:{departement}"
# Above this many sites, the list shows a département's only (chosen first): a thousand options
# are unusable in a select, and weighed 100 kB on every agenda page.
SITE_LIST_MAX = 60


def agenda_sites() -> QuerySet[Site]:
    """The published sites with a published public event."""
    return Site.objects.published().filter(
        Exists(Event.objects.published_public().filter(site=OuterRef("pk")))
    )


def agenda_site_counts() -> dict[str, int]:
    """How many of those sites each département has, in one aggregate query at most once per
    SITE_CHOICES_SECONDS: whether the list waits for a département, without reading every
    site (ten thousand of them weighed 4 ms to unpickle on every agenda page)."""

    def count() -> dict[str, int]:
        rows = agenda_sites().order_by().values("departement").annotate(n=Count("pk"))
        return dict(rows.values_list("departement", "n"))

    return cache.get_or_set(SITE_COUNTS_KEY, count, SITE_CHOICES_SECONDS)


def agenda_site_choices(departement: str = "") -> list[tuple[str, str]]:
    """(slug, "Name (commune)") of those sites, by name: a département's, or every one (""),
    in one query at most once per SITE_CHOICES_SECONDS for each."""

    def read() -> list[tuple[str, str]]:
        sites = agenda_sites()
        if departement:
            sites = sites.filter(departement=departement)
        rows = sites.order_by("name", "pk").values_list("slug", "name", "commune")
        return [(slug, f"{name} ({commune})") for slug, name, commune in rows]

    key = SITE_CHOICES_KEY.format(departement=departement)
    return cache.get_or_set(key, read, SITE_CHOICES_SECONDS)


def departement_options() -> list[tuple[str, str]]:
    """ "Nord (59)" for every département: a function, so that a form's copy of its fields (on
    every request) does not copy the hundred choices."""
    return [(code, f"{name} ({code})") for code, name in DEPARTEMENTS]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


DATE_ERRORS = {
    "invalid": _("Date non reconnue (attendu : AAAA-MM-JJ) : ce filtre a été ignoré."),
}
# Far enough for any agenda, near enough that a day and the next one stay valid datetimes.
DATE_VALIDATORS = [
    MinValueValidator(date(2000, 1, 1), _("Date trop ancienne : ce filtre a été ignoré.")),
    MaxValueValidator(date(2200, 12, 31), _("Date trop lointaine : ce filtre a été ignoré.")),
]


def mentions_public(value: str) -> Q:
    """Events whose publics list holds `value` (a Public value, from the choices: no quote in
    it). The list is JSON; matching its quoted item reads the same on SQLite and PostgreSQL,
    where `contains` on a JSONField is not available on SQLite."""
    return Q(publics__icontains=f'"{value}"')


class EventFilter(django_filters.FilterSet):
    # Chosen with the page's tabs (links), carried by the form as a hidden field.
    quand = django_filters.ChoiceFilter(
        widget=forms.HiddenInput,
        label=_("Période"),
        choices=WHEN_CHOICES,
        empty_label=None,
        method="filter_when",
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    lieu = django_filters.ChoiceFilter(
        widget=ListSelect,
        label=_("Lieu"),
        choices=list,  # replaced for each filter set by the sites that have events
        empty_label=_("Tous les lieux"),
        field_name="site__slug",
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    departement = django_filters.ChoiceFilter(
        widget=ListSelect,
        label=_("Département"),
        choices=departement_options,
        empty_label=_("Tous les départements"),
        field_name="site__departement",
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    du = django_filters.DateFilter(
        label=_("À partir du"),
        method="filter_from",
        widget=DateInput,
        validators=DATE_VALIDATORS,
        error_messages=DATE_ERRORS,
    )
    au = django_filters.DateFilter(
        label=_("Jusqu'au"),
        method="filter_until",
        widget=DateInput,
        validators=DATE_VALIDATORS,
        error_messages=DATE_ERRORS,
    )
    type = django_filters.ChoiceFilter(
        widget=ListSelect,
        label=_("Type d'événement"),
        choices=Event.Kind.choices,
        empty_label=_("Tous les types"),
        field_name="kind",
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    public = django_filters.ChoiceFilter(
        widget=ListSelect,
        label=_("Public visé"),
        choices=Public.choices,
        empty_label=_("Tous les publics"),
        method="filter_public",
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    gratuit = FlagFilter(label=_("Gratuit"), method="filter_free")
    accessible = FlagFilter(label=_("Accessible (handicap)"), method="filter_accessible")
    enfants = FlagFilter(label=_("Pour les enfants"), method="filter_children")

    class Meta:
        model = Event
        fields: list[str] = []

    def __init__(self, data=None, *args, now=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.now = now or timezone.now()
        self._site_choices: list[tuple[str, str]] | None = None
        departement = str(self.data.get("departement", "")) if self.data else ""
        self.departement = departement if departement in dict(DEPARTEMENTS) else ""
        self.few_sites = sum(agenda_site_counts().values()) <= SITE_LIST_MAX
        # Many sites and no département yet: the list waits for one (and says so).
        self.sites_wait = not self.few_sites and not self.departement
        if self.sites_wait:
            self.filters["lieu"].extra["empty_label"] = _(
                "Tous les lieux (choisissez un département pour en choisir un)"
            )
        # A list, not the method: a form field deep-copies its choices, and a bound method would
        # drag this filter set and its data along.
        self.filters["lieu"].extra["choices"] = self.site_choices()

    def site_choices(self) -> list[tuple[str, str]]:
        """The sites with public events (of the chosen département when there are many); the
        selected one stays in the list, even when it is a published site without any (yet),
        so that a site page's link shows an empty agenda rather than an error."""
        if self._site_choices is None:
            if self.few_sites:
                choices = agenda_site_choices()
            elif self.departement:
                choices = agenda_site_choices(self.departement)
            else:
                choices = []
            selected = str(self.data.get("lieu", "")) if self.data else ""
            if selected and selected not in {slug for slug, _label in choices}:
                site = (
                    Site.objects.published()
                    .filter(slug=selected)
                    .values_list("slug", "name", "commune")
                    .first()
                )
                if site:
                    choices = [*choices, (site[0], f"{site[1]} ({site[2]})")]
            self._site_choices = choices
        return self._site_choices

    def fields_key(self) -> str:
        """The cache key of the fields' HTML: their values and the site list (which follows the
        sites with events and the chosen département)."""
        return fields_key(self.form, sites=digest((self.sites_wait, self.site_choices())))

    @property
    def past(self) -> bool:
        """The archive of past events is asked for (and valid)."""
        if not self.is_bound:
            return False
        self.form.errors  # noqa: B018 -- validates the form once
        return getattr(self.form, "cleaned_data", {}).get("quand") == PAST

    def filter_queryset(self, queryset: QuerySet[Event]) -> QuerySet[Event]:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        since = until = None
        if data.get("du"):
            since = datetime.combine(data["du"], time(0), tzinfo=local_tz())
        if data.get("au"):
            until = datetime.combine(data["au"] + timedelta(days=1), time(0), tzinfo=local_tz())
        if data.get("quand") == PAST:
            queryset = queryset.past(self.now)
            if since:  # an event with a date that ends on or after that day
                queryset = queryset.filter(self._timings(end__gt=since))
            if until:  # an event with a date that starts before the next day
                queryset = queryset.filter(self._timings(start__lt=until))
            return queryset
        # Upcoming from that day on: each event comes with its first date not over then, which
        # has to start before the day after `au`.
        queryset = queryset.upcoming(max(self.now, since) if since else self.now)
        return queryset.filter(next_start__lt=until) if until else queryset

    # The period and the dates choose the window together, in filter_queryset.
    def filter_when(self, queryset: QuerySet[Event], name: str, value: str):
        return queryset

    filter_from = filter_until = filter_when

    def _timings(self, **conditions) -> Exists:
        return Exists(EventTiming.objects.filter(event=OuterRef("pk"), **conditions))

    def filter_public(self, queryset: QuerySet[Event], name: str, value: str):
        return queryset.filter(mentions_public(value))

    def filter_free(self, queryset: QuerySet[Event], name: str, value: bool):
        return queryset.filter(price_kind=Event.Price.FREE) if value else queryset

    def filter_accessible(self, queryset: QuerySet[Event], name: str, value: bool):
        if not value:
            return queryset
        return queryset.filter(
            Q(accessible_hearing=True)
            | Q(accessible_visual=True)
            | Q(accessible_psychic=True)
            | Q(accessible_motor=True)
            | Q(accessible_intellectual=True)
        )

    def filter_children(self, queryset: QuerySet[Event], name: str, value: bool):
        if not value:
            return queryset
        return queryset.filter(
            Q(age_min__lte=CHILDREN_MAX_AGE) | mentions_public(Public.CHILDREN.value)
        )
