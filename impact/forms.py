"""The managers' observation and questionnaire forms, and the public questionnaire."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.honeypot import HoneypotForm
from events.forms import date_input
from events.models import Public
from impact import services
from impact.models import (
    EFFECT_TYPES,
    Indicator,
    Level,
    Observation,
    Occasion,
    Questionnaire,
    Status,
    Valence,
    indicators_of,
)
from sites.filters import INVALID_CHOICE, search_options

ALL_EFFECTS = [(value, label) for choices in EFFECT_TYPES.values() for value, label in choices]


class LinkedRadioSelect(forms.RadioSelect):
    """A group of radios whose error, in the error summary, links its first option: Django
    gives the group itself no id to link."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


class LinkedCheckboxes(forms.CheckboxSelectMultiple):
    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


class EffectCheckboxes(forms.CheckboxSelectMultiple):
    """Rendered by hand, grouped by indicator, each box's id made of its value
    (id_effects_rencontres): the error summary links the first."""

    def id_for_label(self, id_, index=None):
        return f"{id_}_{ALL_EFFECTS[0][0]}" if id_ and index is None else ""


class _EvidenceLink:
    def __init__(self, url: str, label: str) -> None:
        self.url, self.label = url, label

    def __str__(self) -> str:
        return str(self.label)


class EvidenceFileInput(forms.ClearableFileInput):
    """The current evidence file links the view that checks access: a private file has no URL
    of its own."""

    link: _EvidenceLink | None = None

    def is_initial(self, value) -> bool:
        return bool(value) and self.link is not None

    def format_value(self, value):
        return self.link if self.is_initial(value) else None


