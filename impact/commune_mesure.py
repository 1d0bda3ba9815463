"""A report as a place record in Commune Mesure's format, and such a record read back.

Commune Mesure (Plateau Urbain's observatory of temporary occupations) stores a place as one
JSON document: ``docs/exemple_lieu.json`` and
``app/Console/Commands/ImportTypeFormSocialImpact.php`` of its public repository give its
structure. What this module maps:

- ``name``, ``address.{address,postalcode,city}``, ``blocs.data_territoire.donnees.geo.{lat,lon}``
  ↔ the site;
- ``blocs.impact_social.donnees``: one text per indicator (``lien_social``, ``sante_bien_être``…)
  with its effect types (``solidarite_type``…), publics (``solidarite_public``…, and
  ``impact_social_public`` for all), occasions and frequency (``impact_social_occasion``,
  ``impact_social_frequence``), counts (``insertion_professionnelle_nb_personnes``,
  ``capacite_agir_nombre``), keywords per level (``mots_cles_effets_*``), the intensity 1–5 of
  each level (``intensite_effets_*``, shown there as "+" marks: "++++" is 4) and the gender
  balance (``egalite_homme_femme_{gestion,dirigeants,occupants,public}``) ↔ the report's
  intensities and gender shares, and one observation per indicator;
- the numbers of ``presentation``, ``moyens``, ``composition`` and ``evenements`` ↔ the computed
  figures on export; on import, where the platform did not compute them, declared figures
  with Commune Mesure as their source.

What Commune Mesure's format has no place for (the report's period, title and method, declared
figures with their own source, several observations per indicator with their valence, quote
and evidence) travels under the top-level key ``interstices``, which Commune Mesure ignores, so
that a record exported here is read back unchanged.

Reading never drops a field silently: every leaf that nothing placed is listed.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Organisation
from events.models.agenda import Public
from impact.models import (
    EFFECT_TYPES,
    INDICATOR_LEVEL,
    DeclaredFigure,
    Frequency,
    ImpactReport,
    Indicator,
    Level,
    Observation,
    Occasion,
    Status,
)
from occupants.models import departement_from_postal_code
from sites.models import Site

SOURCE = "Commune Mesure"
EXTENSION = "interstices"

# The key of each indicator's text in blocs.impact_social.donnees.
TEXT_KEYS: dict[str, str] = {
    Indicator.SOCIAL_TIES: "lien_social",
    Indicator.HEALTH: "sante_bien_être",
    Indicator.EMPLOYMENT: "insertion_professionnelle",
    Indicator.AGENCY: "capacite_agir",
    Indicator.SOLIDARITY: "solidarite",
    Indicator.NETWORKS: "reseaux",
    Indicator.BELONGING: "appartenance_exclusion",
    Indicator.GENDER_EQUALITY: "egalite_homme_femme",
    Indicator.LIVING_ENVIRONMENT: "cadre_de_vie",
    Indicator.UPKEEP: "entretien_des_espaces",
    Indicator.PUBLIC_SERVICES: "services_publics",
    Indicator.PUBLIC_INNOVATION: "innovation_publique",
}
# The key of each indicator's list of effect types (labels).
EFFECT_KEYS: dict[str, str] = {
    Indicator.HEALTH: "sante_effet",
    Indicator.EMPLOYMENT: "insertion_professionnelle_effets",
    Indicator.AGENCY: "capacite_agir_porte",
    Indicator.SOLIDARITY: "solidarite_type",
    Indicator.NETWORKS: "reseaux_type",
    Indicator.BELONGING: "appartenance_exclusion_type",
    Indicator.LIVING_ENVIRONMENT: "cadre_de_vie_type",
    Indicator.UPKEEP: "entretien_des_espaces_effets_positif_type",
    Indicator.PUBLIC_SERVICES: "services_publics_gestion",
    Indicator.PUBLIC_INNOVATION: "innovation_publique_type",
}
PUBLIC_KEYS: dict[str, str] = {
    Indicator.SOLIDARITY: "solidarite_public",
    Indicator.NETWORKS: "reseaux_public",
}
PEOPLE_KEYS = {Indicator.EMPLOYMENT: "insertion_professionnelle_nb_personnes"}
ACTION_KEYS = {Indicator.AGENCY: "capacite_agir_nombre"}
INTENSITY_KEYS = {
    Level.INDIVIDUAL: "intensite_effets_individuels",
    Level.COLLECTIVE: "intensite_effets_collectifs",
    Level.TERRITORIAL: "intensite_effets_territoriaux",
}
KEYWORD_KEYS = {
    Level.INDIVIDUAL: "mots_cles_effets_individuels",
    Level.COLLECTIVE: "mots_cles_effets_collectifs",
}
GENDER_KEYS = {
    "women_management": "egalite_homme_femme_gestion",
    "women_leaders": "egalite_homme_femme_dirigeants",
    "women_occupants": "egalite_homme_femme_occupants",
    "women_publics": "egalite_homme_femme_public",
}
# Commune Mesure's own names for publics, besides the platform's labels.
PUBLIC_ALIASES = {
    "personnes travaillant sur le site": Public.SITE_WORKERS,
    "personnes habitant sur le site": Public.OCCUPANTS,
    "personnes visitant le site": Public.VISITORS,
    "etudiants": Public.STUDENTS,
    "enfants": Public.CHILDREN,
    "famille": Public.FAMILIES,
    "personnes agees": Public.SENIORS,
    "handicapes": Public.DISABLED,
    "chercheurs d'emplois": Public.PRECARIOUS,
    "habitants du quartier": Public.NEIGHBOURS,
    "riverains": Public.NEIGHBOURS,
}

# The numbers of the record, by path: (label of the declared figure, unit). The labels are
# the figures' French names (stored as such, like the computed figures' labels).
NUMBER_FIELDS: dict[tuple[str, ...], tuple[str, str]] = {
    ("blocs", "presentation", "donnees", "nombre_occupants"): ("Occupant·e·s", "structures"),
    ("blocs", "presentation", "donnees", "nb_manager"): ("Équipe de gestion", "personnes"),
    ("blocs", "presentation", "donnees", "surface"): ("Surface du lieu", "m²"),
    ("blocs", "presentation", "donnees", "emplois directs"): ("Emplois directs", "emplois"),
    ("blocs", "moyens", "donnees", "benevoles"): ("Bénévoles", "personnes"),
    ("blocs", "moyens", "donnees", "partenaires"): ("Partenaires", "partenaires"),
    ("blocs", "moyens", "donnees", "investissement", "Fonds publics"): (
        "Investissement : fonds publics",
        "",
    ),
    ("blocs", "moyens", "donnees", "investissement", "Fonds privés"): (
        "Investissement : fonds privés",
        "",
    ),
    ("blocs", "moyens", "donnees", "investissement", "Fonds apportés"): (
        "Investissement : fonds apportés",
        "",
    ),
    ("blocs", "moyens", "donnees", "fonctionnement", "Aides publiques"): (
        "Fonctionnement : aides publiques",
        "",
    ),
    ("blocs", "moyens", "donnees", "fonctionnement", "Aides privées"): (
        "Fonctionnement : aides privées",
        "",
    ),
    ("blocs", "moyens", "donnees", "fonctionnement", "Autres Subventions"): (
        "Fonctionnement : autres subventions",
        "",
    ),
    ("blocs", "moyens", "donnees", "fonctionnement", "Recettes"): (
        "Fonctionnement : recettes",
        "",
    ),
    ("blocs", "composition", "donnees", "type", "Entreprises"): ("Entreprises", "structures"),
    ("blocs", "composition", "donnees", "type", "Associations"): ("Associations", "structures"),
    ("blocs", "composition", "donnees", "type", "Artistes"): ("Artistes", "structures"),
    ("blocs", "composition", "donnees", "type", "Autres structures"): (
        "Autres structures",
        "structures",
    ),
    ("blocs", "composition", "donnees", "structures_crees"): ("Structures créées", "structures"),
    ("evenements", "publics", "nombre"): ("Événements publics", "événements"),
    ("evenements", "publics", "personnes accueillies"): (
        "Personnes accueillies aux événements publics",
        "personnes",
    ),
    ("evenements", "prives", "nombre"): ("Événements privés", "événements"),
    ("evenements", "prives", "personnes accueillies"): (
        "Personnes accueillies aux événements privés",
        "personnes",
    ),
}
# Never read: the person who filled Commune Mesure's form.
PERSONAL = ("creator",)

LEGAL_FORM_TYPES = {
    "entreprise": "Entreprises",
    "cooperative": "Entreprises",
    "association": "Associations",
    "collectif": "Associations",
    "artiste": "Artistes",
}
INVESTMENT_KEYS = {
    "public": "Fonds publics",
    "prive": "Fonds privés",
    "participatif": "Fonds privés",
    "fonds_propres": "Fonds apportés",
}
OPERATING_KEYS = {
    "public": "Aides publiques",
    "prive": "Aides privées",
    "participatif": "Aides privées",
    "fonds_propres": "Recettes",
}


class RecordError(Exception):
    """A record that cannot be read: the message says why, in French."""


# --- Writing --------------------------------------------------------------------------------


def _number(value: Any) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        value = float(value)
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _labels(choices: list[tuple[str, Any]], values: list[str]) -> list[str]:
    labels = dict(choices)
    return [str(labels[value]) for value in values if value in labels]


def place_record(report: ImpactReport, figures: dict, observations: list[Observation]) -> dict:
    """The report as a Commune Mesure place record (a dict ready for json.dumps). Its labels
    are French whatever the reader's language: Commune Mesure's, and what the import reads."""
    with translation.override("fr"):
        return _place_record(report, figures, observations)


def _place_record(report: ImpactReport, figures: dict, observations: list[Observation]) -> dict:
    site = report.site
    by_indicator: dict[str, list[Observation]] = {}
    for observation in observations:
        by_indicator.setdefault(observation.indicator, []).append(observation)

    social: dict[str, Any] = {}
    for indicator, key in TEXT_KEYS.items():
        found = by_indicator.get(indicator, [])
        if not found:
            continue
        social[key] = "\n\n".join(observation.narrative for observation in found)
        if indicator in EFFECT_KEYS:
            effects = [value for observation in found for value in observation.effects]
            social[EFFECT_KEYS[indicator]] = _labels(
                EFFECT_TYPES[indicator], list(dict.fromkeys(effects))
            )
        if indicator in PUBLIC_KEYS:
            publics = [value for observation in found for value in observation.publics]
            social[PUBLIC_KEYS[indicator]] = _labels(Public.choices, list(dict.fromkeys(publics)))
        for keys, attribute in ((PEOPLE_KEYS, "people_count"), (ACTION_KEYS, "actions_count")):
            counts = [getattr(o, attribute) for o in found if getattr(o, attribute) is not None]
            if indicator in keys and counts:
                social[keys[indicator]] = sum(counts)
    for level, key in INTENSITY_KEYS.items():
        intensity = getattr(report, f"intensity_{_level_field(level)}")
        if intensity is not None:
            social[key] = intensity
    for attribute, key in GENDER_KEYS.items():
        share = getattr(report, attribute)
        if share is not None:
            social[key] = [f"{share} % de femmes"]
    all_publics = list(dict.fromkeys(v for o in observations for v in o.publics))
    occasions = list(dict.fromkeys(v for o in observations for v in o.occasions))
    frequencies = list(dict.fromkeys(o.frequency for o in observations if o.frequency))
    if all_publics:
        social["impact_social_public"] = _labels(Public.choices, all_publics)
    if occasions:
        social["impact_social_occasion"] = _labels(Occasion.choices, occasions)
    if frequencies:
        social["impact_social_frequence"] = _labels(Frequency.choices, frequencies)

    structures, funding, events = figures["structures"], figures["funding"], figures["events"]
    composition = {"Entreprises": 0, "Associations": 0, "Artistes": 0, "Autres structures": 0}
    for row in structures["by_legal_form"]:
        composition[LEGAL_FORM_TYPES.get(row["key"], "Autres structures")] += row["count"]
    investment = dict.fromkeys(("Fonds publics", "Fonds privés", "Fonds apportés"), 0)
    operating = dict.fromkeys(
        ("Autres Subventions", "Aides privées", "Aides publiques", "Recettes"), 0
    )
    for item in funding["items"]:
        if item["nature"] == "investissement":
            investment[INVESTMENT_KEYS.get(item["source"], "Fonds publics")] += item["amount"]
        else:
            operating[OPERATING_KEYS.get(item["source"], "Autres Subventions")] += item["amount"]
    funders = {item["funder"] for item in funding["items"]}

    presentation = {
        "idee_fondatrice": site.summary,
        "nombre_occupants": structures["count"],
        "date_ouverture": site.occupancy_start.isoformat() if site.occupancy_start else None,
        "surface": _number(figures["site"]["total_surface"]),
    }
    return {
        "name": site.name,
        "status": [],
        "publish": report.is_published,
        "tags": [],
        "address": {
            "address": site.address,
            "postalcode": site.postal_code,
            "city": site.commune,
        },
        "blocs": {
            "presentation": {"visible": 1, "donnees": presentation},
            "moyens": {
                "visible": 1,
                "donnees": {
                    "investissement": {k: _number(v) for k, v in investment.items()},
                    "fonctionnement": {k: _number(v) for k, v in operating.items()},
                    "partenaires": len(funders),
                },
            },
            "composition": {"visible": 1, "donnees": {"type": composition}},
            "impact_social": {"visible": 1, "donnees": social},
            "data_territoire": {
                "visible": 1,
                "donnees": {"geo": {"lat": float(site.latitude), "lon": float(site.longitude)}},
            },
        },
        "evenements": {
            "publics": {"nombre": events["count"], "personnes accueillies": events["attendance"]},
        },
        EXTENSION: {
            "version": 1,
            "lieu": site.slug,
            "rapport": {
                "adresse": report.slug,
                "titre": report.title,
                "resume": report.summary,
                "debut": report.period_start.isoformat(),
                "fin": report.period_end.isoformat(),
                "methode": report.methods,
            },
            "chiffres_declares": [
                {
                    "intitule": figure.label,
                    "valeur": _number(figure.value),
                    "unite": figure.unit,
                    "source": figure.source,
                }
                for figure in report.declared_figures.all()
            ],
            "observations": [_observation_record(o) for o in observations],
        },
    }


def _level_field(level: str) -> str:
    return {
        Level.INDIVIDUAL: "individual",
        Level.COLLECTIVE: "collective",
        Level.TERRITORIAL: "territorial",
    }[level]


OBSERVATION_FIELDS = (
    "indicator",
    "valence",
    "intensity",
    "publics",
    "effects",
    "occasions",
    "frequency",
    "narrative",
    "keywords",
    "quote",
    "quote_role",
    "evidence",
    "evidence_url",
    "people_count",
    "actions_count",
)


def _observation_record(observation: Observation) -> dict:
    record = {name: getattr(observation, name) for name in OBSERVATION_FIELDS}
    record["period_start"] = observation.period_start.isoformat()
    record["period_end"] = observation.period_end.isoformat()
    return record


def record_json(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, indent=2)


# --- Reading --------------------------------------------------------------------------------


def parse_number(value: Any) -> int | Decimal | None:
    """ "313" → 313, "1 250,5" → Decimal("1250.5"), 12 → 12; None for what holds no number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = value.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    text = text.removesuffix("€").removesuffix("%").removesuffix("m²").replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return int(number) if number == number.to_integral_value() else number


