from django.contrib import admin

from ateliers.models import Atelier


@admin.register(Atelier)
class AtelierAdmin(admin.ModelAdmin):
    list_display = ["title", "format", "session", "commande", "guest_count"]
    list_filter = ["format", "session__programme", "session"]
    search_fields = ["title", "objectives", "summary"]
    list_select_related = ["session", "commande"]
    filter_horizontal = ["facilitators", "participants"]
    raw_id_fields = ["agenda_item"]
