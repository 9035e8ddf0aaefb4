from django.urls import path

from sessions import planner, views

app_name = "sessions"

urlpatterns = [
    path("", views.session_list, name="session-list"),
    path("new/", planner.session_create, name="session-create"),
    path("<int:pk>/", views.session_detail, name="session-detail"),
    path("<int:pk>/edit/", planner.session_edit, name="session-edit"),
    path("<int:pk>/calendar.ics", views.session_ics, name="session-ics"),
    path("<int:pk>/synthesis/", views.session_synthesis, name="session-synthesis"),
    path("<int:pk>/synthesis.docx", views.session_synthesis_docx, name="session-synthesis-docx"),
    path("<int:pk>/history/", views.session_history, name="session-history"),
    path("<int:pk>/export/<slug:what>.<slug:fmt>", views.session_export, name="session-export"),
    path("feed/<str:token>.ics", views.personal_feed, name="personal-feed"),
    path("<int:pk>/agenda/", planner.agenda, name="agenda"),
    path("<int:pk>/save-template/", planner.session_save_template, name="session-save-template"),
    path("days/<int:pk>/", planner.day_update, name="day-update"),
    path("days/<int:pk>/items/", planner.item_create, name="item-create"),
    path("days/<int:pk>/from-method/", planner.item_from_method, name="item-from-method"),
    path("days/<int:pk>/reorder/", planner.day_reorder, name="day-reorder"),
    path("days/<int:pk>/attendance/", planner.day_attendance, name="day-attendance"),
    path("days/<int:pk>/agenda.pdf", views.day_agenda_pdf, name="day-agenda-pdf"),
    path(
        "days/<int:pk>/agenda-facilitators.pdf",
        views.day_agenda_facilitators_pdf,
        name="day-agenda-facilitators-pdf",
    ),
    path("days/<int:pk>/run/", views.day_run, name="day-run"),
    path("days/<int:pk>/run/action/", views.day_run_action, name="day-run-action"),
    path("days/<int:pk>/run/stream/", views.day_run_stream, name="day-run-stream"),
    path("days/<int:pk>/sign-in.pdf", views.day_sign_in_pdf, name="day-sign-in-pdf"),
    path("items/<int:pk>/", planner.item_update, name="item-update"),
    path("items/<int:pk>/edit/", planner.item_edit, name="item-edit"),
    path("items/<int:pk>/duplicate/", planner.item_duplicate, name="item-duplicate"),
    path("items/<int:pk>/delete/", planner.item_delete, name="item-delete"),
    path("items/<int:pk>/restore/", planner.item_restore, name="item-restore"),
    path("items/<int:pk>/move/", planner.item_move, name="item-move"),
    path("items/<int:pk>/move-to-day/", planner.item_move_to_day, name="item-move-to-day"),
    path("items/<int:pk>/duration/", planner.item_duration, name="item-duration"),
    path("items/<int:pk>/subgroups/", planner.item_add_subgroup, name="item-add-subgroup"),
]
