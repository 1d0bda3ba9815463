"""occupants.services.create_occupancy: the rules an occupancy must follow, on both databases."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from occupants import services
from occupants.models import Occupancy, OccupancySpace
from sites.models import Space
from tests.occupants.factories import SiteFactory, SpaceFactory, StructureFactory


@pytest.fixture
def site(db):
    return SiteFactory(
        name="Bureaux Asnières", occupancy_start=date(2025, 10, 1), occupancy_end=date(2027, 3, 31)
    )


def occupy(site, spaces, start=date(2026, 1, 1), end=date(2026, 12, 31), **kwargs):
    kwargs.setdefault("structure", StructureFactory())
    return services.create_occupancy(
        site=site,
        spaces=spaces,
        start=start,
        end=end,
        fee_basis=kwargs.pop("fee_basis", Occupancy.FeeBasis.PER_SQM),
        fee_amount=kwargs.pop("fee_amount", Decimal("8")),
        **kwargs,
    )


def test_occupancy_holds_its_spaces_with_its_dates(site):
    office = SpaceFactory(site=site, name="Bureau 101", surface=Decimal("20"))
    workshop = SpaceFactory(
        site=site, name="Atelier 2", kind=Space.Kind.WORKSHOP, surface=Decimal("40")
    )

    occupancy = occupy(site, [office, workshop], charges="15.50")

    assert occupancy.status == Occupancy.Status.SIGNED
    rows = OccupancySpace.objects.filter(occupancy=occupancy).order_by("space__name")
    assert [(r.space, r.start, r.end, r.exclusive, r.active) for r in rows] == [
        (workshop, date(2026, 1, 1), date(2026, 12, 31), True, True),
        (office, date(2026, 1, 1), date(2026, 12, 31), True, True),
    ]
    assert occupancy.charges == Decimal("15.50")
    assert occupancy.monthly_fee == Decimal("480.00")


def test_overlapping_allocation_of_a_private_space_is_refused(site):
    office = SpaceFactory(site=site, name="Bureau 101")
    occupy(site, [office], start=date(2026, 1, 1), end=date(2026, 6, 30))
    other = StructureFactory()

    with pytest.raises(ValidationError) as excinfo:
        occupy(site, [office], start=date(2026, 6, 30), end=date(2026, 9, 30), structure=other)

    message = excinfo.value.message_dict["spaces"][0]
    assert "Bureau 101" in message
    assert "01/01/2026" in message and "30/06/2026" in message
    assert not Occupancy.objects.filter(structure=other).exists()
    assert OccupancySpace.objects.count() == 1


def test_a_space_can_be_held_again_the_day_after_the_previous_occupancy_ends(site):
    office = SpaceFactory(site=site)
    occupy(site, [office], start=date(2026, 1, 1), end=date(2026, 6, 30))

    occupy(site, [office], start=date(2026, 7, 1), end=date(2026, 12, 31))

    assert OccupancySpace.objects.filter(space=office).count() == 2


def test_one_conflicting_space_refuses_the_whole_occupancy(site):
    taken = SpaceFactory(site=site, name="Bureau pris")
    free = SpaceFactory(site=site, name="Bureau libre")
    occupy(site, [taken])

    with pytest.raises(ValidationError, match="Bureau pris"):
        occupy(site, [free, taken])

    assert not OccupancySpace.objects.filter(space=free).exists()
    assert Occupancy.objects.count() == 1


def test_shared_coworking_space_may_be_held_by_several_structures(site):
    coworking = SpaceFactory(site=site, kind=Space.Kind.COWORKING, is_bookable=True)

    occupy(site, [coworking])
    occupy(site, [coworking])

    assert list(OccupancySpace.objects.values_list("exclusive", flat=True)) == [False, False]


def test_cancelled_occupancy_frees_its_spaces(site):
    office = SpaceFactory(site=site)
    first = occupy(site, [office])

    services.cancel_occupancy(first)
    occupy(site, [office])

    assert OccupancySpace.objects.filter(space=office, active=True).count() == 1


def test_draft_occupancy_already_reserves_its_spaces(site):
    office = SpaceFactory(site=site)
    occupy(site, [office], status=Occupancy.Status.DRAFT)

    with pytest.raises(ValidationError):
        occupy(site, [office])


@pytest.mark.parametrize(
    ("start", "end", "field", "text"),
    [
        (date(2025, 9, 30), date(2026, 1, 1), "start", "avant l'ouverture du lieu (le 01/10/2025)"),
        (
            date(2026, 1, 1),
            date(2027, 4, 1),
            "end",
            "fin prévue de l'occupation du lieu (le 31/03/2027)",
        ),
        (date(2026, 6, 1), date(2026, 5, 31), "end", "doit suivre son début"),
    ],
)
def test_dates_outside_the_site_window_are_refused(site, start, end, field, text):
    office = SpaceFactory(site=site)

    with pytest.raises(ValidationError) as excinfo:
        occupy(site, [office], start=start, end=end)

    assert any(text in m for m in excinfo.value.message_dict[field])
    assert not Occupancy.objects.exists()


def test_space_of_another_site_is_refused(site):
    elsewhere = SpaceFactory(name="Atelier ailleurs")

    with pytest.raises(ValidationError) as excinfo:
        occupy(site, [elsewhere])

    assert "n'appartient pas à ce lieu" in excinfo.value.message_dict["spaces"][0]
    assert not Occupancy.objects.exists()


def test_an_occupancy_needs_at_least_one_space(site):
    with pytest.raises(ValidationError, match="au moins un espace"):
        occupy(site, [])


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"fee_amount": Decimal("-1")}, "fee_amount"),
        ({"fee_amount": "beaucoup"}, "fee_amount"),
        ({"charges": "-0.01"}, "charges"),
        ({"status": "inconnu"}, "status"),
        ({"fee_basis": "par_an"}, "fee_basis"),
    ],
)
def test_bad_amounts_and_choices_are_refused(site, kwargs, field):
    office = SpaceFactory(site=site)

    with pytest.raises(ValidationError) as excinfo:
        occupy(site, [office], **kwargs)

    assert field in excinfo.value.message_dict
    assert not Occupancy.objects.exists()


def test_non_pdf_agreement_is_refused(site):
    from django.core.files.uploadedfile import SimpleUploadedFile

    office = SpaceFactory(site=site)
    fake = SimpleUploadedFile("convention.pdf", b"MZ not a pdf", content_type="application/pdf")

    with pytest.raises(ValidationError) as excinfo:
        occupy(site, [office], agreement=fake)

    assert "agreement" in excinfo.value.message_dict
    assert not Occupancy.objects.exists()


def test_extending_an_occupancy_over_another_is_refused(site):
    office = SpaceFactory(site=site, name="Bureau 7")
    first = occupy(site, [office], start=date(2026, 1, 1), end=date(2026, 6, 30))
    occupy(site, [office], start=date(2026, 7, 1), end=date(2026, 12, 31))

    first.end = date(2026, 8, 31)
    with pytest.raises(ValidationError, match="Bureau 7"):
        services.update_occupancy(first)

    first.refresh_from_db()
    assert first.end == date(2026, 6, 30)
    assert OccupancySpace.objects.get(occupancy=first).end == date(2026, 6, 30)


def test_update_keeps_held_space_dates_in_step(site):
    office = SpaceFactory(site=site)
    other = SpaceFactory(site=site)
    occupancy = occupy(site, [office])

    occupancy.start = date(2026, 2, 1)
    services.update_occupancy(occupancy, spaces=[other])

    row = OccupancySpace.objects.get(occupancy=occupancy)
    assert (row.space, row.start) == (other, date(2026, 2, 1))


@pytest.mark.postgres
def test_postgres_exclusion_constraint_refuses_overlap_written_around_the_service(site):
    office = SpaceFactory(site=site)
    occupancy = occupy(site, [office])
    rival = Occupancy.objects.create(
        structure=StructureFactory(), site=site, start=date(2026, 3, 1), end=date(2026, 4, 1)
    )

    with pytest.raises(IntegrityError, match="occupancy_space_no_overlap"), transaction.atomic():
        OccupancySpace.objects.create(
            occupancy=rival, space=office, start=rival.start, end=rival.end
        )
    assert occupancy.pk


def _run_in_threads(count, target):
    barrier = threading.Barrier(count)
    results: list = []
    lock = threading.Lock()

    def worker(index):
        try:
            barrier.wait(timeout=10)
            outcome = target(index)
        except Exception as exc:
            outcome = exc
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_overlapping_occupancies_exactly_one_succeeds():
    site = SiteFactory(occupancy_start=date(2025, 10, 1), occupancy_end=date(2027, 3, 31))
    office = SpaceFactory(site=site, name="Bureau convoité")
    structures = [StructureFactory() for _ in range(6)]

    def create(index):
        return services.create_occupancy(
            structure=structures[index],
            site=site,
            spaces=[office],
            start=date(2026, 1, 1 + index),
            end=date(2026, 6, 30),
            fee_basis=Occupancy.FeeBasis.MONTHLY,
            fee_amount=Decimal("300"),
        )

    results = _run_in_threads(len(structures), create)

    created = [r for r in results if isinstance(r, Occupancy)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(created) == 1, results
    assert len(refused) == len(structures) - 1, results
    assert all("Bureau convoité" in " ".join(r.messages) for r in refused)
    assert OccupancySpace.objects.filter(space=office).count() == 1
    assert Occupancy.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_rival_committing_after_our_check_gives_a_clear_error():
    """Thread A holds an uncommitted occupancy; B passes the check (it cannot see A's row), its
    insert waits on the exclusion constraint, A commits, and B gets a ValidationError."""
    site = SiteFactory(occupancy_start=date(2025, 10, 1), occupancy_end=date(2027, 3, 31))
    office = SpaceFactory(site=site, name="Bureau disputé")
    first, second = StructureFactory(), StructureFactory()
    a_wrote = threading.Event()
    b_started = threading.Event()
    outcomes: dict = {}

    def thread_a():
        try:
            with transaction.atomic():
                outcomes["a"] = occupy(site, [office], structure=first)
                a_wrote.set()
                b_started.wait(timeout=10)
                # Let B run its check and block on the constraint before we commit.
                threading.Event().wait(0.5)
        except Exception as exc:
            outcomes["a"] = exc
            a_wrote.set()
        finally:
            connection.close()

    def thread_b():
        a_wrote.wait(timeout=10)
        b_started.set()
        try:
            outcomes["b"] = occupy(site, [office], structure=second)
        except Exception as exc:
            outcomes["b"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=thread_a), threading.Thread(target=thread_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert isinstance(outcomes["a"], Occupancy), outcomes
    assert isinstance(outcomes["b"], ValidationError), outcomes
    assert "Bureau disputé" in " ".join(outcomes["b"].messages)
    assert not Occupancy.objects.filter(structure=second).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_rivals_listing_two_offices_in_opposite_orders_take_turns(monkeypatch):
    """Each held-space row locks its space until the commit, in the spaces' id order for every
    writer: the later occupancy waits for the earlier and is refused, with no deadlock. The
    deadlock retry is switched off, so that a deadlock would show as an error here."""
    site = SiteFactory(occupancy_start=date(2025, 10, 1), occupancy_end=date(2027, 3, 31))
    offices = [
        SpaceFactory(site=site, name="Bureau nord"),
        SpaceFactory(site=site, name="Bureau sud"),
    ]
    structures = [StructureFactory(), StructureFactory()]
    monkeypatch.setattr(services, "retrying_deadlocks", lambda write: transaction.atomic()(write)())
    original_save = OccupancySpace.save

    def slow_save(self, *args, **kwargs):
        original_save(self, *args, **kwargs)
        threading.Event().wait(0.3)  # the rival inserts its first row meanwhile

    monkeypatch.setattr(OccupancySpace, "save", slow_save)

    def create(index):
        return occupy(site, offices[::-1] if index else offices, structure=structures[index])

    results = _run_in_threads(2, create)
    assert sorted(type(r).__name__ for r in results) == ["Occupancy", "ValidationError"], results
    assert OccupancySpace.objects.count() == 2
