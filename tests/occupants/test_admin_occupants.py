"""The managers' admin for structures, occupancies, members and invitations: scoped, and the
overlap rule holds there too."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from occupants import services
from occupants.models import Invitation, Occupancy, OccupancySpace, Structure, StructureMember
from tests.occupants.factories import SpaceFactory, StructureFactory


def changelist(model: str) -> str:
    return reverse(f"admin:occupants_{model}_changelist")


def change(model: str, pk: int) -> str:
    return reverse(f"admin:occupants_{model}_change", args=[pk])


@pytest.mark.parametrize(
    ("who", "sees", "hidden"),
    [
        ("mara", {"Atelier X"}, {"Collectif Y"}),
        ("oscar", {"Collectif Y"}, {"Atelier X"}),
        ("olga", {"Atelier X"}, {"Collectif Y"}),
        ("alice", {"Atelier X", "Collectif Y"}, set()),
    ],
)
def test_managers_see_only_structures_of_their_sites(crew, client, who, sees, hidden):
    client.force_login(getattr(crew, who))

    content = client.get(changelist("structure")).content.decode()

    assert all(name in content for name in sees)
    assert not any(name in content for name in hidden)


def test_other_sites_structure_and_occupancy_pages_are_out_of_reach(crew, client):
    client.force_login(crew.mara)
    for url in (change("structure", crew.y.pk), change("occupancy", crew.occ_y.pk)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")


@pytest.mark.parametrize("who", ["lea", "uma", "mike"])
def test_occupants_and_candidates_have_no_admin(crew, client, who):
    client.force_login(getattr(crew, who))
    response = client.get(changelist("structure"))
    if who == "mike":  # a manager of another site: the list is there, but empty of X and Y
        assert "Atelier X" not in response.content.decode()
    else:
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def occupancy_data(crew, **overrides):
    data = {
        "structure": crew.x.pk,
        "site": crew.site_a.pk,
        "held_spaces": [],
        "start": "2027-01-01",
        "end": "2027-03-31",
        "fee_basis": "m2_mois",
        "fee_amount": "7.50",
        "charges": "0",
        "status": "signee",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_manager_adds_an_occupancy_with_spaces(crew, client):
    client.force_login(crew.mara)
    workshop = SpaceFactory(site=crew.site_a, name="Atelier A2")

    response = client.post(
        reverse("admin:occupants_occupancy_add"), occupancy_data(crew, held_spaces=[workshop.pk])
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    occupancy = Occupancy.objects.get(start=date(2027, 1, 1))
    row = OccupancySpace.objects.get(occupancy=occupancy)
    assert (row.space, row.start, row.end, row.exclusive) == (
        workshop,
        date(2027, 1, 1),
        date(2027, 3, 31),
        True,
    )


def test_admin_refuses_overlap_space_of_another_site_and_dates_outside_window(crew, client):
    client.force_login(crew.mara)
    url = reverse("admin:occupants_occupancy_add")
    cases = [
        (occupancy_data(crew, held_spaces=[crew.office_a.pk], start="2026-06-01"), "Bureau A1"),
        (occupancy_data(crew, held_spaces=[crew.office_c.pk]), "Sélectionnez un choix valide"),
        (
            occupancy_data(crew, held_spaces=[SpaceFactory(site=crew.site_a).pk], end="2027-04-30"),
            "fin prévue de l&#x27;occupation du lieu",
        ),
        (occupancy_data(crew, site=crew.site_c.pk), "Sélectionnez un choix valide"),
        (occupancy_data(crew, structure=crew.y.pk), "Sélectionnez un choix valide"),
    ]
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 200
        assert message in response.content.decode()
    assert Occupancy.objects.count() == 2


def test_manager_edits_occupancy_dates_and_spaces_stay_in_step(crew, client):
    client.force_login(crew.mara)
    data = occupancy_data(
        crew, held_spaces=[crew.office_a.pk], start="2026-01-01", end="2026-06-30"
    )

    response = client.post(change("occupancy", crew.occ_x.pk), data)

    assert response.status_code == 302
    assert OccupancySpace.objects.get(occupancy=crew.occ_x).end == date(2026, 6, 30)


def test_manager_creates_a_structure_with_its_first_occupancy(crew, client):
    client.force_login(crew.mara)
    space = SpaceFactory(site=crew.site_a, name="Atelier neuf")
    data = {
        "name": "Reliure Z",
        "slug": "reliure-z",
        "legal_form": "artiste",
        "people_count": "1",
        "siret": "",
        "occupancies-TOTAL_FORMS": "1",
        "occupancies-INITIAL_FORMS": "0",
        "occupancies-MIN_NUM_FORMS": "1",
        "occupancies-MAX_NUM_FORMS": "1000",
        "occupancies-0-site": crew.site_a.pk,
        "occupancies-0-held_spaces": [space.pk],
        "occupancies-0-start": "2026-02-01",
        "occupancies-0-end": "2027-03-31",
        "occupancies-0-fee_basis": "mois",
        "occupancies-0-fee_amount": "120",
        "occupancies-0-charges": "0",
        "occupancies-0-status": "signee",
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
    }

    bad = client.post(reverse("admin:occupants_structure_add"), {**data, "siret": "12345678901234"})
    assert "Ce SIRET n&#x27;est pas valide" in bad.content.decode()
    assert not Structure.objects.filter(slug="reliure-z").exists()

    response = client.post(reverse("admin:occupants_structure_add"), data)

    assert response.status_code == 302
    structure = Structure.objects.get(slug="reliure-z")
    assert OccupancySpace.objects.get(occupancy__structure=structure).space == space
    assert structure in Structure.objects.administered_by(crew.mara)


def test_manager_invites_by_email_once_after_commit(
    crew, client, django_capture_on_commit_callbacks
):
    client.force_login(crew.mara)
    url = reverse("admin:occupants_invitation_add")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"structure": crew.x.pk, "email": "nina@example.org", "role": "responsable"}
        )
        tampered = client.post(
            url, {"structure": crew.y.pk, "email": "eve@example.org", "role": "membre"}
        )

    assert response.status_code == 302
    assert tampered.status_code == 200
    assert len(mail.outbox) == 1
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.invited_by) == ("nina@example.org", crew.mara)
    assert len(invitation.token_hash) == 64


def test_send_invitation_action_mails_a_fresh_link(
    crew, client, django_capture_on_commit_callbacks
):
    first, old_token = services.invite(crew.x, "nina@example.org", "membre", crew.lea)
    client.force_login(crew.mara)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            changelist("invitation"),
            {"action": "send_again", "_selected_action": [first.pk]},
        )

    assert len(mail.outbox) == 1
    with pytest.raises(services.InvitationError):
        services.get_pending_invitation(old_token)


def test_last_responsable_cannot_be_deleted_in_admin(crew, client):
    client.force_login(crew.mara)
    lead = StructureMember.objects.get(structure=crew.x, user=crew.lea)

    client.post(reverse("admin:occupants_structuremember_delete", args=[lead.pk]), {"post": "yes"})

    assert StructureMember.objects.filter(pk=lead.pk).exists()


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_occupancy_csv_export_follows_filters_and_scope(crew, client):
    other_site_structure = StructureFactory(name="Structure B")
    services.create_occupancy(
        structure=other_site_structure,
        site=crew.site_b,
        spaces=[SpaceFactory(site=crew.site_b)],
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
    )
    client.force_login(crew.olga)  # staff of Coop A: sites A and B
    url = reverse("admin:occupants_occupancy_export", args=["csv"])

    everything = read_csv(client.get(url))
    site_a_only = read_csv(client.get(url, {"lieu": crew.site_a.pk}))

    assert {row[1] for row in everything[1:]} == {"Atelier X", "Structure B"}
    assert [row[1] for row in site_a_only[1:]] == ["Atelier X"]
    assert "contact@atelier-x.example.org" in site_a_only[1]
    assert "E-mail du contact" in site_a_only[0]


def test_occupancy_export_of_another_site_gives_nothing(crew, client):
    client.force_login(crew.mara)
    rows = read_csv(
        client.get(
            reverse("admin:occupants_occupancy_export", args=["csv"]), {"lieu": crew.site_c.pk}
        )
    )
    assert rows[1:] == []


def test_structure_xlsx_export_and_action(crew, client):
    client.force_login(crew.alice)

    response = client.get(
        reverse("admin:occupants_structure_export", args=["xlsx"]), {"lieu": crew.site_c.pk}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "Collectif Y"
    assert len(rows) == 2

    action = client.post(
        changelist("occupancy"),
        {"action": "export_xlsx", "_selected_action": [crew.occ_x.pk]},
    )
    sheet = load_workbook(io.BytesIO(action.content)).active
    assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["Atelier X"]


def test_export_links_carry_the_changelist_filters(crew, client):
    client.force_login(crew.mara)
    content = client.get(changelist("occupancy"), {"status": "signee"}).content.decode()
    assert reverse("admin:occupants_occupancy_export", args=["csv"]) + "?status=signee" in content


def test_export_query_count_is_constant(crew, client, django_assert_max_num_queries):
    client.force_login(crew.olga)
    url = reverse("admin:occupants_occupancy_export", args=["csv"])

    def add_occupancies(count):
        for _ in range(count):
            structure = StructureFactory()
            services.create_occupancy(
                structure=structure,
                site=crew.site_b,
                spaces=[SpaceFactory(site=crew.site_b), SpaceFactory(site=crew.site_b)],
                start=date(2026, 1, 1),
                end=date(2026, 12, 31),
            )

    add_occupancies(2)
    with django_assert_max_num_queries(12):
        read_csv(client.get(url))
    add_occupancies(15)
    with django_assert_max_num_queries(12):
        rows = read_csv(client.get(url))
    assert len(rows) == 1 + 18


def test_invite_contact_action_sends_one_link_per_structure_after_commit(
    crew, client, django_capture_on_commit_callbacks
):
    silent = StructureFactory(name="Sans contact", contact_email="")
    services.create_occupancy(
        structure=silent,
        site=crew.site_a,
        spaces=[SpaceFactory(site=crew.site_a)],
        start=date(2026, 1, 1),
        end=date(2026, 2, 1),
    )
    client.force_login(crew.mara)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist("structure"),
            {"action": "invite_contact", "_selected_action": [crew.x.pk, silent.pk, crew.y.pk]},
            follow=True,
        )

    assert [m.to for m in mail.outbox] == [["contact@atelier-x.example.org"]]
    invitation = Invitation.objects.get()
    assert (invitation.structure, invitation.role) == (crew.x, "responsable")
    assert "Sans contact" in response.content.decode()


@pytest.mark.parametrize("model", ["structure", "occupancy"])
def test_changelist_query_count_is_constant(crew, client, django_assert_max_num_queries, model):
    client.force_login(crew.olga)

    def grow(count):
        for _ in range(count):
            services.create_occupancy(
                structure=StructureFactory(),
                site=crew.site_b,
                spaces=[SpaceFactory(site=crew.site_b), SpaceFactory(site=crew.site_b)],
                start=date(2026, 1, 1),
                end=date(2026, 12, 31),
            )

    grow(2)
    with django_assert_max_num_queries(40) as few:
        client.get(changelist(model))
    grow(12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(changelist(model)).status_code == 200


def test_exports_write_decimals_with_a_comma_in_csv_and_as_numbers_in_xlsx(crew, client):
    crew.occ_x.fee_amount = Decimal("8.25")
    crew.occ_x.save()
    client.force_login(crew.mara)
    params = {"lieu": crew.site_a.pk}
    rows = read_csv(client.get(reverse("admin:occupants_occupancy_export", args=["csv"]), params))
    column = rows[0].index("Montant saisi (€)")
    assert rows[1][column] == "8,25"
    assert all("." not in row[rows[0].index("Surface (m²)")] for row in rows[1:])
    response = client.get(reverse("admin:occupants_occupancy_export", args=["xlsx"]), params)
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][values[0].index("Montant saisi (€)")] == 8.25
    assert values[1][values[0].index("Redevance mensuelle (€)")] == pytest.approx(
        float(crew.occ_x.monthly_fee)
    )