def parse_intensity(value: Any) -> int | None:
    """1–5 from a number, a string holding one, or Commune Mesure's "+" marks ("++++" → 4)."""
    if isinstance(value, str) and value.strip() and set(value.strip()) == {"+"}:
        number = len(value.strip())
    else:
        number = parse_number(value)
    if isinstance(number, int) and 1 <= number <= 5:
        return number
    return None


def _plain(text: str) -> str:
    """Lower case, no accents, no parenthesised remark, single spaces: for matching labels."""
    text = re.sub(r"\([^)]*\)", "", str(text))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace("’", "'").split())


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None


class Reader:
    """Walks a record, remembering which leaves were placed; what remains is listed."""

    def __init__(self, record: dict) -> None:
        self.record = record
        self.used: set[tuple[str, ...]] = set()
        self.notes: list[str] = []

    def get(self, *path: str, default: Any = None) -> Any:
        node: Any = self.record
        for key in path:
            if not isinstance(node, dict) or key not in node:
                return default
            node = node[key]
        self.used.add(path)
        return node

    def skip(self, *path: str) -> None:
        """Marks a field read, though it makes nothing (its meaning is said in a note)."""
        self.used.add(path)

    def unplaced(self) -> list[str]:
        lines: list[str] = []

        def walk(node: Any, path: tuple[str, ...]) -> None:
            if any(path[: len(used)] == used for used in self.used):
                return
            if isinstance(node, dict) and node:
                # "visible" is Commune Mesure's display switch of a bloc: nothing to place.
                if any(used[: len(path)] == path for used in self.used) or len(path) < 3:
                    for key, child in node.items():
                        if key != "visible":
                            walk(child, (*path, key))
                    return
                lines.append(f"{'.'.join(path)} ({_count(node)} champs)")
                return
            if node not in ("", None, [], {}):  # an empty field holds nothing to place
                lines.append(f"{'.'.join(path)} = {_short(node)}")

        walk(self.record, ())
        return lines


