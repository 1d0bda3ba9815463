"""The managers' report forms: a report (its site among those they manage) and its declared
figures (a formset). Writes go through impact.reports, which checks the right again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from events.forms import date_input
from impact.models import DeclaredFigure, ImpactReport
from sites.models import Site

REPORT_FIELDS = (
    "title",
    "period_start",
    "period_end",
    "summary",
    "intensity_individual",
    "intensity_collective",
    "intensity_territorial",
    "women_management",
    "women_leaders",
    "women_occupants",
    "women_publics",
    "methods",
)


class ReportForm(forms.ModelForm):
    """A draft report. `site` is offered on creation only, among the sites `user` manages."""

    class Meta:
        model = ImpactReport
        fields = ("site", *REPORT_FIELDS)
        widgets = {"period_start": date_input(), "period_end": date_input()}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["site"]
        else:
            self.fields["site"].queryset = Site.objects.managed_by(user).order_by("name")
            self.fields["site"].empty_label = None
        for name in ("intensity_individual", "intensity_collective", "intensity_territorial"):
            self.fields[name].widget.attrs.update(min=1, max=5)
            self.fields[name].help_text = _("De 1 (faible) à 5 (très forte) ; vide si non évaluée.")
        for name in ("women_management", "women_leaders", "women_occupants", "women_publics"):
            self.fields[name].widget.attrs.update(min=0, max=100)

    def _get_validation_exclusions(self):
        # The slug is set by the service from the title: its uniqueness is checked there.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("slug")
        return exclusions

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("La période finit après son début."))
        return cleaned

    def report_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in REPORT_FIELDS}


class DeclaredFigureForm(forms.ModelForm):
    class Meta:
        model = DeclaredFigure
        fields = ("label", "value", "unit", "source", "position")


DeclaredFigureFormSet = forms.modelformset_factory(
    DeclaredFigure, form=DeclaredFigureForm, extra=3, can_delete=True, max_num=50, validate_max=True
)
