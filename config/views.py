import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from accounts import language
from core.charts import make_chart
from core.http import safe_next


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /compte/",
        "Disallow: /langue/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Constant answer, no database query: the ceiling in `make bench`, a production probe."""
    return HttpResponse("ok", content_type="text/plain")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", {"PLATFORM_NAME": settings.PLATFORM_NAME}, status=500)


@require_GET
@never_cache
def choose_language(request: HttpRequest, code: str) -> HttpResponse:
    """The header's language links: remember the language in its cookie, and on the account of
    a logged-in person (their e-mails follow it), and go back.

    A link rather than Django's POST form, so that public pages hold no CSRF token and can be
    served from the page cache. Changing one's own language is harmless (a forged link could
    at worst switch someone's e-mails to the other language, which they switch back), so a GET
    that writes it is acceptable here; an unknown language answers 404 and a `next`
    pointing to another host is replaced by the home page.
    """
    if not language.is_known(code):
        raise Http404
    response = HttpResponseRedirect(safe_next(request, reverse("home")))
    language.set_cookie(response, code)
    if request.user.is_authenticated:
        language.remember(request.user, code)
    return response


# The style guide: the colour tokens are read from the stylesheet itself, so the contrast
# ratios it shows are those of the colours in use, not of a copy that could drift.
COLOR_TOKEN = re.compile(r"^\s*--color-([a-z-]+):\s*(#[0-9a-fA-F]{6});", re.MULTILINE)

# (foreground, background, minimum ratio): the pairs the stylesheet puts together. 4.5 for text,
# 3 for the borders of form controls (WCAG 2.1 AA, 1.4.3 and 1.4.11).
CONTRAST_PAIRS = [
    ("text", "bg", 4.5),
    ("text", "surface", 4.5),
    ("text", "accent", 4.5),
    ("muted", "bg", 4.5),
    ("muted", "surface", 4.5),
    ("muted", "primary-light", 4.5),
    ("primary", "bg", 4.5),
    ("primary", "surface", 4.5),
    ("primary", "primary-light", 4.5),
    ("primary", "accent", 4.5),
    ("bg", "primary", 4.5),
    ("bg", "primary-dark", 4.5),
    ("bg", "danger", 4.5),
    ("bg", "danger-dark", 4.5),
    ("error", "bg", 4.5),
    ("error", "error-bg", 4.5),
    ("success", "success-bg", 4.5),
    ("warning", "warning-bg", 4.5),
    ("info", "info-bg", 4.5),
    ("focus", "bg", 3),
    ("focus", "accent", 3),
    ("control-border", "bg", 3),
]

GUIDE_EXAMPLES = [
    ("buttons", _("Boutons")),
    ("badges", _("Badges")),
    ("cards", _("Cartes")),
    ("event_card", _("Carte d'événement (agenda)")),
    ("key_figures", _("Chiffres clés")),
    ("table", _("Tableau")),
    ("fold", _("Liste dépliable")),
    ("error_summary", _("Formulaire et récapitulatif des erreurs")),
    ("subnav", _("Sous-navigation (onglets)")),
    ("breadcrumb", _("Fil d’Ariane")),
    ("empty_state", _("État vide")),
    ("chart", _("Graphique et ses données")),
]


def relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def colour_tokens() -> dict[str, str]:
    """The --color-* custom properties of static/css/app.css, by name, in their order."""
    return dict(COLOR_TOKEN.findall(Path(finders.find("css/app.css")).read_text(encoding="utf-8")))


@dataclass(frozen=True)
class ContrastPair:
    foreground: str
    background: str
    foreground_value: str
    background_value: str
    ratio: float
    minimum: float

    @property
    def passes(self) -> bool:
        return self.ratio >= self.minimum


def contrast_pairs(tokens: dict[str, str]) -> list[ContrastPair]:
    return [
        ContrastPair(
            fg, bg, tokens[fg], tokens[bg], contrast_ratio(tokens[fg], tokens[bg]), minimum
        )
        for fg, bg, minimum in CONTRAST_PAIRS
    ]


class GuideForm(forms.Form):
    """A form shown with its errors on the style guide."""

    name = forms.CharField(label=_("Nom de la structure"), max_length=80)
    email = forms.EmailField(label=_("Adresse e-mail"))
    seats = forms.IntegerField(label=_("Nombre de places"), min_value=1, help_text=_("Au moins 1."))


@login_required
@never_cache
def style_guide(request: HttpRequest) -> HttpResponse:
    """The design tokens and components, each rendered beside the markup that renders it. Staff
    only; anyone else gets the 404 a page that does not exist would give."""
    if not request.user.is_staff:
        raise Http404
    tokens = colour_tokens()
    context = {
        "form": GuideForm({"name": "", "email": "pas-une-adresse", "seats": "0"}),
        "chart": make_chart(
            [(_("Atelier"), 12), (_("Bureau"), 8), (_("Salle partagée"), 3)],
            title=_("Espaces par type"),
            label_header=_("Type d’espace"),
            value_header=_("Nombre"),
            chart_id="guide-chart",
        ),
    }
    examples = []
    for name, title in GUIDE_EXAMPLES:
        template = loader.get_template(f"pages/guide/{name}.html")
        examples.append(
            {
                "name": name,
                "title": title,
                "source": template.template.source.strip(),
                "html": template.render(context, request),
            }
        )
    return render(
        request,
        "pages/guide.html",
        {
            "tokens": tokens.items(),
            "pairs": contrast_pairs(tokens),
            "type_scale": ["3xl", "2xl", "xl", "lg", "base", "sm", "xs"],
            "spaces": range(1, 7),
            "examples": examples,
        },
    )


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """The RGAA statement: conformity, known limits, how it was established, contact, recourse."""
    return render(
        request,
        "pages/accessibility.html",
        {
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
            "statement_date": date.fromisoformat(settings.ACCESSIBILITY_STATEMENT_DATE),
        },
    )
