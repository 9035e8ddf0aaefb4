from django.contrib import admin
from django.urls import include, path

from labo import views
from labo.people import views as people_views
from labo.restitutions import views as restitution_views
from labo.sso import views as sso_views
from sessions import views as session_views

core_patterns = [
    path("", people_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("login/", sso_views.login, name="login"),
    path("logout/", sso_views.logout, name="logout"),
    path("oidc/login/", sso_views.OIDCStart.as_view(), name="oidc-login"),
    path("oidc/callback/", sso_views.OIDCCallback.as_view(), name="oidc-callback"),
    path("me/", people_views.my_profile, name="my-profile"),
    path("me/data.json", people_views.my_data, name="my-data"),
    path("me/calendar/renew/", people_views.calendar_renew, name="calendar-renew"),
    path("people/", people_views.person_list, name="person-list"),
    path("people/import/", people_views.person_import, name="person-import"),
    path("people/<int:pk>/", people_views.person_detail, name="person-detail"),
    path("people/<int:pk>/data.json", people_views.person_export, name="person-export"),
    path("people/<int:pk>/anonymise/", people_views.person_anonymise, name="person-anonymise"),
    path("dashboard/", restitution_views.dashboard, name="dashboard"),
    path("dashboard/review/", restitution_views.review_request, name="review-request"),
    path("documents/<int:pk>/", restitution_views.document_status, name="document-status"),
    path("documents/<int:pk>/file.pdf", restitution_views.document_file, name="document-file"),
    path("search/", restitution_views.search, name="search"),
    path("history/<int:pk>/restore/", session_views.history_restore, name="history-restore"),
]

# Passwords can be turned off (LABO_PASSWORD_LOGIN): the admin's login page too.
admin.site.login = sso_views.admin_login  # type: ignore[method-assign]

urlpatterns = [
    path("", include((core_patterns, "labo"))),
    path("sessions/", include("sessions.urls")),
    path("ateliers/", include("ateliers.urls")),
    path("commandes/", include("commandes.urls")),
    path("live/", include("ateliers.live.urls")),
    path("admin/", admin.site.urls),
]
