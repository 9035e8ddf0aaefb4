from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from labo import history_views, restitution_views, views

core_patterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/", views.my_profile, name="my-profile"),
    path("people/", views.person_list, name="person-list"),
    path("people/import/", views.person_import, name="person-import"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/data.json", views.person_export, name="person-export"),
    path("people/<int:pk>/anonymise/", views.person_anonymise, name="person-anonymise"),
    path("dashboard/", restitution_views.dashboard, name="dashboard"),
    path("dashboard/review/", restitution_views.review_request, name="review-request"),
    path("documents/<int:pk>/", restitution_views.document_status, name="document-status"),
    path("documents/<int:pk>/file.pdf", restitution_views.document_file, name="document-file"),
    path("search/", restitution_views.search, name="search"),
    path("history/<int:pk>/restore/", history_views.history_restore, name="history-restore"),
]

urlpatterns = [
    path("", include((core_patterns, "labo"))),
    path("sessions/", include("sessions.urls")),
    path("ateliers/", include("ateliers.urls")),
    path("commandes/", include("commandes.urls")),
    path("admin/", admin.site.urls),
]
