from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        extra.setdefault("email_verified_at", timezone.now())
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        # E-mail addresses are stored lower-case; logins are accepted in any case.
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("adresse e-mail"), unique=True)
    full_name = models.CharField(_("nom complet"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        _("accès à l'administration"),
        default=False,
        help_text=_("Donné aux gestionnaires ; ce qu'ils voient reste limité à leurs lieux."),
    )
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)
    # Empty until the person proves they read this mailbox (sign-up link, password reset,
    # invitation): until then nothing they do reaches other people (accounts.verification).
    email_verified_at = models.DateTimeField(_("adresse vérifiée le"), null=True, blank=True)
    # Empty: the person never chose (accounts.language.of says what they are written in).
    language = models.CharField(
        _("langue"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Langue des e-mails et de l'interface ; vide : celle de la plateforme."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name()

    @staticmethod
    def erased_address(pk: int) -> str:
        """The address an erased account keeps: unique, and never a mailbox (.invalid,
        RFC 2606)."""
        return f"erased-{pk}@invalid"

    @property
    def is_erased(self) -> bool:
        return self.email == self.erased_address(self.pk)

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def get_full_name(self) -> str:
        # A booking or an event still points to an erased account: it reads as such, not as
        # its placeholder address.
        if self.is_erased:
            return str(_("Compte supprimé"))
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Organisation(models.Model):
    class Kind(models.TextChoices):
        OWNER = "owner", _("Propriétaire / bailleur")
        OPERATOR = "operator", _("Gestionnaire")
        PUBLIC_BODY = "public_body", _("Collectivité ou organisme public")
        FUNDER = "funder", _("Financeur")

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    website = models.URLField(_("site web"), blank=True)
    description = models.TextField(_("présentation"), blank=True)
    staff = models.ManyToManyField(
        User,
        verbose_name=_("équipe"),
        related_name="staff_organisations",
        blank=True,
        help_text=_("Pour un gestionnaire : son équipe gère tous les lieux qu'il opère."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
