"""What the needs-attention tests run: a worker whose directory a test can correct, and the
API over the same Temporal client and pool, on a task queue of their own.

The failure no retry can mend is a council named with no ASCII letter or digit: the shipped
directory's `{council}` template then makes an address with an empty domain label
("ombudsman.link@.example"), which the directory refuses, so every letter or notice to that
council fails for good until the directory gives the council an entry of its own.
"""

from __future__ import annotations

import tomllib
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx
from temporalio.client import Client

from activities import ComplaintActivities
from ombudsflow.db import PgStore
from ombudsflow.directory import EXAMPLE_FILE, Directory
from ombudsflow.mail import SmtpMailer
from ombudsflow.settings import Settings
from tests.fixtures.system import TEST_KEYRING, bearer
from tests.fixtures.councils import directory_file, listed_council

GREEK = "αβγδεζηθικλμνξοπ"
# The council's own entry, once someone fixes the directory.
LINK_OFFICER = "ombudsman.link@omega-council.example"
SERVICE_AREA = "complaints@omega-council.example"


def greek_council() -> str:
    """A council of its own for this test, named with no ASCII letter or digit."""
    return listed_council("Δήμος " + "".join(GREEK[int(c, 16)] for c in uuid.uuid4().hex[:8]))


def shipped_directory() -> Directory:
    return Directory.load(None)


def give_entry(directory: Directory, council: str) -> None:
    """Correct the directory in place: `council` gets addresses of its own (what the fixed
    configuration file would say). The worker reads its directory on every activity."""
    directory.councils[council] = {"link_officer": [LINK_OFFICER], "service_area": [SERVICE_AREA]}


def corrected_directory(council: str) -> Directory:
    """The shipped directory file with `council`'s entry added, loaded afresh (a redeploy)."""
    with open(EXAMPLE_FILE, "rb") as f:
        data: dict[str, Any] = tomllib.load(f)
    data.setdefault("councils", {})[council] = {"link_officer": LINK_OFFICER, "service_area": SERVICE_AREA}
    return Directory.from_dict(data)


def activities(pool: asyncpg.Pool, smtp_host: str, smtp_port: int, directory: Directory) -> ComplaintActivities:
    return ComplaintActivities(PgStore(pool), SmtpMailer(smtp_host, smtp_port, Settings().mail_from), directory)


def settings_for(client: Client, pg_url: str, queue: str) -> Settings:
    return Settings(database_url=pg_url, temporal_address=client.service_client.config.target_host,
                    temporal_namespace=client.namespace, task_queue=queue, payload_keys=TEST_KEYRING.format(),
                    directory_file=directory_file())


@asynccontextmanager
async def api(client: Client, pool: asyncpg.Pool, pg_url: str, queue: str,
              role: str = "coordinator") -> AsyncIterator[httpx.AsyncClient]:
    """The API (pages included) in process, sending updates to `queue`'s workflows, as a new
    user of `role`."""
    from api.main import create_app

    app = create_app(settings_for(client, pg_url, queue), pool=pool, client=client)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api",
                                 headers=await bearer(pool, role)) as http:
        yield http


async def listed(http: httpx.AsyncClient, council: str, reference: str | None = None) -> list[dict[str, Any]]:
    """GET /attention for one council (one complaint's lines if given)."""
    response = await http.get("/attention", params={"council": council})
    assert response.status_code == 200, response.text
    return [i for i in response.json() if reference is None or i["reference"] == reference]
