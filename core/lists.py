"""Shared lists that managers extend (equipment, activity sectors): data rows named in French
and in English, the English name read on English pages (core.text.localized)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.text import localized


class ListItem(models.Model):
    """A line of a shared list: its French name, its English name (optional) and its slug."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    name_en = models.CharField(
        _("nom en anglais"),
        max_length=100,
        blank=True,
        help_text=_("Affiché sur les pages en anglais ; à défaut, le nom français."),
    )
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language (core.text.localized)."""
        return localized(self.name, self.name_en)
