from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from core.images import SafeImageFormField
from sites.inventory.models import (
    OWNER_KINDS,
    Scenario,
    VacantBuilding,
    VacantBuildingDocument,
    VacantBuildingPhoto,
    inventory_organisations,
    may_record_for,
)

STATE_FIELDS = (
    "water",
    "water_notes",
    "heating",
    "heating_notes",
    "electricity",
    "electricity_notes",
    "accessibility",
    "accessibility_notes",
    "safety_notes",
)


def contact_choices(user, building: VacantBuilding | None) -> QuerySet[User]:
    """Whom the form offers as the owner's internal contact: people of the owner
    organisations the user belongs to (all owners' for a superuser), and the current one."""
    owners = Organisation.objects.filter(kind__in=OWNER_KINDS)
    if not user.is_superuser:
        memberships, _operators = inventory_organisations(user)
        owners = owners.filter(pk__in=memberships)
    users = User.objects.filter(is_active=True, staff_organisations__in=owners)
    if building is not None and building.contact_user_id:
        users = users | User.objects.filter(pk=building.contact_user_id)
    return users.distinct().order_by("full_name", "email")


class VacantBuildingForm(forms.ModelForm):
    scenarios = forms.MultipleChoiceField(
        label=_("Scénarios envisagés"),
        choices=Scenario.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("Scénario non reconnu : %(value)s.")},
    )

    class Meta:
        model = VacantBuilding
        fields = (
            "name",
            "owner",
            "operator",
            "address",
            "postal_code",
            "commune",
            "departement",
            "latitude",
            "longitude",
            "surface",
            "floors",
            "former_use",
            *STATE_FIELDS,
            "available_from",
            "available_until",
            "contact_user",
            "contact_name",
            "contact_email",
            "contact_phone",
            "notes",
        )
        widgets = {
            "available_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "available_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "safety_notes": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["owner"].queryset = Organisation.objects.filter(kind__in=OWNER_KINDS)
        self.fields["operator"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.OPERATOR
        )
        building = self.instance if self.instance.pk else None
        self.fields["contact_user"].queryset = contact_choices(user, building)
        if building is not None:
            self.initial.setdefault("scenarios", building.scenario_values)

    def identity_fields(self):
        return [self[name] for name in ("name", "owner", "operator", "former_use")]

    def place_fields(self):
        names = ("address", "postal_code", "commune", "departement", "latitude", "longitude")
        return [self[name] for name in names]

    def size_fields(self):
        names = ("surface", "floors", "available_from", "available_until")
        return [self[name] for name in names]

    def state_fields(self):
        return [self[name] for name in STATE_FIELDS]

    def contact_fields(self):
        names = ("contact_user", "contact_name", "contact_email", "contact_phone", "notes")
        return [self[name] for name in names]

    def clean(self) -> dict:
        data = super().clean()
        owner, operator = data.get("owner"), data.get("operator")
        if owner is not None and not may_record_for(
            self.user, owner_id=owner.pk, operator_id=operator.pk if operator else None
        ):
            raise forms.ValidationError(
                _(
                    "Vous ne feriez pas partie des personnes qui suivent ce bâtiment : "
                    "choisissez un propriétaire ou un gestionnaire dont vous êtes membre."
                )
            )
        return data


class PhotoForm(forms.ModelForm):
    image = SafeImageFormField(label=_("Image (JPEG, PNG ou WebP)"))

    class Meta:
        model = VacantBuildingPhoto
        fields = ("image", "alt_text", "caption")


class DocumentForm(forms.ModelForm):
    class Meta:
        model = VacantBuildingDocument
        fields = ("title", "file")
        labels = {"file": _("Fichier (PDF, JPEG ou PNG, 10 Mo au plus)")}
