from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from labo.models import Person
from sessions.models import AgendaItem, Session


class Format(models.TextChoices):
    TRIBUNAL = "tribunal", _("Innovation tribunal")
    DEBAT_MOUVANT = "debat_mouvant", _("Moving debate")
    DEMARREUR = "demarreur", _("Benevolent starter interview")
    LABO_STANDS = "labo_stands", _("Lab stands")
    CRITERIA_GRID = "criteria_grid", _("Criteria grid")
    SCENARIO_TABLES = "scenario_tables", _("Scenario tables")
    RETROSPECTIVE = "retrospective", _("Retrospective")
    FREE = "free", _("Free format")


class Atelier(models.Model):
    """A workshop held during a session, in one format; its results follow the format."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="ateliers"
    )
    agenda_item = models.OneToOneField(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="atelier",
    )
    commande = models.ForeignKey(
        "commandes.Commande",
        verbose_name=_("commande"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ateliers",
    )
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    title = models.CharField(_("title"), max_length=200)
    objectives = models.TextField(_("objectives"), blank=True)
    facilitators = models.ManyToManyField(
        Person, verbose_name=_("facilitators"), blank=True, related_name="facilitated_ateliers"
    )
    participants = models.ManyToManyField(
        Person, verbose_name=_("participants"), blank=True, related_name="ateliers"
    )
    guest_count = models.PositiveIntegerField(_("guests without an account"), default=0)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["session", "pk"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")

    def __str__(self) -> str:
        return self.title
