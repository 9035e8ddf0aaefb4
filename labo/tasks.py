"""Background work (django-tasks): in process by default, a django-tasks-db worker in
production."""

from django_tasks import task

from labo import documents


@task()
def build_document(document_id: int) -> None:
    documents.build(document_id)
