"""Supprimer mon compte (accounts:erase, linked from Mon compte): a person erases their own
account. It lives here, above accounts, since the erasure reaches what occupants and the apps
above it hold; config/urls.py keeps its URL under Mon compte, in the accounts namespace."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from occupants import erasure
from occupants.forms import AccountEraseForm
from occupants.models import StructureMember


@login_required
@require_http_methods(["GET", "POST"])
def account_erase(request: HttpRequest) -> HttpResponse:
    """GET explains what the erasure does and asks for the password; POST erases, logs out and
    goes home. A refusal (administrator, last responsable) shows instead of the form."""
    user = request.user
    refused = erasure.self_erasure_refused(user)
    form = None
    if refused is None:
        form = AccountEraseForm(user, request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                erasure.person_erase(email=user.email, by=user)
            except erasure.ErasureRefused as exc:  # a co-responsable left meanwhile
                refused, form = exc, None
            else:
                logout(request)
                messages.success(request, _("Votre compte est supprimé."))
                return redirect("home")
    context = {
        "form": form,
        "refused": refused,
        "memberships": StructureMember.objects.filter(user_id=user.pk)
        .select_related("structure")
        .order_by("structure__name"),
    }
    return render(request, "accounts/erase.html", context)
