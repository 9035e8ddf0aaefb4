"""The phones' side of a live room: short addresses, typed from a screen."""

from django.urls import path

from ateliers.live import views

app_name = "live"

urlpatterns = [
    path("", views.join, name="join"),
    path("<str:code>/", views.room, name="room"),
    path("<str:code>/stream/", views.room_stream, name="stream"),
]