class ObservationForm(forms.ModelForm):
    """Every indicator's effect types are offered, grouped by indicator (a page that works
    without JavaScript cannot show only the chosen indicator's); Observation.clean refuses the
    effects of another indicator."""

    effects = forms.MultipleChoiceField(
        label=_("Types d'effets"),
        choices=ALL_EFFECTS,
        required=False,
        widget=EffectCheckboxes,
        help_text=_("Cochez seulement ceux de l'indicateur choisi."),
    )
    occasions = forms.MultipleChoiceField(
        label=_("Occasions"),
        choices=Occasion.choices,
        required=False,
        widget=LinkedCheckboxes,
    )
    intensity = forms.TypedChoiceField(
        label=_("Intensité"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=LinkedRadioSelect,
        help_text=_("De 1 (faible) à 5 (très forte)."),
    )

    class Meta:
        model = Observation
        fields = [
            "indicator",
            "valence",
            "intensity",
            "effects",
            "publics",
            "occasions",
            "frequency",
            "narrative",
            "keywords",
            "quote",
            "quote_role",
            "period_start",
            "period_end",
            "people_count",
            "actions_count",
            "evidence",
            "evidence_file",
            "evidence_url",
            "events",
            "structures",
        ]
        widgets = {
            "valence": LinkedRadioSelect,
            "narrative": forms.Textarea(attrs={"rows": 6}),
            "quote": forms.Textarea(attrs={"rows": 3}),
            "period_start": date_input(),
            "period_end": date_input(),
            "events": LinkedCheckboxes,
            "structures": LinkedCheckboxes,
            "evidence_file": EvidenceFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        }

    def __init__(self, *args, site, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.site = site
        self.fields["events"].queryset = services.linkable_events(site.pk)
        self.fields["structures"].queryset = services.linkable_structures(site.pk)
        self.fields["indicator"].choices = indicator_choices(blank=True)
        self.fields["publics"].widget = LinkedCheckboxes(choices=self.fields["publics"].choices)
        self.fields["publics"].label = _("Publics concernés")
        # A site without events (or without structures) has nothing to link: no empty group.
        for name in ("events", "structures"):
            if not self.fields[name].queryset.exists():
                del self.fields[name]
        if self.instance.pk and self.instance.evidence_file:
            self.fields["evidence_file"].widget.link = _EvidenceLink(
                reverse("impact_manager:observation_evidence", args=[self.instance.pk]),
                _("Fichier de preuve actuel"),
            )

    def effect_groups(self) -> list[dict]:
        """The effect checkboxes by indicator, each group with its own legend."""
        checked = {str(value) for value in (self["effects"].value() or [])}
        groups = []
        for indicator in Indicator:
            groups.append(
                {
                    "label": indicator.label,
                    "indicator": indicator.value,
                    "choices": [
                        {
                            "value": value,
                            "label": label,
                            "checked": value in checked,
                            "id": f"id_effects_{value}",
                        }
                        for value, label in EFFECT_TYPES[indicator]
                    ],
                }
            )
        return groups


def indicator_choices(*, blank: bool = False) -> list:
    """The twelve indicators grouped by level (an <optgroup> per level)."""
    grouped = [
        (Level(level).label, [(i, Indicator(i).label) for i in indicators_of(level)])
        for level in Level
    ]
    return [("", "---------"), *grouped] if blank else grouped


def _filter_choice(label, choices) -> forms.ChoiceField:
    """One of the list's choice filters: "Tous" first, a refused value reported in French."""
    return forms.ChoiceField(
        label=label,
        choices=[("", _("Tous")), *choices],
        required=False,
        error_messages={"invalid_choice": INVALID_CHOICE},
    )


class ObservationFilterForm(forms.Form):
    """The list's filters (?niveau=, ?indicateur=, ?statut=, ?effet=, ?q=); a value the form
    refuses is reported in French and left out, the valid filters still apply."""

    niveau = _filter_choice(_("Niveau"), Level.choices)
    indicateur = _filter_choice(_("Indicateur"), indicator_choices())
    statut = _filter_choice(_("Statut"), Status.choices)
    effet = _filter_choice(_("Effet"), Valence.choices)
    # One site's observations only: searching their texts reads no other site's rows.
    q = forms.CharField(required=False, **search_options(_("Récit, mots-clés ou citation")))

    def values(self) -> dict:
        """The filters that read well and are set; a refused one is left out (and reported
        by the form's errors)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: value.strip() if isinstance(value, str) else value
            for name, value in self.cleaned_data.items()
            if value and (not isinstance(value, str) or value.strip())
        }

    def filter(self, observations):
        data = self.values()
        if "niveau" in data:
            observations = observations.filter(indicator__in=indicators_of(data["niveau"]))
        if "indicateur" in data:
            observations = observations.filter(indicator=data["indicateur"])
        if "statut" in data:
            observations = observations.filter(status=data["statut"])
        if "effet" in data:
            observations = observations.filter(valence=data["effet"])
        if "q" in data:
            text = data["q"]
            observations = observations.filter(
                Q(narrative__icontains=text)
                | Q(keywords__icontains=text)
                | Q(quote__icontains=text)
            )
        return observations


class QuestionnaireForm(forms.ModelForm):
    class Meta:
        model = Questionnaire
        fields = ["is_open", "introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "introduction": _("Quelques lignes en tête du questionnaire : pourquoi vous le menez."),
        }


# --- The public questionnaire ---------------------------------------------------------------

# Who may answer: the publics of the sector's framework (DOMAIN.md).
RESPONDENT_PUBLICS = [
    Public.OCCUPANTS,
    Public.SITE_WORKERS,
    Public.VISITORS,
    Public.NEIGHBOURS,
    Public.LOCAL_ACTORS,
    Public.VOLUNTEERS,
    Public.STUDENTS,
    Public.PRECARIOUS,
]

INTENSITY_CHOICES = [
    (1, _("1 — faible")),
    (2, _("2")),
    (3, _("3 — moyenne")),
    (4, _("4")),
    (5, _("5 — très forte")),
]


class QuestionnaireAnswerForm(HoneypotForm):
    """Who answers, then for each of the twelve indicators (all optional): the effect
    observed, its intensity, a short text and a quote. An indicator with any field filled in
    must have its effect, intensity and text. Anyone may send it: it carries the robots' trap
    (core.honeypot)."""

    public = forms.ChoiceField(
        label=_("Vous êtes"),
        choices=[("", _("Choisissez…"))] + [(p.value, p.label) for p in RESPONDENT_PUBLICS],
    )

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for indicator in Indicator:
            self.fields[f"{indicator}-valence"] = forms.ChoiceField(
                label=_("Effet observé"),
                choices=Valence.choices,
                required=False,
                widget=LinkedRadioSelect,
            )
            self.fields[f"{indicator}-intensity"] = forms.TypedChoiceField(
                label=_("Intensité"),
                choices=INTENSITY_CHOICES,
                coerce=int,
                required=False,
                widget=LinkedRadioSelect,
            )
            self.fields[f"{indicator}-text"] = forms.CharField(
                label=_("Ce que vous avez observé, en quelques mots"),
                max_length=1000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"{indicator}-quote"] = forms.CharField(
                label=_("Une phrase entendue, à citer (facultatif)"),
                max_length=500,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Sans nom : seul votre rôle sera indiqué."),
            )
        if user is not None and user.is_authenticated:
            self.fields["attach_account"] = forms.BooleanField(
                label=_("Joindre mon compte à ma réponse (sinon elle reste anonyme)"),
                required=False,
            )

    def indicator_groups(self) -> list[dict]:
        """The indicators' fields by level, for the template."""
        groups = []
        for level in Level:
            items = []
            for indicator in indicators_of(level):
                fields = [self[f"{indicator}-{part}"] for part in ("valence", "intensity")]
                texts = [self[f"{indicator}-{part}"] for part in ("text", "quote")]
                answered = any(field.value() for field in fields + texts)
                has_errors = any(field.errors for field in fields + texts)
                items.append(
                    {
                        "indicator": indicator,
                        "label": Indicator(indicator).label,
                        "valence": fields[0],
                        "intensity": fields[1],
                        "text": texts[0],
                        "quote": texts[1],
                        "open": answered or has_errors,
                    }
                )
            groups.append({"level": level, "label": Level(level).label, "items": items})
        return groups

    def clean(self):
        data = super().clean()
        answers = []
        for indicator in Indicator:
            names = {part: f"{indicator}-{part}" for part in ("valence", "intensity", "text")}
            quote = (data.get(f"{indicator}-quote") or "").strip()
            values = {part: data.get(name) for part, name in names.items()}
            if isinstance(values["text"], str):
                values["text"] = values["text"].strip()
            if not any(values.values()) and not quote:
                continue
            missing = False
            for part, message in (
                ("valence", _("Dites si l'effet est positif, négatif ou mitigé.")),
                ("intensity", _("Choisissez une intensité de 1 à 5.")),
                ("text", _("Décrivez en quelques mots ce que vous avez observé.")),
            ):
                if not values[part] and names[part] not in self.errors:
                    self.add_error(names[part], message)
                    missing = True
            if not missing and not any(f"{indicator}-" in name for name in self.errors):
                answers.append(
                    services.Answer(
                        indicator=indicator.value,
                        valence=values["valence"],
                        intensity=values["intensity"],
                        text=values["text"],
                        quote=quote,
                    )
                )
        if not answers and not self.errors:
            raise forms.ValidationError(
                _("Répondez pour au moins un indicateur : aucun n'a été rempli."), code="empty"
            )
        data["answers"] = answers
        return data
