"""Two facilitators editing the same day at once: nothing is lost, positions stay 0..n-1."""

import contextlib
import random
import threading

import pytest
from django.db import connection, connections

from sessions import services
from sessions.models import AgendaItem, Day
from tests import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrency is tested on PostgreSQL (CI runs it with DATABASE_URL).")


def run_in_threads(workers):
    errors = []

    def wrap(work):
        try:
            work()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []


def positions(day):
    return list(
        AgendaItem.objects.filter(day=day, parent__isnull=True)
        .order_by("position")
        .values_list("position", flat=True)
    )


def test_concurrent_reorders_moves_and_adds_keep_positions_unique_and_complete():
    day = factories.DayFactory()
    for index in range(10):
        services.add_item(day=day, title=f"Bloc {index}", duration_minutes=10)

    def editor(seed):
        rng = random.Random(seed)

        def work():
            for _ in range(15):
                ids = list(
                    AgendaItem.objects.filter(day=day, parent__isnull=True)
                    .order_by("position")
                    .values_list("pk", flat=True)
                )
                action = rng.choice(["move", "reorder", "add"])
                # A stale order is refused with a message; nothing changes.
                with contextlib.suppress(services.AgendaError):
                    if action == "move":
                        item = AgendaItem.objects.get(pk=rng.choice(ids))
                        services.move_item(item=item, offset=rng.choice([-1, 1]))
                    elif action == "reorder":
                        rng.shuffle(ids)
                        services.reorder_day(day=Day.objects.get(pk=day.pk), order=ids)
                    else:
                        services.add_item(day=day, title=f"Ajout {seed}", duration_minutes=5)

        return work

    run_in_threads([editor(seed) for seed in range(6)])

    found = positions(day)
    assert found == list(range(len(found)))
    assert len(found) >= 10


def test_concurrent_moves_between_days_lose_no_block():
    first = factories.DayFactory()
    second = factories.DayFactory(
        session=first.session, date=first.date.replace(day=first.date.day + 1)
    )
    for index in range(8):
        services.add_item(day=first, title=f"A{index}", duration_minutes=10)
        services.add_item(day=second, title=f"B{index}", duration_minutes=10)

    def mover(source, target, seed):
        rng = random.Random(seed)

        def work():
            for _ in range(10):
                ids = list(AgendaItem.objects.filter(day=source).values_list("pk", flat=True))
                if not ids:
                    return
                item = AgendaItem.objects.select_related("day").get(pk=rng.choice(ids))
                if item.day_id != source.pk:
                    continue
                # A block that moved meanwhile is refused with a message.
                with contextlib.suppress(services.AgendaError):
                    services.move_to_day(item=item, day=target, position=rng.randint(0, 3))

        return work

    run_in_threads([mover(first, second, 1), mover(second, first, 2), mover(first, second, 3)])

    assert AgendaItem.objects.count() == 16
    for day in (first, second):
        found = positions(day)
        assert found == list(range(len(found)))


def test_concurrent_edits_and_moves_of_one_day_never_deadlock():
    """Saving a block locks its day before the block, as moves do: no two writers wait for
    each other in a circle (PostgreSQL would abort one with a deadlock)."""
    day = factories.DayFactory()
    for index in range(6):
        services.add_item(day=day, title=f"Bloc {index}", duration_minutes=10)
    runner = factories.PersonFactory()

    def writer(seed):
        rng = random.Random(seed)

        def work():
            for _ in range(15):
                ids = list(AgendaItem.objects.filter(day=day).values_list("pk", flat=True))
                item = AgendaItem.objects.get(pk=rng.choice(ids))
                # A block saved meanwhile is refused with a message; nothing changes.
                with contextlib.suppress(services.AgendaError):
                    if rng.random() < 0.5:
                        services.save_item(
                            item=item,
                            version=item.version,
                            title=f"{item.title}.",
                            kind=item.kind,
                            duration_minutes=rng.randint(5, 60),
                            fixed_start=None,
                            description="",
                            materials="",
                            alternative_plan="",
                            runners=[runner] if rng.random() < 0.5 else [],
                        )
                    else:
                        services.move_item(item=item, offset=rng.choice([-1, 1]))

        return work

    run_in_threads([writer(seed) for seed in range(6)])

    found = positions(day)
    assert found == list(range(6))
