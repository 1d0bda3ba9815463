"""manage.py import_commune_mesure: a Commune Mesure place record (tests/impact/fixtures, built
from the structure its repository documents in docs/exemple_lieu.json and the social impact
import) read into a site, a report, declared figures and observations."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from impact.models import DeclaredFigure, ImpactReport, Indicator, Observation
from sites.models import Site

FIXTURE = Path(__file__).parent / "fixtures" / "commune_mesure_lieu.json"
PERIOD = ["--debut", "2023-01-01", "--fin", "2023-12-31"]

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_commune_mesure", *args, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    return (
        Site.objects.count(),
        ImpactReport.objects.count(),
        DeclaredFigure.objects.count(),
        Observation.objects.count(),
    )


def test_a_record_makes_a_site_a_report_declared_figures_and_observations():
    run(str(FIXTURE), "--fin", "2023-12-31")

    site = Site.objects.get(slug="la-halle-des-essais")
    assert (site.postal_code, site.commune, site.departement) == ("44000", "Nantes", "44")
    assert not site.published
    report = ImpactReport.objects.get(site=site)
    # The start comes from the record's opening date, the end from --fin.
    assert (report.period_start, report.period_end) == (date(2023, 1, 1), date(2023, 12, 31))
    assert report.summary == "Ouvrir une ancienne halle aux associations du quartier."
    # "++++" is 4, "3" is 3: strings holding numbers become numbers.
    assert (report.intensity_individual, report.intensity_collective) == (4, 3)
    assert report.intensity_territorial == 2
    assert report.women_occupants == 60
    assert report.women_management is None  # "Autant de femmes que d'hommes": no number


def test_strings_holding_numbers_become_numbers():
    run(str(FIXTURE), *PERIOD)

    figures = {f.label: f for f in DeclaredFigure.objects.all()}
    assert figures["Surface du lieu"].value == Decimal("2000")
    assert figures["Surface du lieu"].unit == "m²"
    assert figures["Occupant·e·s"].value == 31
    assert figures["Bénévoles"].value == 25
    assert figures["Fonctionnement : recettes"].value == Decimal("12.5")
    assert figures["Personnes accueillies aux événements publics"].value == 1200
    assert {f.source for f in figures.values()} == {"Commune Mesure"}

    employment = Observation.objects.get(indicator=Indicator.EMPLOYMENT)
    assert employment.people_count == 18
    assert employment.intensity == 4
    agency = Observation.objects.get(indicator=Indicator.AGENCY)
    assert agency.actions_count == 7
    assert agency.effects == ["projets_emergents"]  # "(ateliers)" is a remark, not the label


def test_observations_keep_their_effects_publics_occasions_and_frequency():
    run(str(FIXTURE), *PERIOD)

    solidarity = Observation.objects.get(indicator=Indicator.SOLIDARITY)
    assert solidarity.effects == ["biens", "espaces"]
    assert solidarity.publics == ["travailleurs", "habitants", "visiteurs"]
    assert solidarity.occasions == ["vie_projet", "evenements"]
    assert solidarity.frequency == "hebdomadaire"
    assert solidarity.intensity == 3
    assert solidarity.source == Observation.Source.IMPORT
    assert solidarity.status == "brouillon"  # a manager validates what was imported
    assert Observation.objects.get(indicator=Indicator.SOCIAL_TIES).keywords == (
        "transmission des savoirs"
    )
    assert Observation.objects.count() == 6


def test_every_field_it_cannot_place_is_listed():
    output = run(str(FIXTURE), *PERIOD)

    for unplaced in (
        "blocs.presentation.donnees.noms_occupants",
        "blocs.presentation.donnees.acteurs_publics",
        "blocs.accessibilite.donnees",
        "blocs.valeurs.donnees",
        "blocs.galerie.donnees",
        "blocs.data_territoire.donnees.geo.geo_json",
        "blocs.data_territoire.donnees.insee",
        "reseaux_sociaux",
        "activites",
        "status",
        "sante_effet : « Une effet inconnu »",
        "blocs.impact_social.donnees.cadre_de_vie_image",
        "blocs.impact_social.donnees.egalite_homme_femme_gestion",
    ):
        assert unplaced in output, unplaced
    # The person who filled the form is never read, and says so.
    assert "creator" in output and "xxxx@example.org" not in output
    # What was placed is not listed.
    assert "nombre_occupants" not in output.split("Champs non placés")[1]


def test_running_it_twice_changes_nothing():
    run(str(FIXTURE), *PERIOD)
    before = counts()
    report = ImpactReport.objects.get()
    updated = report.updated

    output = run(str(FIXTURE), *PERIOD)

    assert counts() == before
    assert "Aucun changement" in output
    report.refresh_from_db()
    assert report.updated == updated


def test_a_file_that_is_not_json_is_refused_and_nothing_is_written(tmp_path):
    bad = tmp_path / "lieu.json"
    bad.write_text("{ pas du json", encoding="utf-8")

    with pytest.raises(CommandError, match="pas du JSON valide"):
        run(str(bad), *PERIOD)
    assert counts() == (0, 0, 0, 0)


def test_a_record_without_a_name_is_refused(tmp_path):
    bad = tmp_path / "lieu.json"
    bad.write_text(json.dumps({"blocs": {}}), encoding="utf-8")

    with pytest.raises(CommandError, match="name"):
        run(str(bad), *PERIOD)


def test_a_bad_value_deep_in_the_record_writes_nothing_at_all(tmp_path):
    record = json.loads(FIXTURE.read_text(encoding="utf-8"))
    record["interstices"] = {"observations": [{"indicator": "inconnu", "narrative": "x"}]}
    bad = tmp_path / "lieu.json"
    bad.write_text(json.dumps(record), encoding="utf-8")

    with pytest.raises(CommandError, match="Rien n'a été enregistré"):
        run(str(bad), *PERIOD)
    assert counts() == (0, 0, 0, 0)


def test_a_record_without_a_period_asks_for_one(tmp_path):
    with pytest.raises(CommandError, match="--fin"):
        run(str(FIXTURE))
    assert counts() == (0, 0, 0, 0)


def test_a_missing_file_is_a_clear_error():
    with pytest.raises(CommandError, match="Fichier illisible"):
        run("/nonexistent/lieu.json")


def test_an_existing_site_is_filled_not_duplicated(tmp_path):
    from tests.factories import SiteFactory

    site = SiteFactory(name="Autre nom", slug="autre-nom")

    run(str(FIXTURE), "--site", "autre-nom", *PERIOD)

    assert Site.objects.count() == 1
    assert ImpactReport.objects.get().site == site
    site.refresh_from_db()
    assert site.name == "Autre nom"


JUNK = (None, -1, "x" * 3000, {}, [1, {"a": None}])


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for key, child in node.items():
            yield from _paths(child, (*path, key))


@pytest.mark.parametrize("junk", JUNK, ids=repr)
def test_junk_anywhere_in_the_record_is_refused_clearly_or_read(tmp_path, junk):
    """Each field of the fixture in turn replaced by junk: the command either reads the
    record or stops with a clear error having written nothing; never another exception."""
    original = json.loads(FIXTURE.read_text(encoding="utf-8"))
    original["interstices"] = {"chiffres_declares": [], "observations": []}
    for path in list(_paths(original))[1:]:
        record = json.loads(json.dumps(original))
        node = record
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = junk
        target = tmp_path / "lieu.json"
        target.write_text(json.dumps(record), encoding="utf-8")
        before = counts()
        try:
            run(str(target), *PERIOD)
        except CommandError:
            assert counts() == before, path
