"""Server-Sent Events: a stream that sends the state of something each time its topic
changes (``labo.lib.events``).

The stream never sends events one by one: it sends the state as it is now, numbered by
its version. A client that reconnects says the last version it has (``Last-Event-ID``,
sent by every ``EventSource``, or ``?since=``) and gets the state at once if it has moved,
so nothing said while it was away is lost. Events that arrive while the state is being
read are folded into the next read: a room voting fast costs one read per state drawn, not
one per vote.

Served by an ASGI server (``labo.asgi``). Under WSGI, or asked with ``?once=1`` (the poll
of a browser without ``EventSource``, ``static/js/live.js``), the same view answers the
state once (if it moved since the version given) and closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.db import close_old_connections, connections
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from labo.lib.events import hub
from labo.lib.typography import typeset

T = TypeVar("T")

RETRY_MS = 1000  # how soon a client reconnects
# Every open stream of a topic sends the same state: typeset once, not once per phone.
_typeset = functools.lru_cache(maxsize=64)(typeset)
KEEPALIVE_SECONDS = float(os.environ.get("LABO_SSE_KEEPALIVE", "15"))
LIFETIME_SECONDS = float(os.environ.get("LABO_SSE_LIFETIME", "3600"))  # then reconnects


@dataclass(frozen=True)
class State:
    version: int
    data: str  # one event's data; may hold several lines
    event: str = "message"
    final: bool = False  # the last state there will be (a room closed): the stream ends


def ended() -> HttpResponse:
    """What a stream of something that is over answers: 204, which tells ``EventSource``
    to stop reconnecting."""
    return HttpResponse(status=204)


def last_version(request: HttpRequest) -> int | None:
    value = request.headers.get("Last-Event-ID") or request.GET.get("since", "")
    try:
        return int(value)
    except ValueError:
        return None


def _read(read: Callable[[], T]) -> Callable[[], T]:
    def run() -> T:
        close_old_connections()  # this pool thread's connection: health and age checked
        try:
            return read()
        finally:
            close_old_connections()

    return run


def format_event(state: State) -> str:
    # The data is HTML drawn for the page: the same typography as the page it updates.
    lines = "".join(f"data: {line}\n" for line in _typeset(state.data).split("\n"))
    return f"id: {state.version}\nevent: {state.event}\n{lines}\n"


def stream(
    request: HttpRequest,
    *,
    topic: str,
    read: Callable[[], State],
    on_tick: Callable[[], None] | None = None,
    peek: Callable[[], int] | None = None,
    every: float = 0.0,
) -> StreamingHttpResponse:
    """An ``text/event-stream`` of ``read()`` each time ``topic`` changes. ``read`` is a
    plain function (it may query the database); ``on_tick`` runs at connection and at each
    keep-alive (a presence, say). ``peek``, if given, says the version alone, cheaply: the
    state is read only when it has moved (a room of phones reconnecting draws nothing).
    ``every``: at most one read in so many seconds (a projector under a room's votes draws
    a few times a second, each time with every vote received meanwhile)."""

    since = last_version(request)
    if request.GET.get("once") or not isinstance(request, ASGIRequest):
        response = StreamingHttpResponse(iter(_once(read, since)), content_type="text/event-stream")
    else:
        _release_connections()
        response = StreamingHttpResponse(
            _events(topic, read, since, on_tick, peek, every),
            content_type="text/event-stream",
        )
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: send each event as it comes
    return response


# Streams are opened in bursts (a room of phones reconnecting after the Wi-Fi came back),
# each by a request in a thread of its own under ASGI: the database work of opening one is
# done a few at a time, each giving its connection back at once, so that a burst never
# opens more connections than this (PostgreSQL's max_connections is 100 by default).
_OPENING = threading.BoundedSemaphore(int(os.environ.get("LABO_SSE_OPENING", "8")))


@contextlib.contextmanager
def opening() -> Iterator[None]:
    """Around what a stream's view reads before streaming."""
    with _OPENING:
        try:
            yield
        finally:
            _release_connections()


def _release_connections() -> None:
    """Close the view's database connections: the stream reads in other threads
    (``_read``), and Django closes a request's connections only when its response ends, so
    each open stream would hold one, idle, for its whole life (``make bench-live``: a
    hundred phones used up PostgreSQL's ``max_connections``)."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


def _once(read: Callable[[], State], since: int | None) -> list[str]:
    state = read()
    out = [f"retry: {RETRY_MS}\n\n"]
    if state.version != since:
        out.append(format_event(state))
    return out


async def _events(
    topic: str,
    read: Callable[[], State],
    since: int | None,
    on_tick: Callable[[], None] | None,
    peek: Callable[[], int] | None = None,
    every: float = 0.0,
) -> AsyncIterator[str]:
    read_now = sync_to_async(_read(read), thread_sensitive=False)
    peek_now = sync_to_async(_read(peek), thread_sensitive=False) if peek else None
    tick = sync_to_async(_read(on_tick), thread_sensitive=False) if on_tick else None
    loop = asyncio.get_running_loop()
    ends = loop.time() + LIFETIME_SECONDS
    yield f"retry: {RETRY_MS}\n\n"
    async with hub.subscribe(topic) as queue:
        if tick:
            await tick()
        last, drawn = since, None
        read_at = 0.0
        while loop.time() < ends:
            wait = read_at + every - loop.time()
            if wait > 0:  # the events of the wait are in the next read
                await asyncio.sleep(wait)
            read_at = loop.time()
            if peek_now is not None and last is not None and await peek_now() == last:
                state = None  # nothing moved: nothing to read
            else:
                state = await read_now()
            if state is not None:
                if state.version != last or (drawn is not None and state.data != drawn):
                    last, drawn = state.version, state.data
                    yield format_event(state)
                elif drawn is None:
                    drawn = state.data  # the client has it (it said so with its last id)
                if state.final:
                    return
            try:
                await asyncio.wait_for(queue.get(), timeout=KEEPALIVE_SECONDS)
            except TimeoutError:
                if tick:
                    await tick()
                yield ": keep-alive\n\n"
                continue
            while not queue.empty():  # what came meanwhile is in the next read
                queue.get_nowait()