def _count(node: Any) -> int:
    if isinstance(node, dict):
        return sum(_count(child) for child in node.values()) or 1
    return 1


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


@dataclass
class ImportResult:
    site: Site
    report: ImpactReport
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def load_record(text: str | bytes) -> dict:
    try:
        record = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise RecordError(
            _("Ce fichier n'est pas du JSON valide : %(error)s") % {"error": error}
        ) from None
    if not isinstance(record, dict) or not isinstance(record.get("name"), str):
        raise RecordError(
            _("Ce fichier n'est pas une fiche de lieu de Commune Mesure (il lui manque « name »).")
        )
    return record


def _save(instance, result: ImportResult, what: str, changes: dict | None = None) -> None:
    """Creates the row, or updates the fields that differ; says which."""
    if instance.pk is None:
        instance.full_clean()
        instance.save()
        result.created.append(what)
        return
    differing = {k: v for k, v in (changes or {}).items() if getattr(instance, k) != v}
    if differing:
        for name, value in differing.items():
            setattr(instance, name, value)
        instance.full_clean()
        instance.save(update_fields=[*differing, *_auto_now(instance)])
        result.updated.append(f"{what} ({', '.join(differing)})")


def _auto_now(instance) -> list[str]:
    return [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]


def place_import(
    *, record: dict, site_slug: str = "", start: date | None = None, end: date | None = None
) -> ImportResult:
    """Reads a place record into a site (found or created), a report, its declared figures
    and its observations, all or nothing. Matching on stable keys (the site's slug, the report's
    period, a declared figure's label, an observation's indicator, period and text) makes a
    second run change nothing."""
    reader = Reader(record)
    try:
        with transaction.atomic():
            return _import(reader, site_slug=site_slug, start=start, end=end)
    except ValidationError as error:
        messages = (
            "; ".join(f"{name}: {' '.join(errors)}" for name, errors in error.message_dict.items())
            if hasattr(error, "error_dict")
            else " ".join(error.messages)
        )
        raise RecordError(
            _("Fiche refusée, rien n'a été enregistré : %(errors)s") % {"errors": messages}
        ) from error
    except (TypeError, AttributeError, ArithmeticError) as error:
        # A field of an unexpected type (a number where a list was due…), however deep.
        raise RecordError(
            _(
                "Fiche illisible, rien n'a été enregistré : un champ n'a pas le type "
                "attendu (%(error)s)."
            )
            % {"error": error}
        ) from error


