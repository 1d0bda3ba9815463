"""Mon espace (accounts:dashboard): the sites I manage, a link to those I follow as owner or
funder, my structures with their sites, my applications. It lives here, above accounts and
sites, since it shows what occupants holds; config/urls.py keeps its URL name in the accounts
namespace."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from occupants import models as occupant_models
from occupants.views import occupancies_for
from sites.models import Site


def _my_applications(user) -> list:
    return list(
        occupant_models.Application.objects.of_candidate(user).select_related(
            "call__site", "structure"
        )[:50]
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Mon espace: the sites I manage, my structures with their sites, my applications."""
    managed = Site.objects.managed_by(request.user).select_related("operator").order_by("name")
    memberships = list(
        occupant_models.StructureMember.objects.filter(user_id=request.user.pk)
        .select_related("structure")
        .order_by("structure__name")
    )
    by_structure: dict[int, list] = {m.structure_id: [] for m in memberships}
    for occupancy in occupancies_for([m.structure_id for m in memberships]):
        by_structure[occupancy.structure_id].append(occupancy)
    structures = [
        {
            "structure": m.structure,
            "membership": m,
            "is_lead": m.role == occupant_models.StructureMember.Role.LEAD,
            "occupancies": by_structure[m.structure_id],
        }
        for m in memberships
    ]
    return render(
        request,
        "accounts/dashboard.html",
        {
            "managed_sites": managed,
            # The owners' and funders' view (impact.owner_views), for its link: one EXISTS.
            "follows_sites": Site.objects.owned_by(request.user).exists(),
            "structures": structures,
            "applications": _my_applications(request.user),
        },
    )
