"""SmtpMailer keeps connections open between messages, against a real SMTP listener.

Each test has a listener of its own, so its connection counts are this mailer's alone.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator

import aiosmtplib
import pytest
import pytest_asyncio

from ombudsflow.mail import SmtpMailer, stable_message_id
from tests.faults.mailbox import faulty_smtp
from tests.fixtures.smtp import SmtpSink, serving

SENDER = "casework@ombudsman.example"


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with serving() as sink:
        yield sink


@pytest_asyncio.fixture(loop_scope="session")
async def mailer(sink: SmtpSink) -> AsyncIterator[SmtpMailer]:
    mailer = SmtpMailer(sink.host, sink.port, SENDER)
    try:
        yield mailer
    finally:
        await mailer.aclose()


async def send(mailer: SmtpMailer, n: int, to: str = "link.officer@council.example") -> None:
    await mailer.send([to], f"Letter {n}", f"<p>Letter {n}</p>", f"Letter {n}",
                      message_id=stable_message_id("letter", n, "LG-27-0001", SENDER))


async def until(condition, timeout: float = 5.0) -> None:  # noqa: ANN001
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


def subjects(sink: SmtpSink) -> list[str]:
    return [m.subject for m in sink.messages]


async def test_messages_one_after_another_share_one_connection(sink: SmtpSink, mailer: SmtpMailer) -> None:
    for n in range(1, 6):
        await send(mailer, n)
    assert subjects(sink) == [f"Letter {n}" for n in range(1, 6)]
    assert sink.connections == 1
    # Headers as ever: each letter's own Message-ID, from the stored row.
    assert [m.message["Message-ID"] for m in sink.messages] == [
        f"<letter-{n}-LG-27-0001@ombudsman.example>" for n in range(1, 6)]
    await mailer.aclose()
    await until(lambda: sink.open_connections == 0)


@pytest.mark.parametrize("how", ["noticed", "unnoticed", "421"])
async def test_a_connection_the_server_dropped_is_replaced_and_the_message_sent_once(
    sink: SmtpSink, mailer: SmtpMailer, how: str, caplog: pytest.LogCaptureFixture,
) -> None:
    """noticed: the client saw the close before the next message; unnoticed: the next message
    is written to the closed connection (the server closed it as the client picked it up);
    421: the server answers that message's MAIL with its parting 421, then closes."""
    await send(mailer, 1)
    if how == "421":
        sink.drop_connections(with_421=True)
    else:
        sink.drop_connections()  # blocks this loop: the client has not read the close yet
        if how == "noticed":
            await asyncio.sleep(0.1)
    with caplog.at_level(logging.INFO, logger="ombudsflow.mail"):
        await send(mailer, 2)
    assert subjects(sink) == ["Letter 1", "Letter 2"]  # once each
    assert sink.connections == 2
    replaced = [r for r in caplog.records if "closed a kept connection" in r.getMessage()]
    assert len(replaced) == (0 if how == "noticed" else 1)
    await send(mailer, 3)  # and the new connection is kept
    assert sink.connections == 2


async def test_a_new_connection_the_server_drops_fails_as_before(sink: SmtpSink) -> None:
    """Only a kept connection is replaced: on a new one, a lost connection is the failure
    Temporal retries, as with a connection per message."""
    mailer = SmtpMailer(sink.host, sink.port, SENDER)
    await send(mailer, 1)
    sink.drop_connections(with_421=True)
    # The kept one gets the 421; its replacement is dropped as well.
    original = sink.handle_MAIL

    async def drop_every_mail(server, session, envelope, address, options):  # noqa: ANN001
        sink.drop_connections(with_421=True)
        return await original(server, session, envelope, address, options)

    sink.handle_MAIL = drop_every_mail  # type: ignore[method-assign]
    with pytest.raises(aiosmtplib.SMTPSenderRefused) as refused:
        await send(mailer, 2)
    assert refused.value.code == 421
    assert subjects(sink) == ["Letter 1"]
    assert sink.connections == 2  # tried once more, on one new connection, not again
    await mailer.aclose()


