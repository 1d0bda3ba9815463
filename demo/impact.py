"""The demo's impact: observations, declared figures, a questionnaire and a report for three open
sites, modelled on the seeds (the former university's hundreds of actions and social ties seen
for five publics, the tiers-lieu's meeting room and its cyclists' survey, the 18-month office
site's sectors and local anchoring). Names, quotes and figures are fictional.

Rows are keyed on the site and the indicator (observations) or a fixed slug (reports), so a
second run updates the same rows; a report already published is left as it was frozen.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from impact import reports as impact_reports
from impact.models import (
    DeclaredFigure,
    Evidence,
    ImpactReport,
    Indicator,
    Observation,
    Occasion,
    Questionnaire,
    QuestionnaireResponse,
    Status,
    Valence,
)

REPORT_SLUG = "bilan-annuel"
ALL_OCCASIONS = [choice.value for choice in Occasion]

# indicator → (valence, intensity, publics, effects, occasions, narrative, quote, role,
#              evidence, people, actions)
OBSERVATIONS = {
    "halle-aux-savoirs-paris": [
        (
            Indicator.SOCIAL_TIES,
            Valence.POSITIVE,
            4,
            ["travailleurs", "precarite", "visiteurs", "habitants", "acteurs_quartier"],
            ["rencontres", "interactions"],
            ALL_OCCASIONS,
            "Un café à prix libre tenu par la conciergerie solidaire dans la cour ; le midi, la "
            "cantine réunit étudiant·e·s, occupant·e·s et voisin·e·s à la même table. Les salles "
            "communes sont pensées pour que ces publics se croisent.",
            "Je viens pour le café et je reste pour les gens.",
            "voisine du quartier",
            Evidence.OBSERVATION,
            None,
            None,
        ),
        (
            Indicator.HEALTH,
            Valence.MIXED,
            3,
            ["travailleurs", "occupants"],
            ["sante_physique", "conditions_travail", "confiance", "inconfort", "stress_conflits"],
            [Occasion.PROJECT_LIFE],
            "Des locaux abordables permettent à plusieurs personnes de travailler hors de chez "
            "elles dans de bonnes conditions ; le chauffage inégal des étages et le bruit des "
            "chantiers voisins ont aussi causé de l'inconfort et quelques conflits.",
            "Avoir un bureau hors de chez moi a changé mes journées, même en pull l'hiver.",
            "occupante, graphiste",
            Evidence.INTERVIEW,
            24,
            None,
        ),
        (
            Indicator.AGENCY,
            Valence.POSITIVE,
            4,
            ["occupants", "etudiants", "benevoles"],
            ["projets_emergents", "gouvernance"],
            [Occasion.PROJECT_LIFE, Occasion.PUBLIC_EVENTS],
            "Plus de 350 projets et actions depuis l'ouverture, dont une exposition collective "
            "montée par le groupe d'artistes du site et une journée de programmation organisée "
            "par une coopérative d'activité avec cinq structures occupantes.",
            "",
            "",
            Evidence.COUNT,
            None,
            350,
        ),
        (
            Indicator.SOLIDARITY,
            Valence.POSITIVE,
            4,
            [
                "travailleurs",
                "visiteurs",
                "habitants",
                "acteurs_quartier",
                "precarite",
                "benevoles",
            ],
            ["petits_services", "biens", "espaces", "competences"],
            [Occasion.PROJECT_LIFE, Occasion.MEETING_TIMES],
            "Des tables de dons à chaque étage, une collecte avec une association de réemploi, "
            "des chantiers bénévoles pour la signalétique et un canal d'entraide entre "
            "occupant·e·s.",
            "",
            "",
            Evidence.OBSERVATION,
            None,
            None,
        ),
        (
            Indicator.BELONGING,
            Valence.MIXED,
            3,
            ["occupants", "habitants"],
            ["federation", "exclusion"],
            [Occasion.PROJECT_LIFE],
            "Des personnes se sont fédérées autour du lieu ; mais peu d'espaces d'échange sont "
            "dédiés aux voisin·e·s, qui peuvent s'en sentir exclu·e·s.",
            "",
            "",
            Evidence.OBSERVATION,
            None,
            None,
        ),
        (
            Indicator.PUBLIC_SERVICES,
            Valence.POSITIVE,
            4,
            ["precarite", "habitants", "acteurs_quartier"],
            ["services_proximite", "soutien_scolaire", "culture", "locaux_activite"],
            [Occasion.DEDICATED_PUBLICS],
            "Deux dispositifs d'insertion accueillent sur le site des personnes très éloignées de "
            "l'emploi ; le repair café du quartier y a trouvé une salle pour ses rencontres "
            "hebdomadaires.",
            "",
            "",
            Evidence.DOCUMENT,
            None,
            None,
        ),
        (
            Indicator.PUBLIC_INNOVATION,
            Valence.POSITIVE,
            3,
            ["etudiants", "acteurs_quartier"],
            ["nouveaux_modes"],
            [Occasion.PROJECT_LIFE],
            "Un dialogue quotidien avec les équipes logistiques de l'université facilite l'accès "
            "des étudiant·e·s aux espaces communs.",
            "",
            "",
            Evidence.INTERVIEW,
            None,
            None,
        ),
    ],
    "usine-commune-vaugneray": [
        (
            Indicator.SOCIAL_TIES,
            Valence.POSITIVE,
            3,
            ["habitants", "occupants", "visiteurs"],
            ["rencontres", "isolement"],
            [Occasion.PUBLIC_EVENTS, Occasion.MEETING_TIMES],
            "Le foyer et la salle de synergie accueillent les habitant·e·s du village autour des "
            "ateliers et des soirées ; des personnes âgées isolées viennent au café du jeudi.",
            "Ici on se parle entre générations, ce n'était plus arrivé depuis la fermeture de "
            "l'usine.",
            "habitant du village",
            Evidence.QUESTIONNAIRE,
            120,
            None,
        ),
        (
            Indicator.NETWORKS,
            Valence.POSITIVE,
            4,
            ["acteurs_quartier", "occupants", "benevoles"],
            ["autour_projet", "professionnel"],
            [Occasion.PROJECT_LIFE],
            "La salle de synergie, louée aux associations et à la mairie, a mis en relation des "
            "acteurs du territoire qui ne se connaissaient pas.",
            "",
            "",
            Evidence.OBSERVATION,
            None,
            None,
        ),
        (
            Indicator.LIVING_ENVIRONMENT,
            Valence.POSITIVE,
            3,
            ["habitants", "visiteurs"],
            ["animation", "image"],
            [Occasion.PUBLIC_EVENTS],
            "Les arceaux à vélo financés par le financement participatif et les ateliers du "
            "samedi ont fait de l'ancienne usine un lieu de passage.",
            "",
            "",
            Evidence.QUESTIONNAIRE,
            None,
            None,
        ),
    ],
    "la-boussole-asnieres": [
        (
            Indicator.EMPLOYMENT,
            Valence.POSITIVE,
            3,
            ["occupants", "travailleurs"],
            ["activite", "formation"],
            [Occasion.PROJECT_LIFE],
            "Des bureaux à prix réduit pendant dix-huit mois ont permis à de jeunes structures "
            "de l'économie sociale et solidaire de lancer ou de consolider leur activité.",
            "Sans ce loyer, nous n'aurions pas embauché notre première salariée.",
            "responsable d'une association occupante",
            Evidence.INTERVIEW,
            35,
            None,
        ),
        (
            Indicator.NETWORKS,
            Valence.POSITIVE,
            4,
            ["occupants", "acteurs_quartier"],
            ["professionnel", "entraide"],
            [Occasion.MEETING_TIMES],
            "Des petits-déjeuners mensuels entre occupant·e·s ont fait naître des collaborations "
            "et des prestations croisées.",
            "",
            "",
            Evidence.OBSERVATION,
            None,
            18,
        ),
        (
            Indicator.UPKEEP,
            Valence.POSITIVE,
            3,
            ["habitants"],
            ["entretien_batiment", "securite"],
            [Occasion.PROJECT_LIFE],
            "Occupé, l'immeuble de bureaux vide n'a connu ni squat ni dégradation avant sa "
            "démolition ; le bailleur a réduit ses frais de gardiennage.",
            "",
            "",
            Evidence.DOCUMENT,
            None,
            None,
        ),
        (
            Indicator.LIVING_ENVIRONMENT,
            Valence.NEGATIVE,
            2,
            ["habitants"],
            ["nuisances"],
            [Occasion.PUBLIC_EVENTS],
            "Quelques soirées ont gêné des riverain·e·s ; l'équipe a avancé l'heure de fin des "
            "événements.",
            "",
            "",
            Evidence.OBSERVATION,
            None,
            None,
        ),
    ],
}

# site slug → (title, summary, intensities, women shares, methods, declared figures)
REPORTS = {
    "halle-aux-savoirs-paris": (
        "Effets sociaux de La Halle aux Savoirs",
        "Un ancien bâtiment universitaire ouvert aux étudiant·e·s, aux structures de "
        "l'économie sociale et solidaire et aux habitant·e·s : plus de 350 projets et actions "
        "depuis l'ouverture.",
        (4, 4, 4),
        (55, 50, 52, None),
        [
            (
                "Projets et actions depuis l'ouverture",
                Decimal("350"),
                "actions",
                "Décompte de l'équipe du lieu",
            )
        ],
    ),
    "usine-commune-vaugneray": (
        "Bilan de L'Usine Commune",
        "Un tiers-lieu dans une ancienne usine : une salle de synergie partagée avec les "
        "associations et la mairie, un foyer ouvert au village.",
        (3, 4, 3),
        (60, 45, None, None),
        [
            (
                "Usager·e·s venant à pied ou à vélo",
                Decimal("76"),
                "%",
                "Enquête auprès des usager·e·s (questionnaire du lieu)",
            ),
            ("Bénévoles actifs", Decimal("14"), "personnes", "Déclaration de l'association"),
        ],
    ),
    "la-boussole-asnieres": (
        "Dix-huit mois à La Boussole",
        "Des bureaux vides prêtés par un bailleur social avant leur démolition, occupés par des "
        "structures de l'économie sociale et solidaire, pour la plupart du département.",
        (3, 4, 3),
        (50, 48, 51, None),
        [("Emplois de l'équipe du lieu", Decimal("2"), "ETP", "Déclaration du gestionnaire")],
    ),
}

METHODS = (
    "Observations de l'équipe du lieu, entretiens et questionnaire du lieu, selon le référentiel "
    "de douze indicateurs en trois niveaux ; intensité de 1 à 5. Les chiffres calculés viennent "
    "des réservations confirmées, des occupations et des événements enregistrés sur la "
    "plateforme ; les chiffres déclarés sont donnés avec leur source."
)


def report_period(site, today: date) -> tuple[date, date]:
    """The last twelve months up to the end of last month, from the site's opening at most."""
    end = today.replace(day=1) - timedelta(days=1)
    start = date(end.year - 1, end.month, 1) + timedelta(days=31)
    start = start.replace(day=1)
    if site.occupancy_start and site.occupancy_start > start:
        start = site.occupancy_start
    return start, max(start, end)


