"""A local SMTP server for the dev runner: every message lands as a .eml file to open.

Nothing is relayed anywhere, so a developer can run the whole system without a mail account
and still read every letter and staff notice exactly as a real server would receive it.
"""

from __future__ import annotations

import itertools
import logging
import socket
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger("ombudsflow.mail")


class MaildirWriter:
    """aiosmtpd handler writing each message to `<folder>/<timestamp>-<n>.eml`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._counter = itertools.count(1)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content
        raw = content if isinstance(content, bytes) else content.encode()
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        path = self.folder / f"{stamp}-{next(self._counter)}.eml"
        path.write_bytes(raw)
        subject = message_from_bytes(raw, policy=policy.default).get("Subject", "")
        log.info("mail to %s: %s -> %s", ", ".join(envelope.rcpt_tos), subject, path.name)
        return "250 Message accepted for delivery"


def start_mail_sink(folder: Path, host: str, port: int) -> Controller:
    """Start the sink in its own thread; call `.stop()` on the result to end it."""
    folder.mkdir(parents=True, exist_ok=True)
    controller = Controller(MaildirWriter(folder), hostname=host, port=port)
    controller.start()
    return controller


def start_on_free_port(handler: object, host: str = "127.0.0.1") -> tuple[Controller, int]:
    """aiosmtpd serving `handler` on a port of `host` nobody uses, started, and that port
    (for tests and benchmarks, which run beside other servers)."""
    for attempt in range(5):  # a port found free can be taken before we bind it
        with socket.socket() as sock:
            sock.bind((host, 0))
            port: int = sock.getsockname()[1]
        controller = Controller(handler, hostname=host, port=port)
        try:
            controller.start()
            return controller, port
        except Exception:
            if attempt == 4:
                raise
    raise AssertionError("unreachable: the last attempt returns or raises")
