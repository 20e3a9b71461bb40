"""A local SMTP server for the dev runner: every message lands as a .eml file to open.

Nothing is relayed anywhere, so a developer can run the whole system without a mail account
and still read every letter and staff notice exactly as a real server would receive it.
The dev runner starts it as a process of its own (`python -m ombudsflow.mailsink`), so it can
watch it, report it if it dies, and have it die with the runner, like its other servers.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import signal
import socket
import sys
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


def start_on_free_port(handler: object, host: str = "127.0.0.1", *,
                       controller: type[Controller] = Controller) -> tuple[Controller, int]:
    """aiosmtpd serving `handler` on a port of `host` nobody uses, started, and that port
    (for tests and benchmarks, which run beside other servers; `controller`: a subclass of
    aiosmtpd's, e.g. one whose server tells the handler of each connection)."""
    for attempt in range(5):  # a port found free can be taken before we bind it
        with socket.socket() as sock:
            sock.bind((host, 0))
            port: int = sock.getsockname()[1]
        server = controller(handler, hostname=host, port=port)
        try:
            server.start()
            return server, port
        except Exception:
            if attempt == 4:
                raise
    raise AssertionError("unreachable: the last attempt returns or raises")


def main(argv: list[str] | None = None) -> int:
    """`python -m ombudsflow.mailsink --folder DIR --port N`: serve until SIGTERM or SIGINT."""
    parser = argparse.ArgumentParser(prog="python -m ombudsflow.mailsink", description=__doc__)
    parser.add_argument("--folder", type=Path, required=True, help="where the .eml files go")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s",
                        datefmt="%H:%M:%S")
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's INFO is a debug trace
    stop_signals = {signal.SIGTERM, signal.SIGINT}
    # Blocked before the server's thread starts (it inherits the mask), then waited for: no
    # handler races a signal that arrives before the wait.
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    try:
        sink = start_mail_sink(args.folder, args.host, args.port)
    except Exception as exc:  # the port is taken, most likely: say so and exit
        print(f"SMTP sink: cannot serve on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    try:
        signal.sigwait(stop_signals)
    finally:
        sink.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
