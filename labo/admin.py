from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from labo.models import Direction, Document, Person, Programme, SignInIdentity, Skill

admin.site.site_header = _("Labo administration")
admin.site.site_title = _("Labo")


@admin.register(Direction)
class DirectionAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym"]
    search_fields = ["name", "acronym"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = [
        "last_name",
        "first_name",
        "email",
        "grade",
        "direction",
        "joined_on",
        "is_active",
    ]
    list_filter = ["is_active", "grade", "direction", "skills", "appetites"]
    search_fields = ["last_name", "first_name", "email", "job_title", "domain_profile"]
    list_select_related = ["direction"]
    autocomplete_fields = ["user", "direction", "mentor"]
    filter_horizontal = ["skills", "appetites"]
    date_hierarchy = "joined_on"


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "starts_on", "ends_on"]
    search_fields = ["name", "organisation"]
    filter_horizontal = ["facilitators"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Generated restitutions: read, delete, never edited by hand."""

    list_display = ["title", "kind", "status", "size", "reused", "created_at", "finished_at"]
    list_filter = ["kind", "status", "programme"]
    search_fields = ["title"]
    list_select_related = ["programme"]
    readonly_fields = [f.name for f in Document._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(SignInIdentity)
class SignInIdentityAdmin(admin.ModelAdmin):
    """Made by a first single sign-on; deleting one lets the account be linked afresh."""

    list_display = ["user", "issuer", "subject", "created_at"]
    search_fields = ["user__username", "user__email", "subject"]
    list_select_related = ["user"]
    readonly_fields = ["user", "issuer", "subject", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False