async def test_connections_idle_too_long_are_closed(sink: SmtpSink) -> None:
    mailer = SmtpMailer(sink.host, sink.port, SENDER, idle_timeout=0.3)
    await asyncio.gather(*(send(mailer, n) for n in range(4)))
    assert 1 <= sink.open_connections <= 4
    await until(lambda: sink.open_connections == 0, timeout=3)
    await send(mailer, 9)  # a new one after that
    assert len(sink.messages) == 5
    await mailer.aclose()
    await until(lambda: sink.open_connections == 0)


async def test_concurrent_sends_use_at_most_the_pool_size(sink: SmtpSink) -> None:
    mailer = SmtpMailer(sink.host, sink.port, SENDER, pool_size=3)
    await asyncio.gather(*(send(mailer, n) for n in range(30)))
    assert sorted(subjects(sink)) == sorted(f"Letter {n}" for n in range(30))
    assert sink.peak_connections <= 3
    assert sink.connections <= 3
    await mailer.aclose()
    await until(lambda: sink.open_connections == 0)


async def test_a_refused_recipient_does_not_break_the_next_message(sink: SmtpSink, mailer: SmtpMailer) -> None:
    """The refusal is raised as aiosmtplib.send raises it (the activity's classification and
    the attention list read it); the next message goes out."""
    sink.refuse_recipients.add("nobody@council.example")
    await send(mailer, 1)
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as pooled:
        await send(mailer, 2, to="nobody@council.example")
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as direct:
        await aiosmtplib.send(b"Subject: x\r\n\r\nx\r\n", sender=SENDER, recipients=["nobody@council.example"],
                              hostname=sink.host, port=sink.port)
    assert str(pooled.value) == str(direct.value)
    assert [(e.code, e.recipient) for e in pooled.value.recipients] == [(550, "nobody@council.example")]
    await send(mailer, 3)
    await send(mailer, 4)
    assert subjects(sink) == ["Letter 1", "Letter 3", "Letter 4"]


async def test_a_4xx_or_5xx_for_one_message_does_not_poison_the_connection() -> None:
    """Refused at DATA (tests/faults' server): the error as ever, and the others go out."""
    with faulty_smtp() as smtp:
        mailer = SmtpMailer(smtp.host, smtp.port, SENDER, pool_size=2)
        smtp.refuse_for["greylisted@council.example"] = "451 4.7.1 Greylisted: try again later"
        smtp.refuse_for["refused@council.example"] = "554 5.7.1 Refused by local policy"
        results = await asyncio.gather(
            *(send(mailer, n, to) for n, to in enumerate([
                "a@council.example", "greylisted@council.example", "b@council.example",
                "refused@council.example", "c@council.example", "d@council.example"])),
            return_exceptions=True)
        errors = [(type(r).__name__, r.code) for r in results if isinstance(r, Exception)]
        assert sorted(errors) == [("SMTPDataError", 451), ("SMTPDataError", 554)]
        assert sorted(m.subject for m in smtp.delivered) == ["Letter 0", "Letter 2", "Letter 4", "Letter 5"]
        await send(mailer, 9, "e@council.example")
        assert len(smtp.delivered) == 5
        await mailer.aclose()


async def test_an_unreachable_server_fails_as_before() -> None:
    with serving() as gone:
        port = gone.port
    mailer = SmtpMailer("127.0.0.1", port, SENDER, timeout=5)
    with pytest.raises(aiosmtplib.SMTPConnectError):
        await send(mailer, 1)


async def test_a_mailer_survives_a_new_event_loop(sink: SmtpSink) -> None:
    """Connections cannot move between loops: one used under asyncio.run after another (a
    command, a script) opens its own on each."""
    mailer = SmtpMailer(sink.host, sink.port, SENDER)

    async def twice() -> None:
        await send(mailer, 1)
        await send(mailer, 2)
        await mailer.aclose()

    await asyncio.to_thread(asyncio.run, twice())
    await asyncio.to_thread(asyncio.run, twice())
    assert len(sink.messages) == 4
    assert sink.connections == 2
