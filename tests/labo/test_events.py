"""Events across processes (labo.lib.events) and the streams that follow them
(labo.lib.sse), served as under an ASGI server."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time

import pytest
from django.db import connection, transaction
from django.test import AsyncClient
from django.urls import reverse

from ateliers.live import services
from ateliers.models import DebateQuestion
from labo.lib import events
from labo.lib.events import hub
from labo.lib.typography import french_text


@pytest.fixture(autouse=True)
def _no_connection_left_behind():
    """The streams' reads and the listener hold connections of their own (threads of the
    event loop): closed here so that the test database can be dropped."""
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


def _publish_in_thread(topic: str, data: str, *, rollback: bool = False) -> None:
    def run() -> None:
        try:
            with transaction.atomic():
                events.publish(topic, data)
                if rollback:
                    transaction.set_rollback(True)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def _run(scenario):
    """``asyncio.run(scenario())`` in a thread of its own: a browser test of the same run
    leaves Playwright's event loop running in this one."""
    outcome: dict = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(scenario())
        except BaseException as error:  # raised again in the test's thread
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


async def _next(queue: asyncio.Queue, timeout: float = 5.0) -> str:
    return await asyncio.wait_for(queue.get(), timeout)


@pytest.mark.django_db(transaction=True)
def test_an_event_is_heard_at_commit_and_never_for_a_rollback():
    async def scenario() -> list[str]:
        heard = []
        async with hub.subscribe("t:1") as queue:
            if connection.vendor == "postgresql":
                await asyncio.wait_for(hub.listening.wait(), 10)
                await _next(queue)  # the RESYNC said when the listener connects
            await asyncio.to_thread(_publish_in_thread, "t:1", "rolled back", rollback=True)
            await asyncio.to_thread(_publish_in_thread, "t:1", "kept")
            heard.append(await _next(queue))
            await asyncio.to_thread(_publish_in_thread, "t:2", "other topic")
            with pytest.raises(TimeoutError):
                await _next(queue, timeout=0.5)
        return heard

    assert _run(scenario) == ["kept"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_event_said_by_another_process_reaches_this_one(on_postgres):
    if not on_postgres:
        pytest.skip("PostgreSQL only: on SQLite, events stay in their process (said so).")
    code = "from labo.lib import events; events.publish('t:other', 'from afar')"
    db = connection.settings_dict  # the test database, not the one DATABASE_URL names
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"

    async def scenario() -> str:
        async with hub.subscribe("t:other") as queue:
            await asyncio.wait_for(hub.listening.wait(), 10)
            await _next(queue)  # RESYNC
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                code,
                env={**os.environ, "DATABASE_URL": url},
            )
            assert await process.wait() == 0
            return await _next(queue, timeout=10)

    assert _run(scenario) == "from afar"


@pytest.mark.django_db(transaction=True)
def test_the_projector_stream_follows_the_votes_as_they_come(world):
    """Under ASGI the stream stays open: a vote moves the board within a second."""
    world.atelier.format = "debat_mouvant"
    world.atelier.save()
    question = DebateQuestion.objects.create(atelier=world.atelier, text="Catalyseur ?")
    room = services.open_room(atelier=world.atelier, prompt="", by=None)
    room = services.act(room=room, action="go", step=f"debate-{question.pk}")
    url = reverse("ateliers:live-stream", args=[world.atelier.pk, "projector"])

    def vote() -> None:
        try:
            services.answer(
                room=room,
                step=f"debate-{question.pk}",
                identity="gphone",
                values={"value": "yes"},
            )
        finally:
            connection.close()

    def close() -> None:
        try:
            services.close_room(room=room)
        finally:
            connection.close()

    async def scenario() -> tuple[str, str, float, str]:
        client = AsyncClient()
        await client.aforce_login(world.facilitator)
        response = await client.get(url)
        chunks = aiter(response.streaming_content)
        assert (await anext(chunks)).startswith(b"retry:")
        first = (await asyncio.wait_for(anext(chunks), 5)).decode()
        if connection.vendor == "postgresql":
            await asyncio.wait_for(hub.listening.wait(), 10)
        started = time.monotonic()
        await asyncio.to_thread(vote)
        second = (await asyncio.wait_for(anext(chunks), 5)).decode()
        elapsed = time.monotonic() - started
        await asyncio.to_thread(close)
        last = (await asyncio.wait_for(anext(chunks), 5)).decode()
        with pytest.raises(StopAsyncIteration):  # a closed room's stream ends
            await asyncio.wait_for(anext(chunks), 5)
        return first, second, elapsed, last

    first, second, elapsed, last = _run(scenario)

    assert "0 réponse" in first
    assert "1 réponse" in second
    assert elapsed < 1.0
    assert french_text("Le direct est terminé. Merci !") in last
    version = int(second.split("\n", 1)[0].removeprefix("id: "))
    room.refresh_from_db()
    assert version == room.version - 1  # the vote's; closing moved it on once more