def _import(reader: Reader, *, site_slug: str, start, end) -> ImportResult:
    ours = reader.get(EXTENSION) or {}
    if not isinstance(ours, dict):
        raise RecordError(_("« %(key)s » doit être un objet.") % {"key": EXTENSION})
    report_data = ours.get("rapport") if isinstance(ours.get("rapport"), dict) else {}
    known_keys = {"version", "lieu", "rapport", "chiffres_declares", "observations"}
    extra_keys = sorted(set(ours) - known_keys)

    site = _site(reader, site_slug or ours.get("lieu") or "")
    result = ImportResult(site=site, report=None)  # type: ignore[arg-type]
    result.unplaced += [f"{EXTENSION}.{name} = {_short(ours[name])}" for name in extra_keys]
    if site.pk is None:
        _save(site, result, _("lieu « %(name)s »") % {"name": site.name})
        result.notes.append(
            _(
                "Le lieu créé n'est pas publié et n'a pas encore de responsable : "
                "complétez-le dans l'administration."
            )
        )

    opening = _date(reader.get("blocs", "presentation", "donnees", "date_ouverture"))
    idea = reader.get("blocs", "presentation", "donnees", "idee_fondatrice")
    if reader.get("publish") is not None:
        result.notes.append(
            _("« publish » : la publication se décide ici, le rapport importé reste un brouillon.")
        )
    start = start or _date(report_data.get("debut")) or opening
    end = end or _date(report_data.get("fin"))
    if start is None or end is None:
        raise RecordError(
            _(
                "La fiche ne dit pas la période du rapport : indiquez-la avec --debut et --fin "
                "(AAAA-MM-JJ)."
            )
        )
    if end < start:
        raise RecordError(_("La fin de la période précède son début."))

    social = reader.get("blocs", "impact_social", "donnees") or {}
    if not isinstance(social, dict):
        raise RecordError(_("« blocs.impact_social.donnees » doit être un objet."))
    social_used: set[str] = set()

    report = ImpactReport.objects.filter(
        site=site, period_start=start, period_end=end
    ).first() or ImpactReport(site=site, period_start=start, period_end=end)
    values: dict[str, Any] = {
        "title": str(report_data.get("titre") or "")[:160]
        or _("Rapport d'impact %(year)s") % {"year": end.year},
        "summary": str(report_data.get("resume") or (idea if isinstance(idea, str) else "")),
        "methods": str(report_data.get("methode") or "") or _("Fiche importée de Commune Mesure."),
    }
    slug = slugify(str(report_data.get("adresse") or ""))[:80] or f"impact-{start:%Y%m}-{end:%Y%m}"
    for level, key in INTENSITY_KEYS.items():
        if key in social:
            social_used.add(key)
            intensity = parse_intensity(social[key])
            if intensity is None and social[key] not in ("", None):
                reader.notes.append(
                    _("Intensité illisible pour %(key)s : %(value)s")
                    % {"key": key, "value": _short(social[key])}
                )
            values[f"intensity_{_level_field(level)}"] = intensity
    for attribute, key in GENDER_KEYS.items():
        if key not in social:
            continue
        answer = social[key][0] if isinstance(social[key], list) and social[key] else social[key]
        share = parse_number(re.sub(r"%.*", "", answer) if isinstance(answer, str) else answer)
        if isinstance(share, int) and 0 <= share <= 100:
            social_used.add(key)
            values[attribute] = share
    if report.pk is None:
        report.slug = slug
        for name, value in values.items():
            setattr(report, name, value)
        _save(report, result, _("rapport « %(title)s »") % {"title": values["title"]})
    elif report.is_published:
        result.notes.append(
            _("Le rapport « %(title)s » est publié : il ne change plus, ni ses chiffres déclarés.")
            % {"title": report.title}
        )
    else:
        _save(report, result, _("rapport « %(title)s »") % {"title": report.title}, values)
    result.report = report

    if not report.is_published:
        _declared_figures(reader, ours, report, result)
    _observations(reader, ours, social, social_used, site, start, end, result)
    reader.skip("blocs", "impact_social", "donnees")
    for key, value in social.items():
        if key not in social_used:
            result.unplaced.append(f"blocs.impact_social.donnees.{key} = {_short(value)}")

    for path in PERSONAL:
        if path in reader.record:
            reader.skip(path)
            result.notes.append(
                _("« %(key)s » n'est pas lu : ce sont des données personnelles.") % {"key": path}
            )
    result.notes += reader.notes
    result.unplaced = reader.unplaced() + result.unplaced
    return result


