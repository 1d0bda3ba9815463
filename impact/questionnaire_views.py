"""A site's public questionnaire: occupants and visitors say what the site changed, for the
indicators they choose, anonymously unless they attach their account. Each answered indicator
becomes a draft observation that the site's managers validate (impact.services).

Open only on a published site whose questionnaire is open; otherwise a 404. Answers are
limited per client IP (accounts.throttle), since anyone may send them, and the form carries
the robots' trap (core.honeypot).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import throttle
from accounts.client_ip import client_ip
from impact import services
from impact.forms import QuestionnaireAnswerForm
from impact.models import Questionnaire


def _open_questionnaire(slug: str) -> Questionnaire:
    try:
        return Questionnaire.objects.select_related("site").get(
            site__slug=slug, site__published=True, is_open=True
        )
    except Questionnaire.DoesNotExist:
        raise Http404(_("Ce questionnaire n'existe pas ou n'est pas ouvert.")) from None


def _allowed(request: HttpRequest) -> bool:
    hits = throttle.count(
        "questionnaire:ip",
        client_ip(request) or "unknown",
        window=settings.QUESTIONNAIRE_THROTTLE_WINDOW_SECONDS,
    )
    return hits <= settings.QUESTIONNAIRE_THROTTLE_PER_IP


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, slug: str) -> HttpResponse:
    questionnaire = _open_questionnaire(slug)
    form = QuestionnaireAnswerForm(
        request.POST if request.method == "POST" else None, user=request.user
    )
    context = {"questionnaire": questionnaire, "site": questionnaire.site, "form": form}
    if request.method != "POST":
        return render(request, "impact/questionnaire/answer.html", context)
    if not _allowed(request):
        context["throttled"] = True
        return render(request, "impact/questionnaire/answer.html", context, status=429)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.questionnaire_answer(
                questionnaire=questionnaire,
                respondent_public=data["public"],
                answers=data["answers"],
                respondent=request.user if data.get("attach_account") else None,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("impact_questionnaire:thanks", slug=questionnaire.site.slug)
    return render(request, "impact/questionnaire/answer.html", context, status=400)


@require_GET
def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    questionnaire = _open_questionnaire(slug)
    return render(
        request,
        "impact/questionnaire/thanks.html",
        {"questionnaire": questionnaire, "site": questionnaire.site},
    )
