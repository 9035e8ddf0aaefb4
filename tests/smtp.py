"""A real SMTP server for the tests (aiosmtpd), on a free port of the loopback: what it
received, or a refusal of every message."""

from __future__ import annotations

import email
import socket
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from email.message import Message

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: Message

    @property
    def subject(self) -> str:
        return str(make_header(decode_header(self.message["Subject"])))

    @property
    def body(self) -> str:
        payload = self.message.get_payload(decode=True)
        assert isinstance(payload, bytes)
        return payload.decode(self.message.get_content_charset() or "utf-8")


@dataclass
class Mailbox:
    """The handler: keeps each message, or refuses it while ``refusing`` says why."""

    received: list[Received] = field(default_factory=list)
    attempts: int = 0
    refusing: str = ""

    async def handle_DATA(self, server, session, envelope) -> str:
        self.attempts += 1
        if self.refusing:
            return self.refusing
        self.received.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                email.message_from_bytes(envelope.original_content),
            )
        )
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self) -> None:
        self.mailbox = Mailbox()
        self.port = free_port()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    def settings(self, settings) -> None:
        """Point Django's mail at this server (pytest-django's settings fixture)."""
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = self.port
        settings.EMAIL_TIMEOUT = 5
        settings.LABO_MAIL_RETRY_DELAYS = [0.05, 0.05]
