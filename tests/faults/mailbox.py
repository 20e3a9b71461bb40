"""A real SMTP server (aiosmtpd) that can misbehave on purpose, per recipient:

- stall: take the whole message, then hold the final reply (a slow relay), so a kill lands
  while a letter is in flight; a sender that hangs up before the reply has delivered nothing,
  as RFC 5321 has it, and the message is counted as abandoned;
- refuse: answer the message with a 4xx or 5xx reply (greylisting, a full queue, a policy).

Everything it accepts is kept with its Message-ID, so a test can count copies of a letter.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ombudsflow.mailsink import start_on_free_port
from tests.faults.processes import wait_until


@dataclass(frozen=True)
class Seen:
    rcpt_tos: tuple[str, ...]
    subject: str
    message_id: str
    reply: str = "250"


class FaultySmtp:
    """The aiosmtpd handler; its hooks run on the controller's own thread and loop."""

    def __init__(self) -> None:
        self.host, self.port = "127.0.0.1", 0
        self._lock = threading.Lock()
        self.delivered: list[Seen] = []
        self.refused: list[Seen] = []
        self.stalled: list[Seen] = []  # holding their reply right now
        self.abandoned: list[Seen] = []  # the sender hung up while we held the reply
        self.stall_for: set[str] = set()
        self.refuse_for: dict[str, str] = {}  # recipient -> the reply, e.g. "451 4.3.0 later"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        seen = Seen(tuple(envelope.rcpt_tos), str(message["Subject"]), str(message["Message-ID"]))
        with self._lock:
            refusal = next((self.refuse_for[r] for r in seen.rcpt_tos if r in self.refuse_for), None)
            stall = any(r in self.stall_for for r in seen.rcpt_tos)
            if refusal:
                self.refused.append(Seen(seen.rcpt_tos, seen.subject, seen.message_id, refusal[:3]))
                return refusal
            if stall:
                self.stalled.append(seen)
        if stall:
            try:
                while any(r in self.stall_for for r in seen.rcpt_tos):
                    await asyncio.sleep(0.02)
            except asyncio.CancelledError:  # aiosmtpd cancels the handler when the client goes
                with self._lock:
                    self.stalled.remove(seen)
                    self.abandoned.append(seen)
                raise
            with self._lock:
                self.stalled.remove(seen)
        with self._lock:
            self.delivered.append(seen)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Seen]:
        with self._lock:
            return [m for m in self.delivered if address in m.rcpt_tos]

    def refused_to(self, address: str) -> list[Seen]:
        with self._lock:
            return [m for m in self.refused if address in m.rcpt_tos]

    def stalled_to(self, address: str) -> Seen | None:
        with self._lock:
            return next((m for m in self.stalled if address in m.rcpt_tos), None)

    def wait_stalled(self, address: str, timeout: float = 20) -> Seen:
        """Blocks the thread: only for workers in other processes (else `ledger.until`)."""
        return wait_until(lambda: self.stalled_to(address), timeout, f"a message to {address} to stall in DATA")


@contextmanager
def faulty_smtp() -> Iterator[FaultySmtp]:
    sink = FaultySmtp()
    controller, sink.port = start_on_free_port(sink, sink.host)
    try:
        yield sink
    finally:
        sink.stall_for.clear()
        controller.stop()
