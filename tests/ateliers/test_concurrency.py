"""Several phones tapping +1 at once: the count stays exact (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from ateliers import services
from ateliers.models import DebateQuestion
from tests import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_one_hundred_concurrent_taps_are_all_counted():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrency is tested on PostgreSQL (CI runs it with DATABASE_URL).")
    question = DebateQuestion.objects.create(atelier=factories.AtelierFactory(), text="?")
    barrier = threading.Barrier(10)
    errors = []

    def phone():
        try:
            barrier.wait()
            for _ in range(10):
                services.tap(
                    question=DebateQuestion.objects.get(pk=question.pk), position="yes", delta=1
                )
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=phone) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert DebateQuestion.objects.get(pk=question.pk).yes == 100
