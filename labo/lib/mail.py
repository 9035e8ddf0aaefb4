"""The one way the app builds an e-mail: whatever stored text goes into it (a title with a
newline, a control character pasted from a word processor), the message can be sent.

Django refuses a header holding a newline (``BadHeaderError``, a 500 at "send"), so the
subject is made one line here rather than trusted to every caller.
"""

from __future__ import annotations

import logging
import re
import smtplib
import time
import unicodedata
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email

SUBJECT_MAX_LENGTH = 150

# Every line break Python knows (\n, \r, \v, \f, \x1c-\x1e, \x85, \u2028, \u2029) and any
# run of spaces: one space each.
_BREAKS_AND_SPACES = re.compile(r"[\s\x1c-\x1f\x85\u2028\u2029]+")


def _without_controls(text: str, *, keep: str = "") -> str:
    """Control characters (C0, DEL, C1) and lone surrogates carry nothing a reader needs
    and some cannot even be encoded."""
    return "".join(
        char for char in text if char in keep or unicodedata.category(char) not in ("Cc", "Cs")
    )


def subject_line(text: str, *, max_length: int = SUBJECT_MAX_LENGTH) -> str:
    """One line, no control character, at most ``max_length`` characters (cut on a word
    with an ellipsis)."""
    line = _without_controls(_BREAKS_AND_SPACES.sub(" ", str(text))).strip()
    if len(line) <= max_length:
        return line
    cut = line[: max_length - 1]
    if " " in cut[max_length // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def body_text(text: str) -> str:
    """The body keeps its lines and tabs; other control characters are dropped."""
    return _without_controls(str(text).replace("\r\n", "\n"), keep="\n\t")


def recipients(addresses: Iterable[str]) -> list[str]:
    """The valid addresses among these, once each, sorted: a malformed one stored earlier
    is left out rather than breaking the sending to the others."""
    kept = set()
    for address in addresses:
        address = (address or "").strip()
        try:
            validate_email(address)
        except ValidationError:
            continue
        kept.add(address)
    return sorted(kept)


def message(*, subject: str, body: str, to: Sequence[str]) -> EmailMessage:
    """An e-mail from the lab, its subject one line and its body clean."""
    return EmailMessage(
        subject=subject_line(subject),
        body=body_text(body),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
    )


logger = logging.getLogger(__name__)


class MailNotSent(Exception):
    """The mail server could not be reached or refused the message, every time it was tried."""


def send(message: EmailMessage, *, delays: Sequence[float] | None = None) -> None:
    """Send one message, trying again after each of ``delays`` (seconds; by default
    LABO_MAIL_RETRY_DELAYS) when the server is down or refuses it; raise MailNotSent when
    every try failed. A message refused for some recipients only counts as sent: Django
    raises only when all were refused."""
    waits = list(settings.LABO_MAIL_RETRY_DELAYS if delays is None else delays)
    for attempt in range(len(waits) + 1):
        try:
            message.connection = get_connection(fail_silently=False)
            message.send()
            return
        except (smtplib.SMTPException, OSError) as error:
            logger.warning("Mail not sent (try %d): %s", attempt + 1, error)
            if attempt == len(waits):
                raise MailNotSent(str(error)) from error
            time.sleep(waits[attempt])
