from django.urls import path

from commandes import views

app_name = "commandes"

urlpatterns = [
    path("", views.commande_board, name="commande-board"),
    path("list/", views.commande_list, name="commande-list"),
    path("new/", views.commande_create, name="commande-create"),
    path("<int:pk>/", views.commande_detail, name="commande-detail"),
    path("<int:pk>/move/", views.commande_move, name="commande-move"),
    path("<int:pk>/file.pdf", views.commande_pdf, name="commande-pdf"),
    path("<int:pk>/history/", views.commande_history, name="commande-history"),
    path("<int:pk>/review/", views.commande_review, name="commande-review"),
    path("<int:pk>/team/", views.team_add, name="team-add"),
    path("<int:pk>/team/remove/", views.team_remove, name="team-remove"),
    path("<int:pk>/tasks/", views.task_add, name="task-add"),
    path("<int:pk>/deliverables/", views.deliverable_add, name="deliverable-add"),
    path("tasks/<int:pk>/toggle/", views.task_toggle, name="task-toggle"),
    path("deliverables/<int:pk>/", views.deliverable_file, name="deliverable-file"),
]
