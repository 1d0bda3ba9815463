"""Fixtures shared by every tests/events module.

`booking_world` builds on the fixed cast (tests/conftest.py): on site A (managed by mara),
"Atelier Bleu" (members bob and bea) and "Collectif Vert" (member carl) hold occupancies; on site
B (managed by mike), "Coop Sud" (member dan). Rooms: salle_jaune and salle_verte on site A,
salle_b on site B. No rules nor hours set: the defaults apply (30-minute steps, 30 min to 8 h,
90 days ahead, open 08:00–20:00 every day).
"""

import pytest

from tests.events.factories import MemberFactory, OccupancyFactory, RoomFactory, StructureFactory
from tests.factories import UserFactory


@pytest.fixture
def booking_world(cast):
    w = cast
    w.bob = UserFactory(email="bob@example.org", full_name="Bob Bleu")
    w.bea = UserFactory(email="bea@example.org", full_name="Béa Bleu")
    w.carl = UserFactory(email="carl@example.org", full_name="Carl Vert")
    w.dan = UserFactory(email="dan@example.org", full_name="Dan Sud")
    w.bleu = StructureFactory(name="Atelier Bleu")
    w.vert = StructureFactory(name="Collectif Vert")
    w.sud = StructureFactory(name="Coop Sud")
    for user, structure in ((w.bob, w.bleu), (w.bea, w.bleu), (w.carl, w.vert), (w.dan, w.sud)):
        MemberFactory(user=user, structure=structure)
    OccupancyFactory(structure=w.bleu, site=w.site_a)
    OccupancyFactory(structure=w.vert, site=w.site_a)
    OccupancyFactory(structure=w.sud, site=w.site_b)
    w.salle_jaune = RoomFactory(site=w.site_a, name="Salle Jaune", capacity=10)
    w.salle_verte = RoomFactory(site=w.site_a, name="Salle Verte", capacity=30)
    w.salle_b = RoomFactory(site=w.site_b, name="Salle du Sud", capacity=8)
    return w
