"""The forms of the path pages. They only read and check input: the writes are in
sites.path.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sites.models import PathTemplate, Site, Stage, Step
from sites.models.path import responsible_candidates


def date_input() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class StageForm(forms.ModelForm):
    class Meta:
        model = Stage
        fields = ["title"]


class StepForm(forms.ModelForm):
    remove_document = forms.BooleanField(label=_("Retirer le document"), required=False)

    class Meta:
        model = Step
        fields = [
            "title",
            "responsible",
            "due_date",
            "done_date",
            "required_for",
            "notes",
            "document",
        ]
        widgets = {
            "due_date": date_input(),
            "done_date": date_input(),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "document": forms.FileInput(),
        }

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = responsible_candidates(site)
        self.fields["responsible"].label_from_instance = lambda user: user.get_full_name()
        if not (self.instance.pk and self.instance.document):
            del self.fields["remove_document"]


class TemplateForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Modèle"), queryset=PathTemplate.objects.none(), empty_label=None
    )

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = PathTemplate.objects.for_site(site)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Nouveau statut"), choices=Site.Status.choices)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Vers le haut")), ("down", _("Vers le bas"))])