def _site(reader: Reader, slug: str) -> Site:
    name = reader.get("name").strip()[:200]
    slug = slugify(slug) or slugify(name)[:200]
    site = Site.objects.filter(slug=slug).first()
    if site is not None:
        reader.skip("address")
        reader.skip("blocs", "data_territoire", "donnees", "geo", "lat")
        reader.skip("blocs", "data_territoire", "donnees", "geo", "lon")
        return site
    postal_code = str(reader.get("address", "postalcode") or "").strip()
    lat = parse_number(reader.get("blocs", "data_territoire", "donnees", "geo", "lat"))
    lon = parse_number(reader.get("blocs", "data_territoire", "donnees", "geo", "lon"))
    if lat is None or lon is None:
        raise RecordError(
            _("Le lieu « %(name)s » n'existe pas et la fiche ne donne pas sa position.")
            % {"name": name}
        )
    # A place of Commune Mesure is run by its own collective: it owns and runs the new site.
    organisation = Organisation.objects.filter(slug=slug).first() or Organisation(
        name=name, slug=slug, kind=Organisation.Kind.OPERATOR
    )
    if organisation.pk is None:
        organisation.full_clean()
        organisation.save()
    return Site(
        name=name,
        slug=slug,
        owner=organisation,
        operator=organisation,
        address=str(reader.get("address", "address") or "")[:255],
        postal_code=postal_code,
        commune=str(reader.get("address", "city") or "")[:120],
        departement=departement_from_postal_code(postal_code) if postal_code else "",
        latitude=Decimal(str(lat)).quantize(Decimal("0.000001")),
        longitude=Decimal(str(lon)).quantize(Decimal("0.000001")),
        occupancy_start=_date(reader.get("blocs", "presentation", "donnees", "date_ouverture")),
        summary=str(reader.get("blocs", "presentation", "donnees", "idee_fondatrice") or "")[:300],
        published=False,
    )


