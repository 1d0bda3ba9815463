from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import language, services, throttle
from accounts.forms import AccountSettingsForm, LoginForm, PasswordResetForm
from core.http import safe_next


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # The interface switches to the language the account records, from the next page on.
        if recorded := form.get_user().language:
            language.set_cookie(response, recorded)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_email_context = {"site_name": settings.PLATFORM_NAME}

    def form_valid(self, form):
        # Past the limit the visitor sees the same page as always, and nothing is sent.
        if not throttle.allow_email(self.request, "password_reset", form.cleaned_data["email"]):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever proved they own the mailbox may log in again at once, lock or not, and their
        # address counts as verified.
        axes_reset(username=form.user.email)
        services.mark_email_verified(form.user)
        return response


@require_http_methods(["GET", "POST"])
def email_verify(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the confirmation e-mail. Opening it shows a button; only the button (a POST)
    verifies, so that a mail filter fetching links cannot confirm an address for someone who
    signed up with another person's e-mail."""
    try:
        user = (
            services.email_verify(token=token)
            if request.method == "POST"
            else services.user_for_verification_token(token)
        )
    except services.VerificationError as exc:
        return render(request, "accounts/email_verify.html", {"error": exc.messages[0]}, status=410)
    if request.method == "GET":
        return render(request, "accounts/email_verify.html", {"account": user})
    messages.success(
        request, _("Merci : votre adresse %(email)s est confirmée.") % {"email": user.email}
    )
    if request.user.is_authenticated and request.user.pk == user.pk:
        return redirect("accounts:dashboard")
    return redirect("accounts:login")


@login_required
@require_POST
def email_verification_resend(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.email_verified:
        messages.info(request, _("Votre adresse e-mail est déjà confirmée."))
    elif throttle.allow_email(request, "email_verification", user.email):
        services.email_verification_send(user=user)
        messages.success(
            request,
            _("Un nouveau lien de confirmation vient d'être envoyé à %(email)s.")
            % {"email": user.email},
        )
    else:
        messages.error(
            request,
            _(
                "Plusieurs liens vous ont déjà été envoyés : réessayez dans une heure, et "
                "regardez dans vos courriers indésirables."
            ),
        )
    return redirect(safe_next(request, reverse("accounts:dashboard")))


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request: HttpRequest) -> HttpResponse:
    """Mon compte: one's name and language; the language also sets the interface's cookie."""
    user = request.user
    form = AccountSettingsForm(request.POST if request.method == "POST" else None, instance=user)
    if form.is_valid():
        form.save(commit=False)
        user.save(update_fields=["full_name", "language"])
        with translation.override(user.language):  # the next page is in this language
            messages.success(request, _("Vos paramètres sont enregistrés."))
        response = redirect("accounts:settings")
        language.set_cookie(response, user.language)
        return response
    return render(request, "accounts/settings.html", {"form": form})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view, which keeps the session valid (update_session_auth_hash), back to Mon
    compte with a message."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:settings")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Votre mot de passe est modifié."))
        return response
