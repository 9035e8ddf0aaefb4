"""Events across processes: a write says "this changed" on a topic, and every stream that
listens to the topic hears it, in any process of any machine.

- On PostgreSQL, ``publish`` runs ``NOTIFY`` inside the writer's transaction: the event
  leaves at commit and never for a write rolled back. Each process holds one ``LISTEN``
  connection (opened by the first stream) and hands each event to its streams.
- On any other database (SQLite, in development), events stay in the process that made
  them, after commit. ``make run`` serves everything from one process, so nothing is
  missed there; two processes on SQLite would not hear each other.

An event carries a topic and a short text, never the data itself: a stream that hears it
reads the state again (``labo.lib.sse``), so an event lost while a connection was down
costs nothing but the wait for the next one. After its connection comes back, a process
tells every stream ``RESYNC`` so that each reads the state again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

from django.conf import settings
from django.db import connections, transaction

logger = logging.getLogger(__name__)

CHANNEL = "labo_events"  # the one PostgreSQL channel; topics travel in the payload
RESYNC = "\x00resync"  # told to every stream after the process (re)connects
QUEUE_SIZE = 256  # a stream that falls that far behind reads the state anyway
RETRY_SECONDS = (0.5, 1, 2, 5)


def _on_postgresql(using: str = "default") -> bool:
    return connections[using].vendor == "postgresql"


def publish(topic: str, data: str = "", *, using: str = "default") -> None:
    """Say that ``topic`` changed; heard by the streams at commit (now, outside a
    transaction)."""

    if "\n" in topic:
        raise ValueError("A topic is one line.")
    if _on_postgresql(using):
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, f"{topic}\n{data}"])
    else:
        transaction.on_commit(lambda: hub.deliver(topic, data), using=using)


class Hub:
    """The streams of this process, by topic, and (on PostgreSQL) the one connection that
    listens for all of them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Queue]]] = defaultdict(
            set
        )
        self._listener: asyncio.Task | None = None
        self.listening = asyncio.Event()  # set while the LISTEN connection is up

    # Delivery: from any thread (a view's on_commit) or from the listener's loop.
    def deliver(self, topic: str, data: str) -> None:
        with self._lock:
            targets = list(self._queues.get(topic, ()))
        for loop, queue in targets:
            loop.call_soon_threadsafe(_offer, queue, data)

    def _deliver_all(self, data: str) -> None:
        with self._lock:
            targets = [pair for pairs in self._queues.values() for pair in pairs]
        for loop, queue in targets:
            loop.call_soon_threadsafe(_offer, queue, data)

    def listeners(self, topic: str) -> int:
        with self._lock:
            return len(self._queues.get(topic, ()))

    @contextlib.asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[asyncio.Queue]:
        """A queue that receives the events of ``topic`` while the block lasts."""

        loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue(QUEUE_SIZE)
        pair = (loop, queue)
        with self._lock:
            self._queues[topic].add(pair)
        try:
            if _on_postgresql():
                self._ensure_listener(loop)
            yield queue
        finally:
            with self._lock:
                self._queues[topic].discard(pair)
                if not self._queues[topic]:
                    del self._queues[topic]

    def _ensure_listener(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._listener is None or self._listener.done() or self._listener.get_loop() != loop:
            self.listening = asyncio.Event()
            self._listener = loop.create_task(self._listen(), name="labo-events-listen")

    async def _listen(self) -> None:
        import psycopg  # noqa: PLC0415 -- only on PostgreSQL, where it is installed

        attempt = 0
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    _conninfo(), autocommit=True
                ) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    attempt = 0
                    self.listening.set()
                    self._deliver_all(RESYNC)  # what was said while we were away
                    async for note in conn.notifies():
                        topic, _sep, data = note.payload.partition("\n")
                        self.deliver(topic, data)
            except asyncio.CancelledError:
                raise
            except Exception:  # the database went away: listen again, streams resync
                self.listening.clear()
                logger.warning("Event listener lost its connection; listening again.")
                await asyncio.sleep(RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)])
                attempt += 1


def _offer(queue: asyncio.Queue, data: str) -> None:
    with contextlib.suppress(asyncio.QueueFull):
        queue.put_nowait(data)


def _conninfo() -> str:
    from psycopg.conninfo import make_conninfo  # noqa: PLC0415 -- only on PostgreSQL

    db: dict[str, Any] = dict(settings.DATABASES["default"])
    info: dict[str, Any] = {"dbname": db["NAME"]}
    for key, name in (("USER", "user"), ("PASSWORD", "password"), ("HOST", "host")):
        if db.get(key):
            info[name] = db[key]
    if db.get("PORT"):
        info["port"] = int(db["PORT"])
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout"):
        if key in db.get("OPTIONS", {}):
            info[key] = db["OPTIONS"][key]
    return make_conninfo("", **info)


hub = Hub()
