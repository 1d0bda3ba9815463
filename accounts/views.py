from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from accounts.forms import LoginForm, PasswordResetForm
from occupants import models as occupant_models
from occupants.views import occupancies_for
from sites.models import Site


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_email_context = {"site_name": settings.PLATFORM_NAME}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever proved they own the mailbox may log in again at once, lock or not.
        axes_reset(username=form.user.email)
        return response


def _my_applications(user) -> list | None:
    """The calls for applications section, once that feature exists: None hides it."""
    application = getattr(occupant_models, "Application", None)
    of_candidate = getattr(getattr(application, "objects", None), "of_candidate", None)
    if of_candidate is None:
        return None
    return list(of_candidate(user).select_related("call__site", "structure")[:50])


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
            "structures": structures,
            "applications": _my_applications(request.user),
        },
    )
