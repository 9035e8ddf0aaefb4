from django.urls import path

from sessions import views

app_name = "sessions"

urlpatterns = [
    path("", views.session_list, name="session-list"),
    path("<int:pk>/", views.session_detail, name="session-detail"),
]
