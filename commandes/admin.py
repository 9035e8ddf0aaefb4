from django.contrib import admin

from commandes.models import Commande, StatusChange, TeamMember


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    autocomplete_fields = ["person"]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "changed_by", "changed_at", "comment"]
    can_delete = False


@admin.register(Commande)
class CommandeAdmin(admin.ModelAdmin):
    list_display = ["title", "initial_title", "commanditaire", "direction", "status", "updated_at"]
    list_filter = ["status", "programme", "direction"]
    search_fields = ["title", "initial_title", "initial_wording", "reformulated_wording"]
    list_select_related = ["commanditaire", "direction"]
    autocomplete_fields = ["commanditaire", "direction"]
    filter_horizontal = ["sessions"]
    inlines = [TeamMemberInline, StatusChangeInline]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["commande", "from_status", "to_status", "changed_by", "changed_at"]
    list_filter = ["to_status"]
    search_fields = ["commande__title", "comment"]
    list_select_related = ["commande", "changed_by"]


@admin.register(TeamMember)
class TeamMemberAdmin(admin.ModelAdmin):
    list_display = ["person", "commande", "role"]
    list_filter = ["role"]
    search_fields = ["person__last_name", "commande__title"]
    list_select_related = ["person", "commande"]
