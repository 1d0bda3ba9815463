"""Two managers accept two applications for the same space at the same moment (PostgreSQL)."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from occupants.calls import services as calls_services
from occupants.models import Application, Occupancy, Structure, StructureMember
from tests.factories import SiteFactory, UserFactory
from tests.occupants.calls_support import (
    attach,
    doc_type,
    make_application,
    make_call,
    pdf_file,
    submitted,
)


@pytest.mark.postgres
def test_concurrent_acceptances_on_one_space_leave_one_occupancy(transactional_db):
    site = SiteFactory()
    call = make_call(site, documents=())
    space = call.lots.get().space
    first = submitted(call, UserFactory(), structure_name="Première")
    second = submitted(call, UserFactory(), structure_name="Seconde")
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def accept(application: Application) -> None:
        try:
            barrier.wait(timeout=10)
            calls_services.application_accept(
                application=application,
                spaces=[space],
                start=date(2026, 1, 1),
                end=date(2026, 12, 31),
            )
            outcomes[application.pk] = "ok"
        except ValidationError as exc:
            outcomes[application.pk] = " ".join(exc.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(a,)) for a in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values(), key=lambda v: v != "ok")[0] == "ok"
    refused = [v for v in outcomes.values() if v != "ok"]
    assert len(refused) == 1 and "attribué" in refused[0]
    assert Occupancy.objects.count() == 1
    assert Structure.objects.count() == 1
    assert StructureMember.objects.count() == 1
    statuses = sorted(Application.objects.values_list("status", flat=True))
    assert statuses == ["retenue", "soumise"]


@pytest.mark.postgres
def test_uploads_at_once_cannot_pass_the_documents_cap(transactional_db):
    call = make_call(SiteFactory(), documents=("statuts",))
    candidate = UserFactory()
    application = make_application(call, candidate)
    for _n in range(calls_services.MAX_DOCUMENTS - 1):
        attach(application)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def add(name: str) -> None:
        try:
            barrier.wait(timeout=10)
            calls_services.document_add(
                application=application,
                user=candidate,
                document_type=doc_type("statuts"),
                upload=pdf_file(name),
            )
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(f"{n}.pdf",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    ok, *refused = sorted(outcomes, key=lambda v: v != "ok")
    assert ok == "ok" and len(refused) == 3
    assert all("10 pièces jointes au plus" in message for message in refused)
    assert application.documents.count() == calls_services.MAX_DOCUMENTS
