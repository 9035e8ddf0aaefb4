from django.contrib import admin

from sessions.models import (
    AgendaItem,
    Attendance,
    Day,
    DayRun,
    Method,
    MethodStep,
    Session,
    SessionTemplate,
)


class DayInline(admin.TabularInline):
    model = Day
    extra = 0


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["position", "kind", "title", "duration_minutes", "fixed_start", "parent"]
    fk_name = "day"


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "programme", "place", "starts_on", "ends_on", "status"]
    list_filter = ["status", "programme"]
    search_fields = ["title", "place", "objectives"]
    list_select_related = ["programme"]
    date_hierarchy = "starts_on"
    filter_horizontal = ["facilitators"]
    inlines = [DayInline]


@admin.register(Day)
class DayAdmin(admin.ModelAdmin):
    list_display = ["session", "date", "title", "starts_at", "ends_at", "capacity"]
    list_filter = ["session__programme"]
    search_fields = ["title", "session__title"]
    list_select_related = ["session"]
    inlines = [AgendaItemInline, AttendanceInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["title", "day", "position", "kind", "duration_minutes", "fixed_start"]
    list_filter = ["kind", "day__session"]
    search_fields = ["title", "description"]
    list_select_related = ["day__session"]
    filter_horizontal = ["facilitators"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["person", "day", "role", "present"]
    list_filter = ["role", "present", "day__session"]
    search_fields = ["person__last_name", "person__first_name"]
    list_select_related = ["person", "day__session"]
    autocomplete_fields = ["person"]


class MethodStepInline(admin.TabularInline):
    model = MethodStep
    extra = 0


@admin.register(Method)
class MethodAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "atelier_format", "duration_minutes"]
    list_filter = ["kind"]
    search_fields = ["name", "instructions"]
    inlines = [MethodStepInline]


@admin.register(SessionTemplate)
class SessionTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name", "description"]


@admin.register(DayRun)
class DayRunAdmin(admin.ModelAdmin):
    list_display = [
        "day",
        "rehearsal",
        "current_item",
        "item_started_at",
        "extra_minutes",
        "finished",
    ]
    list_select_related = ["day__session", "current_item"]
