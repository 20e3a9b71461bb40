"""Request bodies and dates for API tests."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx


def london_today() -> date:
    """The day the workflows and the API count from (the dev server runs on real time)."""
    return datetime.now(ZoneInfo("Europe/London")).date()


def complaint_body(reference: str, **overrides: Any) -> dict[str, Any]:
    """SPEC.md's `complaint` object, received three days ago."""
    body: dict[str, Any] = {
        "reference": reference,
        "received": (london_today() - timedelta(days=3)).isoformat(),
        "scheme": "LGSCO",
        "authority": "Example Borough Council",
        "subject": "Housing repairs",
        "urgent": False,
        "complainant": {"name": "A. Resident", "email": "resident@example.org"},
    }
    body.update(overrides)
    return body


async def receive(http: httpx.AsyncClient, reference: str, **overrides: Any) -> dict[str, Any]:
    """POST a complaint that must be accepted; its view once its day of receipt is done.

    The complaint is on record (201) before its acknowledgement goes out; tests that compare
    a view before and after an event start from the settled one: the acknowledgement on the
    complaint's timeline and mailed.
    """
    response = await http.post("/complaints", json=complaint_body(reference, **overrides))
    assert response.status_code == 201, response.text
    async with asyncio.timeout(20):
        while not await acknowledged(http, reference):
            await asyncio.sleep(0.05)
    return await settled(http, reference)


async def settled(http: httpx.AsyncClient, reference: str, letters: int = 1) -> dict[str, Any]:
    """The complaint's view once at least `letters` letters are stored and all are mailed: the
    letters an event causes are delivered just after it is answered."""
    async with asyncio.timeout(20):
        while True:
            view: dict[str, Any] = (await http.get(f"/complaints/{reference}")).json()
            if letters <= view["letters"]["total"] == view["letters"]["mailed"]:
                return view
            await asyncio.sleep(0.05)


async def acknowledged(http: httpx.AsyncClient, reference: str) -> bool:
    timeline = (await http.get(f"/complaints/{reference}/timeline")).json()
    return any(line.get("template") == "acknowledgement" for line in timeline["past"])


async def send(
    http: httpx.AsyncClient, reference: str, event_type: str, **fields: Any
) -> httpx.Response:
    return await http.post(f"/complaints/{reference}/events", json={"type": event_type, **fields})