def _declared_figures(reader: Reader, ours: dict, report, result: ImportResult) -> None:
    existing = {figure.label: figure for figure in report.declared_figures.all()}
    wanted: list[dict] = []
    if "chiffres_declares" in ours:
        if not isinstance(ours["chiffres_declares"], list):
            raise RecordError(_("« chiffres_declares » doit être une liste."))
        for item in ours["chiffres_declares"]:
            if not isinstance(item, dict):
                raise RecordError(_("Chaque chiffre déclaré doit être un objet."))
            value = parse_number(item.get("valeur"))
            if value is None:
                raise RecordError(
                    _("Le chiffre déclaré « %(label)s » n'a pas de valeur numérique.")
                    % {"label": item.get("intitule", "?")}
                )
            wanted.append(
                {
                    "label": str(item.get("intitule") or "")[:200],
                    "value": Decimal(value),
                    "unit": str(item.get("unite") or "")[:30],
                    "source": str(item.get("source") or SOURCE)[:300],
                }
            )
    if "observations" in ours or "rapport" in ours:
        # A record written here: its blocs' numbers are the platform's computed figures,
        # which are never declared.
        for path in NUMBER_FIELDS:
            if reader.get(*path) is not None:
                reader.notes.append(
                    _("%(path)s : chiffre calculé par la plateforme, non déclaré.")
                    % {"path": ".".join(path)}
                )
    else:
        for path, (label, unit) in NUMBER_FIELDS.items():
            raw = reader.get(*path)
            if raw is None:
                continue
            value = parse_number(raw)
            if value is None:
                reader.used.discard(path)  # listed as unplaced
                continue
            wanted.append({"label": label, "value": Decimal(value), "unit": unit, "source": SOURCE})
    for position, values in enumerate(wanted):
        figure = existing.get(values["label"]) or DeclaredFigure(
            report=report, position=position, **values
        )
        _save(figure, result, _("chiffre déclaré « %(label)s »") % values, values)