def seed(ctx) -> list[ImpactReport]:
    reports = []
    for slug, rows in OBSERVATIONS.items():
        site = ctx.sites.get(slug)
        if site is None:
            continue
        start, end = report_period(site, ctx.today)
        Questionnaire.objects.update_or_create(
            site=site,
            defaults={
                "is_open": True,
                "introduction": "Dites-nous en quelques minutes ce que le lieu a changé pour "
                "vous. Vous pouvez répondre anonymement.",
            },
        )
        for (
            indicator,
            valence,
            intensity,
            publics,
            effects,
            occasions,
            narrative,
            quote,
            role,
            evidence,
            people,
            actions,
        ) in rows:
            Observation.objects.update_or_create(
                site=site,
                indicator=indicator,
                source=Observation.Source.TEAM,
                defaults={
                    "valence": valence,
                    "intensity": intensity,
                    "publics": publics,
                    "effects": effects,
                    "occasions": [str(o) for o in occasions],
                    "narrative": narrative,
                    "quote": quote,
                    "quote_role": role,
                    "evidence": evidence,
                    "people_count": people,
                    "actions_count": actions,
                    "period_start": start,
                    "period_end": end,
                    "status": Status.PUBLISHED,
                    "author": ctx.users.get("equipe"),
                },
            )
        title, summary, levels, women, declared = REPORTS[slug]
        report = ImpactReport.objects.filter(site=site, slug=REPORT_SLUG).first()
        if report is not None and report.is_published:
            reports.append(report)
            continue
        report, _created = ImpactReport.objects.update_or_create(
            site=site,
            slug=REPORT_SLUG,
            defaults={
                "title": title,
                "summary": summary,
                "period_start": start,
                "period_end": end,
                "intensity_individual": levels[0],
                "intensity_collective": levels[1],
                "intensity_territorial": levels[2],
                "women_management": women[0],
                "women_leaders": women[1],
                "women_occupants": women[2],
                "women_publics": women[3],
                "methods": METHODS,
            },
        )
        for position, (label, value, unit, source) in enumerate(declared):
            DeclaredFigure.objects.update_or_create(
                report=report,
                label=label,
                defaults={"value": value, "unit": unit, "source": source, "position": position},
            )
        # Published as a manager would: the figures computed now are frozen into it.
        reports.append(impact_reports.report_publish(report=report, by=ctx.users["admin"]))
    seed_answer(ctx)
    return reports


def seed_answer(ctx) -> None:
    """A visitor's anonymous answer to the tiers-lieu's questionnaire, waiting in its managers'
    queue as a draft observation."""
    site = ctx.sites.get("usine-commune-vaugneray")
    if site is None or Observation.objects.filter(site=site, source="questionnaire").exists():
        return
    _start, end = report_period(site, ctx.today)
    response = QuestionnaireResponse.objects.create(
        questionnaire=site.questionnaire, respondent_public="visiteurs"
    )
    Observation.objects.create(
        site=site,
        indicator=Indicator.HEALTH,
        valence=Valence.POSITIVE,
        intensity=3,
        narrative="Je viens au café du jeudi depuis l'hiver : je sors de chez moi et je parle à "
        "des gens que je ne connaissais pas.",
        evidence=Evidence.QUESTIONNAIRE,
        source=Observation.Source.QUESTIONNAIRE,
        response=response,
        period_start=end,
        period_end=end,
        status=Status.DRAFT,
    )
