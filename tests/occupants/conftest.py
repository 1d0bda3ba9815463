import pytest

# --- Structures and their people (occupancy / members / admin tests) -------------------------


@pytest.fixture
def crew(cast):
    """The cast plus two structures: "Atelier X" on site A (lea responsable, max member) and
    "Collectif Y" on site C (yann responsable). Each holds one office under a signed occupancy,
    current until the end of the sites' window (a manager administers only current occupants)."""
    from datetime import date

    from occupants import services
    from occupants.models import StructureMember
    from tests.occupants.factories import SpaceFactory, StructureFactory, UserFactory

    x = StructureFactory(name="Atelier X", contact_email="contact@atelier-x.example.org")
    y = StructureFactory(name="Collectif Y", contact_email="contact@collectif-y.example.org")
    lea = UserFactory(email="lea@atelier-x.example.org", full_name="Léa Responsable")
    max_ = UserFactory(email="max@atelier-x.example.org", full_name="Max Membre")
    yann = UserFactory(email="yann@collectif-y.example.org", full_name="Yann Responsable")
    services.add_member(x, lea, StructureMember.Role.LEAD)
    services.add_member(x, max_, StructureMember.Role.MEMBER)
    services.add_member(y, yann, StructureMember.Role.LEAD)
    office_a = SpaceFactory(site=cast.site_a, name="Bureau A1")
    office_c = SpaceFactory(site=cast.site_c, name="Bureau C1")
    occ_x = services.create_occupancy(
        structure=x,
        site=cast.site_a,
        spaces=[office_a],
        start=date(2026, 1, 1),
        end=date(2027, 3, 31),
        fee_basis="m2_mois",
        fee_amount=8,
    )
    occ_y = services.create_occupancy(
        structure=y,
        site=cast.site_c,
        spaces=[office_c],
        start=date(2026, 1, 1),
        end=date(2027, 3, 31),
        fee_basis="mois",
        fee_amount=250,
    )
    cast.__dict__.update(
        x=x,
        y=y,
        lea=lea,
        max=max_,
        yann=yann,
        office_a=office_a,
        office_c=office_c,
        occ_x=occ_x,
        occ_y=occ_y,
    )
    return cast
