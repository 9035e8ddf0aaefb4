"""Forms about people: the directory filter, a profile, the HR import, anonymising."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from labo.lib.text import SHORT_TEXT
from labo.lib.versions import VersionedForm
from labo.models import Direction, Grade, Person, Skill

IMPORT_SALT = "labo.person-import"
IMPORT_MAX_AGE = 3600
IMPORT_EXPIRED = _("The preview has expired or was altered: send the file again.")
LIST_SEPARATORS = re.compile(r"[;,|\n]")
YES = {"oui", "o", "yes", "y", "1", "vrai", "true", "x"}
NO = {"non", "n", "no", "0", "faux", "false"}


class PersonFilterForm(forms.Form):
    ACTIVE = "active"
    INACTIVE = "inactive"
    NEWCOMERS = "newcomers"

    NO_GRADE = "none"

    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    # The directory is the facilitators' (labo/access.py): they invite grade B and C agents
    # (docs/privacy.md).
    grade = forms.ChoiceField(
        label=_("Grade"),
        choices=[("", _("All grades")), *Grade.choices, (NO_GRADE, _("Grade unknown"))],
        required=False,
    )
    direction = forms.ModelChoiceField(
        label=_("Direction"),
        queryset=Direction.objects.all(),
        required=False,
        empty_label=_("All directions"),
    )
    skill = forms.ModelChoiceField(
        label=_("Skill"), queryset=Skill.objects.all(), required=False, empty_label=_("Any skill")
    )
    appetite = forms.ModelChoiceField(
        label=_("Appetite"),
        queryset=Skill.objects.all(),
        required=False,
        empty_label=_("Any appetite"),
    )
    activity = forms.ChoiceField(
        label=_("Activity"),
        choices=[
            ("", _("Everyone")),
            (ACTIVE, _("Active")),
            (INACTIVE, _("Inactive")),
            (NEWCOMERS, _("Newcomers")),
        ],
        required=False,
    )

    def filter(self, people):
        data = self.cleaned_data
        if data.get("q"):
            for word in data["q"].split():
                people = people.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
        grade = data.get("grade")
        if grade:
            people = people.filter(grade="" if grade == self.NO_GRADE else grade)
        if data.get("direction"):
            people = people.filter(direction=data["direction"])
        if data.get("skill"):
            people = people.filter(skills=data["skill"])
        if data.get("appetite"):
            people = people.filter(appetites=data["appetite"])
        activity = data.get("activity")
        if activity == self.ACTIVE:
            people = people.filter(is_active=True)
        elif activity == self.INACTIVE:
            people = people.filter(is_active=False)
        elif activity == self.NEWCOMERS:
            people = people.newcomers()
        return people


class ProfileForm(VersionedForm):
    class Meta:
        model = Person
        fields = ["job_title", "domain_profile", "skills", "appetites"]
        widgets = {
            "skills": forms.CheckboxSelectMultiple,
            "appetites": forms.CheckboxSelectMultiple,
        }


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("HR list (CSV or XLSX)"),
        help_text=_(
            "First line: column names. Required: nom, prénom, email. Optional: grade, "
            "direction, poste, profil, compétences, appétences, date d'arrivée, actif."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError(_("Unsupported file type: send a .csv or .xlsx file."))
        if upload.size > settings.LABO_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large (at most %(max)d MB).")
                % {"max": settings.LABO_IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload


class ImportConfirmForm(forms.Form):
    """The rows of a preview, signed, sent back to be written."""

    payload = forms.CharField(widget=forms.HiddenInput)

    @classmethod
    def for_rows(cls, rows: list[dict[str, str]], lines: list[int]) -> ImportConfirmForm:
        payload = signing.dumps({"rows": rows, "lines": lines}, salt=IMPORT_SALT, compress=True)
        return cls(initial={"payload": payload})

    def clean_payload(self) -> tuple[list[dict[str, str]], list[int]]:
        """The rows and their line numbers, as the preview signed them."""
        try:
            data = signing.loads(
                self.cleaned_data["payload"], salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE
            )
            return data["rows"], data["lines"]
        except (signing.BadSignature, KeyError, TypeError) as error:
            raise forms.ValidationError(IMPORT_EXPIRED) from error


def split_names(text: str) -> list[str]:
    seen: dict[str, str] = {}
    for part in LIST_SEPARATORS.split(text):
        name = " ".join(part.split())
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name[:120]
    return list(seen.values())


class PersonRowForm(forms.Form):
    """One line of the HR list, validated as a user would type it."""

    last_name = forms.CharField(max_length=100, label=_("last name"))
    first_name = forms.CharField(max_length=100, label=_("first name"))
    email = forms.EmailField(label=_("e-mail"))
    grade = forms.CharField(required=False, max_length=20, label=_("grade"))
    direction = forms.CharField(required=False, max_length=200, label=_("direction"))
    job_title = forms.CharField(required=False, max_length=200, label=_("job title"))
    domain_profile = forms.CharField(required=False, max_length=120, label=_("domain profile"))
    skills = forms.CharField(required=False, max_length=SHORT_TEXT, label=_("skills"))
    appetites = forms.CharField(required=False, max_length=SHORT_TEXT, label=_("appetites"))
    joined_on = forms.DateField(
        required=False,
        label=_("joined on"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"],
        error_messages={"invalid": _("Enter a date as DD/MM/YYYY.")},
    )
    is_active = forms.CharField(required=False, max_length=10, label=_("active"))

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_grade(self) -> str:
        raw = self.cleaned_data["grade"].strip().upper()
        raw = re.sub(r"^(CAT(EGORIE|\.)?\s*)", "", raw).strip()
        if raw and raw not in Grade.values:
            raise forms.ValidationError(_("The grade must be A, B or C."))
        return raw

    def clean_direction(self) -> str:
        return " ".join(self.cleaned_data["direction"].split())

    def clean_skills(self) -> list[str]:
        return split_names(self.cleaned_data["skills"])

    def clean_appetites(self) -> list[str]:
        return split_names(self.cleaned_data["appetites"])

    def clean_is_active(self) -> bool:
        raw = self.cleaned_data["is_active"].strip().lower()
        if raw == "" or raw in YES:
            return True
        if raw in NO:
            return False
        raise forms.ValidationError(_("Write “oui” or “non”."))


class AnonymiseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I confirm: this person has left and asked to be forgotten. Their name, e-mail, "
            "grade and profile will be erased for good; their contributions stay, signed "
            "“former member”."
        ),
        error_messages={"required": _("Tick the box to confirm: this cannot be undone.")},
    )
