from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.forms import LoginForm
from sites.models import Site


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    managed = Site.objects.managed_by(request.user).select_related("operator").order_by("name")
    return render(request, "accounts/dashboard.html", {"managed_sites": managed})
