from django.urls import path

from ateliers import views
from ateliers.live import views as live

app_name = "ateliers"

urlpatterns = [
    path("new/<int:session_pk>/", views.atelier_create, name="atelier-create"),
    path("<int:pk>/", views.atelier_detail, name="atelier-detail"),
    path("<int:pk>/edit/", views.atelier_edit, name="atelier-edit"),
    path("<int:pk>/add/<slug:kind>/", views.result_add, name="result-add"),
    path("<int:pk>/update/<slug:kind>/<int:obj_pk>/", views.result_update, name="result-update"),
    path("<int:pk>/delete/<slug:kind>/<int:obj_pk>/", views.result_delete, name="result-delete"),
    path("<int:pk>/report/", views.report_update, name="report-update"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report-pdf"),
    path("<int:pk>/report/<slug:action>/", views.report_transition, name="report-transition"),
    path("<int:pk>/reveal/", views.reveal, name="reveal"),
    path("<int:pk>/grid/", views.grid_update, name="grid-update"),
    path("<int:pk>/rotation/", views.rotation, name="rotation"),
    path("<int:pk>/photos/", views.photo_add, name="photo-add"),
    path("<int:pk>/guests/", views.guest_link_create, name="guest-link-create"),
    path("questions/<int:pk>/tap/", views.tap, name="tap"),
    path("<int:pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/actions/toggle/", views.action_toggle, name="action-toggle"),
    path("<int:pk>/classify/", views.idea_classify, name="idea-classify"),
    path("suggestions/<int:pk>/adopt/", views.offer_adopt, name="offer-adopt"),
    path("photos/<int:pk>/<slug:size>/", views.photo_file, name="photo-file"),
    path("guests/<int:pk>/revoke/", views.guest_link_revoke, name="guest-link-revoke"),
    path("g/<str:token>/", views.guest, name="guest"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("<int:pk>/live/", live.console, name="live-console"),
    path("<int:pk>/live/open/", live.room_open, name="live-open"),
    path("<int:pk>/live/action/", live.room_action, name="live-action"),
    path("<int:pk>/live/close/", live.room_close, name="live-close"),
    path("<int:pk>/live/projector/", live.projector, name="live-projector"),
    path("<int:pk>/live/stream/<str:view>/", live.board_stream, name="live-stream"),
]
