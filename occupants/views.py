"""Mon espace for structures: their page, profile, members and invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from occupants import services
from occupants.downloads import private_file_response
from occupants.forms import AcceptInvitationForm, InvitationForm, StructureProfileForm
from occupants.models import Invitation, Occupancy, Space, StructureMember

INVITATION_SESSION_KEY = "occupants_invitation_token"


def get_membership(request: HttpRequest, slug: str, *, lead: bool = False) -> StructureMember:
    """The user's membership of the structure, or 404: another structure's pages do not exist for
    them, and a plain member asking for a responsable's page gets the same answer."""
    queryset = StructureMember.objects.select_related("structure").filter(
        user_id=request.user.pk, structure__slug=slug
    )
    if lead:
        queryset = queryset.filter(role=StructureMember.Role.LEAD)
    return get_object_or_404(queryset)


def occupancies_for(structures) -> list[Occupancy]:
    """Non-cancelled occupancies of these structures with their site and spaces, in 3 queries."""
    return list(
        Occupancy.objects.filter(structure__in=structures)
        .exclude(status=Occupancy.Status.CANCELLED)
        .select_related("site", "structure")
        .prefetch_related(Prefetch("spaces", queryset=Space.objects.order_by("level", "name")))
        .order_by("site__name", "-start", "pk")
    )


@login_required
def structure_detail(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    structure = membership.structure
    members = (
        StructureMember.objects.filter(structure=structure)
        .select_related("user")
        .order_by("role", "user__full_name", "user__email")
    )
    context = {
        "structure": structure,
        "membership": membership,
        "is_lead": membership.role == StructureMember.Role.LEAD,
        "occupancies": occupancies_for([structure]),
        "sectors": list(structure.sectors.all()),
        "members": members,
    }
    return render(request, "occupants/structure_detail.html", context)


@login_required
@require_GET
def agreement_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """The signed agreement, for the structure's members and the site's managers; 404 for others."""
    occupancy = get_object_or_404(
        Occupancy.objects.visible_to(request.user)
        .select_related("structure")
        .exclude(agreement=""),
        pk=pk,
        structure__slug=slug,
    )
    return private_file_response(occupancy.agreement, occupancy.agreement_filename)


@login_required
def structure_edit(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug, lead=True)
    structure = membership.structure
    form = StructureProfileForm(request.POST or None, request.FILES or None, instance=structure)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Le profil de la structure est enregistré."))
        return redirect("occupants:detail", slug=structure.slug)
    return render(request, "occupants/structure_form.html", {"structure": structure, "form": form})


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug, lead=True)
    structure = membership.structure
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite(
                structure,
                form.cleaned_data["email"],
                form.cleaned_data["role"],
                invited_by=request.user,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(
                request,
                _("Invitation envoyée à %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("occupants:members", slug=structure.slug)
    context = {
        "structure": structure,
        "form": form,
        "members": StructureMember.objects.filter(structure=structure)
        .select_related("user")
        .order_by("role", "user__full_name", "user__email"),
        "pending": Invitation.objects.filter(structure=structure, accepted_at__isnull=True)
        .select_related("invited_by")
        .order_by("-created_at"),
        "now": timezone.now(),
        "valid_days": services.invitation_valid_days(),
    }
    return render(request, "occupants/members.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET asks for confirmation, POST removes the member."""
    membership = get_membership(request, slug, lead=True)
    member = get_object_or_404(
        StructureMember.objects.select_related("user"), pk=pk, structure_id=membership.structure_id
    )
    if request.method != "POST":
        context = {"structure": membership.structure, "member": member}
        return render(request, "occupants/member_remove.html", context)
    try:
        services.remove_member(member, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(name)s ne fait plus partie de la structure.")
            % {"name": member.user.get_full_name()},
        )
    if (
        member.user_id == request.user.pk
        and not StructureMember.objects.filter(pk=member.pk).exists()
    ):
        return redirect("accounts:dashboard")
    return redirect("occupants:members", slug=membership.structure.slug)


def mask_email(email: str) -> str:
    """n•••@example.org: enough for the invitee to recognise their address, not enough for
    someone else holding the link to learn it."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link. The token moves to the session and out of the address bar (and out of
    any Referer header) before the page is shown, as Django's password reset does."""
    request.session[INVITATION_SESSION_KEY] = token
    return HttpResponseRedirect(reverse("occupants:invitation_accept"))


def invitation_accept(request: HttpRequest) -> HttpResponse:
    token = request.session.get(INVITATION_SESSION_KEY, "")
    try:
        pending = services.get_pending_invitation(token)
    except services.InvitationError as exc:
        return render(
            request, "occupants/invitation_invalid.html", {"error": exc.messages[0]}, status=410
        )
    account_exists = (
        not request.user.is_authenticated
        and get_user_model()._default_manager.filter(email__iexact=pending.email).exists()
    )
    form = None
    wrong_account = request.user.is_authenticated and not services.invitation_is_for(
        pending, request.user
    )
    if wrong_account:
        # Nothing to accept for this account; the service refuses it too.
        return render(
            request,
            "occupants/invitation_accept.html",
            {
                "invitation": pending,
                "wrong_account": services.wrong_account_message(),
                "masked_email": mask_email(pending.email),
            },
            status=403 if request.method == "POST" else 200,
        )
    if request.user.is_authenticated:
        if request.method == "POST":
            return _accept(request, token, user=request.user)
    elif not account_exists:
        form = AcceptInvitationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            return _accept(
                request,
                token,
                form=form,
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
            )
    context = {
        "invitation": pending,
        "form": form,
        "account_exists": account_exists,
        "login_url": reverse("accounts:login") + "?next=" + reverse("occupants:invitation_accept"),
    }
    return render(request, "occupants/invitation_accept.html", context)


def _accept(request: HttpRequest, token: str, *, form=None, **kwargs) -> HttpResponse:
    try:
        member = services.accept_invitation(token, **kwargs)
    except services.InvitationError as exc:
        return render(
            request, "occupants/invitation_invalid.html", {"error": exc.messages[0]}, status=410
        )
    except ValidationError as exc:
        if form is None:
            messages.error(request, " ".join(exc.messages))
            return redirect("occupants:invitation_accept")
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                target = "password1" if field == "password" else field
                for error in errors:
                    form.add_error(target if target in form.fields else None, error)
        else:
            for error in exc.messages:
                form.add_error(None, error)
        return render(
            request,
            "occupants/invitation_accept.html",
            {"invitation": services.get_pending_invitation(token), "form": form},
        )
    request.session.pop(INVITATION_SESSION_KEY, None)
    if not request.user.is_authenticated:
        login(request, member.user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request,
        _("Bienvenue : vous avez rejoint « %(structure)s ».")
        % {"structure": member.structure.name},
    )
    return redirect("occupants:detail", slug=member.structure.slug)
