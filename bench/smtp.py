"""SmtpMailer against a connection per message (`aiosmtplib.send`, as before pooling).

The SMTP sink (`ombudsflow.mailsink`) runs in a process of its own, so the sender's CPU is
measured alone (the sink's beside it). Chunks alternate (per message, pooled, pooled, per
message...) so that other load on the machine falls on both sides. Loopback, no STARTTLS, no
AUTH: a relay with them makes each handshake far dearer, so this is the least it gains.

    .venv/bin/python -m bench.smtp        # --n 500 --concurrency 8 --chunk 50
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable

import aiosmtplib
import psutil

from ombudsflow.mail import SmtpMailer, build_message, stable_message_id

SENDER = "casework@ombudsman.example"


class PerMessage(SmtpMailer):
    """What SmtpMailer.send did before: a connection (EHLO, QUIT) for every message."""

    async def send(self, to, subject, html, text, attachments=(), message_id=None) -> None:  # noqa: ANN001
        message = build_message(self.sender, to, subject, html, text, attachments, message_id)
        await aiosmtplib.send(message, hostname=self.host, port=self.port, timeout=self.timeout,
                              username=self.username, password=self.password)


async def chunk(mailer: SmtpMailer, start: int, n: int, concurrency: int) -> None:
    gate = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with gate:
            await mailer.send([f"link.officer{i % 7}@council.example"], f"LG-27-{i:04d}: your complaint",
                              f"<p>Letter {i}</p>" * 40, f"Letter {i}\n" * 40,
                              message_id=stable_message_id("letter", i, f"LG-27-{i:04d}", SENDER))

    await asyncio.gather(*(one(i) for i in range(start, start + n)))


async def main(n: int, concurrency: int, chunk_size: int, port: int, sink: psutil.Process) -> None:
    """Both ways in alternating chunks (per message, pooled, pooled, per message...), so that
    other load on the machine falls on both; wall clock, this process's CPU and the sink's."""
    print(f"{n} letters each way to a local SMTP sink, in alternating chunks of {chunk_size}")
    for c in (1, concurrency):
        mailers = {"per message": PerMessage("127.0.0.1", port, SENDER),
                   "pooled": SmtpMailer("127.0.0.1", port, SENDER)}
        spent = {kind: [0.0, 0.0, 0.0] for kind in mailers}
        for k, start in enumerate(range(0, n, chunk_size)):
            for kind in (list(mailers) if k % 2 == 0 else list(mailers)[::-1]):
                wall, cpu, served = time.perf_counter(), time.process_time(), sum(sink.cpu_times()[:2])
                await chunk(mailers[kind], start, min(chunk_size, n - start), c)
                spent[kind][0] += time.perf_counter() - wall
                spent[kind][1] += time.process_time() - cpu
                spent[kind][2] += sum(sink.cpu_times()[:2]) - served
        for kind, (wall, cpu, served) in spent.items():
            print(f"  {kind:11} {c} at a time: {wall:6.2f} s ({n / wall:5.0f}/s), CPU a letter: "
                  f"sender {cpu * 1000 / n:4.2f} ms, sink {served * 1000 / n:4.2f} ms")
        for mailer in mailers.values():
            await mailer.aclose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def with_sink(body: Callable[[int, psutil.Process], Awaitable[None]]) -> None:
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-smtp-") as folder:
        sink = subprocess.Popen([sys.executable, "-m", "ombudsflow.mailsink", "--folder", folder,
                                 "--port", str(port)], stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), 0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise SystemExit("the SMTP sink did not start") from None
                    time.sleep(0.1)
            asyncio.run(body(port, psutil.Process(sink.pid)))
        finally:
            sink.terminate()
            sink.wait(10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.smtp", description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--chunk", type=int, default=50)
    args = parser.parse_args()
    with_sink(lambda port, sink: main(args.n, args.concurrency, args.chunk, port, sink))
