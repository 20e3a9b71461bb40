"""No input gets a 500: far or ancient dates, offsets past 64 bits, and payloads at the codec
that are tampered with or cut short each get a 4xx saying what is wrong, and no answer quotes
PostgreSQL. Large codec batches decode (the rest of the API keeps its 64 KiB limit).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date
from urllib.parse import quote

import httpx
import pytest
import pytest_asyncio
from google.protobuf import json_format
from pydantic import TypeAdapter
from temporalio.api.common.v1 import Payload, Payloads

from ombudsflow.codec import EncryptionCodec
from tests.api.helpers import london_today, receive
from tests.fixtures.system import TEST_KEYRING, System, bearer, new_reference
from tests.fixtures.councils import listed_council

FAR, ANCIENT = "9999-12-31", "0001-01-01"
# What PostgreSQL's and asyncpg's messages look like; none may reach an answer.
DATABASE_WORDS = ("query argument", "value out of", "asyncpg", "postgres", "$1", "$2", "SELECT")


@pytest_asyncio.fixture(loop_scope="session")
async def http(system: System) -> AsyncIterator[httpx.AsyncClient]:
    """An admin's client that answers a 500 as a response, so a test can say which URL."""
    transport = httpx.ASGITransport(app=system.transport.app,  # type: ignore[attr-defined]
                                    raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://api",
                                 headers=await bearer(system.pool, "admin")) as client:
        yield client


def date_urls(reference: str, council: str) -> list[tuple[str, str]]:
    """(url, the parameter at fault) for every route and page that takes a date."""
    page = f"/councils/{quote(council, safe='')}"
    urls = []
    for day in (FAR, ANCIENT):
        urls += [
            (f"/requests?today={day}", "today"),
            (f"/requests?due_before={day}", "due_before"),
            (f"/requests?due_after={day}", "due_after"),
            (f"/reports/overdue?today={day}", "today"),
            (f"/reports/kpis?from=2026-01-01&to=2026-03-31&today={day}", "today"),
            (f"/reports/kpis?from={day}&to=2026-03-31", "from"),
            (f"/reports/kpis?from=2026-01-01&to={day}", "to"),
            (f"/complaints/{reference}/timeline?today={day}", "today"),
            (f"{page}?today={day}", "today"),
        ]
    return urls


async def test_dates_out_of_range_are_refused_naming_the_parameter(
    system: System, http: httpx.AsyncClient
) -> None:
    reference, council = new_reference("FAR"), listed_council(f"Farshire {new_reference('C')}")
    await receive(system.http, reference, authority=council)
    for url, field in date_urls(reference, council):
        answer = await http.get(url)
        assert answer.status_code == 422, (url, answer.status_code, answer.text[:300])
        if "/councils/" not in url:  # the page says so in HTML
            assert [e["field"] for e in answer.json()["errors"]] == [field], url
            assert "2099-12-31" in answer.json()["detail"], url
    # The same date as a number (milliseconds: pydantic reads it as a date too) is no way round.
    assert TypeAdapter(date).validate_python("253402214400000") == date(9999, 12, 31)
    assert (await http.get("/requests?today=253402214400000")).status_code == 422
    # Dates in range still answer.
    today = london_today().isoformat()
    for url in (f"/requests?today={today}", f"/complaints/{reference}/timeline?today=2000-01-01",
                f"/reports/kpis?from=2000-01-01&to=2099-12-31&today={today}"):
        assert (await http.get(url)).status_code == 200, url


@pytest.mark.parametrize("url", ["/requests", "/tasks"])
async def test_offsets_past_64_bits_are_refused_without_database_words(
    http: httpx.AsyncClient, url: str
) -> None:
    for offset in (2**63, 10**20):
        answer = await http.get(url, params={"offset": offset})
        assert answer.status_code == 422, (url, answer.text)
        for words in DATABASE_WORDS:
            assert words.lower() not in answer.text.lower(), (url, words, answer.text)
    assert (await http.get(url, params={"offset": 2**63 - 1})).status_code == 200


# --- The codec -------------------------------------------------------------------------------

HEADERS = {"content-type": "application/json", "x-namespace": "default"}


async def sealed(data: bytes) -> Payload:
    [payload] = await EncryptionCodec(TEST_KEYRING).encode(
        [Payload(metadata={"encoding": b"json/plain"}, data=data)])
    return payload


def body(*payloads: Payload) -> str:
    return json_format.MessageToJson(Payloads(payloads=list(payloads)))


async def test_tampered_or_truncated_ciphertext_is_a_400(http: httpx.AsyncClient) -> None:
    good = await sealed(b'{"name": "Tamsin Overleigh"}')
    flipped = Payload()
    flipped.CopyFrom(good)
    flipped.data = good.data[:-1] + bytes([good.data[-1] ^ 1])
    cases = {
        "altered": flipped,
        "cut short": Payload(metadata=good.metadata, data=good.data[:-5]),
        "shorter than a nonce": Payload(metadata=good.metadata, data=good.data[:5]),
        "empty": Payload(metadata=good.metadata, data=b""),
    }
    for what, payload in cases.items():
        answer = await http.post("/codec/decode", content=body(good, payload), headers=HEADERS)
        assert answer.status_code == 400, (what, answer.text)
        assert "payload 2" in answer.json()["detail"], what
        assert b"Overleigh" not in answer.content
    # Not Payloads JSON at all: the wrong shapes, not UTF-8, not JSON.
    for content in (b'{"payloads": 5}', b'{"payloads": [{"data": 5}]}', b"[1]",
                    b"\xff\xfe{", b"{not json"):
        answer = await http.post("/codec/decode", content=content, headers=HEADERS)
        assert answer.status_code == 422, (content, answer.text)
    answer = await http.post("/codec/decode", content=body(good), headers=HEADERS)
    assert answer.status_code == 200


async def test_a_batch_past_64_kib_decodes_and_the_rest_of_the_api_keeps_its_limit(
    http: httpx.AsyncClient
) -> None:
    data = json.dumps({"recommendations": ["x" * 1_000] * 300}).encode()  # ~300 KB
    big = body(await sealed(data), await sealed(data))
    assert len(big) > 600 * 1024
    decoded = await http.post("/codec/decode", content=big, headers=HEADERS)
    assert decoded.status_code == 200, decoded.text[:300]
    plain = json_format.Parse(decoded.text, Payloads()).payloads
    assert [p.data for p in plain] == [data, data]
    encoded = await http.post("/codec/encode", content=body(*plain), headers=HEADERS)
    assert encoded.status_code == 200

    too_big = body(Payload(metadata={"encoding": b"json/plain"}, data=b"x" * (7 * 1024 * 1024)))
    assert (await http.post("/codec/decode", content=too_big, headers=HEADERS)).status_code == 413
    elsewhere = await http.post("/complaints", content=json.dumps({"subject": "x" * 70_000}),
                                headers={"content-type": "application/json"})
    assert elsewhere.status_code == 413