def _match(labels: Any, choices: dict[str, str], where: str, unplaced: list[str]) -> list[str]:
    """Values of the choices whose labels are listed; the others are reported unplaced. The
    choices' labels are French (choices_fr), whatever language the command runs in."""
    if isinstance(labels, str):
        labels = [labels] if labels.strip() else []
    if not isinstance(labels, list):
        unplaced.append(f"{where} = {_short(labels)}")
        return []
    values = []
    for label in labels:
        value = choices.get(_plain(label)) if isinstance(label, str) else None
        if value is None:
            unplaced.append(f"{where} : « {label} »")
        elif value not in values:
            values.append(value)
    return values


def choices_fr(choices) -> dict[str, str]:
    """Plain French label → value."""
    with translation.override("fr"):
        return {_plain(str(label)): value for value, label in choices}


def _public_choices() -> dict[str, str]:
    choices = choices_fr(Public.choices)
    return choices | {_plain(alias): value for alias, value in PUBLIC_ALIASES.items()}


def _observations(reader, ours, social, social_used, site, start, end, result) -> None:
    existing = list(
        Observation.objects.filter(site=site, period_start__lte=end, period_end__gte=start).only(
            *OBSERVATION_FIELDS, "site", "period_start", "period_end"
        )
    )

    def key(indicator, period_start, period_end, narrative):
        return (indicator, period_start, period_end, narrative.strip())

    known = {key(o.indicator, o.period_start, o.period_end, o.narrative): o for o in existing}
    wanted: list[dict] = []
    if "observations" in ours:
        # The full observations: impact_social only summarises them for Commune Mesure.
        social_used.update(social)
        if not isinstance(ours["observations"], list):
            raise RecordError(_("« observations » doit être une liste."))
        for item in ours["observations"]:
            if not isinstance(item, dict):
                raise RecordError(_("Chaque observation doit être un objet."))
            values = {name: item.get(name) for name in OBSERVATION_FIELDS if name in item}
            values["period_start"] = _date(item.get("period_start")) or start
            values["period_end"] = _date(item.get("period_end")) or end
            for name in ("intensity", "people_count", "actions_count"):
                if name in values and values[name] is not None:
                    values[name] = parse_number(values[name])
            extra = sorted(set(item) - {*OBSERVATION_FIELDS, "period_start", "period_end"})
            result.unplaced += [f"{EXTENSION}.observations[].{name}" for name in extra]
            wanted.append(values)
    else:
        publics = _public_choices()
        common_publics = _match(
            social.get("impact_social_public", []),
            publics,
            "impact_social_public",
            result.unplaced,
        )
        occasions = _match(
            social.get("impact_social_occasion", []),
            choices_fr(Occasion.choices),
            "impact_social_occasion",
            result.unplaced,
        )
        frequency_labels = social.get("impact_social_frequence", [])
        frequencies = _match(
            frequency_labels,
            choices_fr(Frequency.choices),
            "impact_social_frequence",
            result.unplaced,
        )
        social_used.update(
            {"impact_social_public", "impact_social_occasion", "impact_social_frequence"}
        )
        intensities = {
            level: parse_intensity(social.get(key)) for level, key in INTENSITY_KEYS.items()
        }
        for indicator, text_key in TEXT_KEYS.items():
            narrative = social.get(text_key)
            if not isinstance(narrative, str) or not narrative.strip():
                continue
            social_used.add(text_key)
            level = INDICATOR_LEVEL[indicator]
            intensity = intensities[level]
            if intensity is None:
                intensity = 3
                result.notes.append(
                    _("%(key)s : pas d'intensité pour son niveau, 3 sur 5 retenu.")
                    % {"key": text_key}
                )
            values = {
                "indicator": indicator,
                "narrative": narrative.strip()[:5000],
                "intensity": intensity,
                "publics": list(common_publics),
                "occasions": occasions,
                "frequency": frequencies[0] if frequencies else "",
                "period_start": start,
                "period_end": end,
            }
            if indicator in EFFECT_KEYS and EFFECT_KEYS[indicator] in social:
                social_used.add(EFFECT_KEYS[indicator])
                values["effects"] = _match(
                    social[EFFECT_KEYS[indicator]],
                    choices_fr(EFFECT_TYPES[indicator]),
                    EFFECT_KEYS[indicator],
                    result.unplaced,
                )
            if indicator in PUBLIC_KEYS and PUBLIC_KEYS[indicator] in social:
                social_used.add(PUBLIC_KEYS[indicator])
                own = _match(
                    social[PUBLIC_KEYS[indicator]], publics, PUBLIC_KEYS[indicator], result.unplaced
                )
                values["publics"] = list(dict.fromkeys([*own, *common_publics]))
            for keys, name in ((PEOPLE_KEYS, "people_count"), (ACTION_KEYS, "actions_count")):
                if indicator in keys and keys[indicator] in social:
                    number = parse_number(social[keys[indicator]])
                    if isinstance(number, int) and number >= 0:
                        social_used.add(keys[indicator])
                        values[name] = number or None
            if level in KEYWORD_KEYS and isinstance(social.get(KEYWORD_KEYS[level]), str | list):
                words = social[KEYWORD_KEYS[level]]
                social_used.add(KEYWORD_KEYS[level])
                values["keywords"] = (
                    ", ".join(map(str, words)) if isinstance(words, list) else words
                )[:300]
            wanted.append(values)

    for values in wanted:
        found = known.get(
            key(
                values.get("indicator"),
                values["period_start"],
                values["period_end"],
                str(values.get("narrative") or ""),
            )
        )
        label = (
            Indicator(values["indicator"]).label
            if values.get("indicator") in Indicator.values
            else values.get("indicator")
        )
        what = _("observation « %(indicator)s »") % {"indicator": label}
        if found is None:
            observation = Observation(
                site=site, source=Observation.Source.IMPORT, status=Status.DRAFT, **values
            )
            _save(observation, result, what)
            known[
                key(
                    observation.indicator,
                    observation.period_start,
                    observation.period_end,
                    observation.narrative,
                )
            ] = observation
        else:
            _save(found, result, what, values)
