"""Every submission of a capture page carries a key made on the phone: the header
``Idempotency-Key`` (the capture client, static/js/capture.js) or, without JavaScript, the
form's hidden ``idempotency_key`` (drawn with the page: a double tap sends it twice).

The key is stored (``labo.models.Submission``) in the same transaction as the write it
comes with. A repeat of the key, from a retry after a lost answer or the offline outbox
sending again, finds it and is answered with the view's ``replay`` (the state as it is now,
marked ``Labo-Replay: 1``), never with a second row. A refused submission (4xx) stores
nothing, the key included: sent again, it is judged again. Keys live
``LABO_SUBMISSION_KEY_DAYS`` days; a sender's older keys go when it sends a new one."""

from __future__ import annotations

import datetime
import re
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from labo.limits import GUEST_COOKIE
from labo.models import Submission

HEADER = "Idempotency-Key"
FIELD = "idempotency_key"
REPLAY_HEADER = "Labo-Replay"
_VALID = re.compile(r"[A-Za-z0-9_-]{16,64}")

View = Callable[..., HttpResponse]


def new_key() -> str:
    """A key for a form drawn by the server (used when JavaScript does not run)."""
    return secrets.token_urlsafe(18)


def key_of(request: HttpRequest) -> str | None:
    """The submission's key, if it carries a well-formed one (anything else: no key)."""
    key = request.headers.get(HEADER) or request.POST.get(FIELD, "")
    return key if _VALID.fullmatch(key) else None


def owner_of(request: HttpRequest) -> str:
    """Keys are per sender: one person's key never answers another's submission."""
    if request.user.is_authenticated:
        return f"p{request.user.pk}"
    return f"g{request.COOKIES.get(GUEST_COOKIE, '')[:70]}"


def anonymous_owner_of(request: HttpRequest) -> str:
    """The sender as a keyed hash: a submission to an anonymous answer (a live room's)
    never says who sent it."""
    return "h" + salted_hmac("labo.submission", owner_of(request)).hexdigest()[:40]


def idempotent(replay: View, *, anonymous: bool = False) -> Callable[[View], View]:
    """Do the view once per key; a repeat gets ``replay(request, *args, **kwargs)``. An
    ``anonymous`` view's keys are stored under a keyed hash of the sender."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            key = key_of(request)
            if key is None or request.method != "POST":
                return view(request, *args, **kwargs)
            owner = anonymous_owner_of(request) if anonymous else owner_of(request)
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        submission = Submission.objects.create(
                            owner=owner, key=key, path=request.path[:200]
                        )
                except IntegrityError:
                    pass  # done before: answered below, outside this transaction
                else:
                    response = view(request, *args, **kwargs)
                    if response.status_code >= 400:
                        transaction.set_rollback(True)  # refused: nothing kept, not the key
                    else:
                        Submission.objects.filter(pk=submission.pk).update(
                            status=response.status_code
                        )
                        _forget_old(owner)
                    return response
            response = replay(request, *args, **kwargs)
            response[REPLAY_HEADER] = "1"
            return response

        return wrapper

    return decorator


def _forget_old(owner: str) -> None:
    days = settings.LABO_SUBMISSION_KEY_DAYS
    cutoff = timezone.now() - datetime.timedelta(days=days)
    Submission.objects.filter(owner=owner, created_at__lt=cutoff).delete()
