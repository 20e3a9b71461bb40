"""POST /complaints and GET /complaints/{ref} against a real worker, Temporal and PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError

from api import temporal as api_temporal
from api.main import create_app
from ombudsflow.directory import EXAMPLE_FILE
from tests.api.helpers import acknowledged, complaint_body, london_today, receive
from tests.fixtures.system import System, bearer, new_reference


async def test_a_new_complaint_is_on_record_when_created(system: System) -> None:
    reference = new_reference("NEW")
    view = await receive(system.http, reference, urgent=True, scheme="HOS")

    assert view["reference"] == reference
    assert view["stage"] == "assessment"
    assert view["scheme"] == "HOS" and view["urgent"] is True
    assert view["received"] == (london_today() - timedelta(days=3)).isoformat()
    assert view["complainant"] == {"name": "A. Resident", "email": "resident@example.org"}
    # T0 happens at once and T1 is set before the first snapshot is written.
    assert view["letters"]["total"] >= 1
    assert "T1" in {d["name"] for d in view["deadlines"]}

    fetched = await system.http.get(f"/complaints/{reference}")
    assert fetched.status_code == 200
    assert fetched.json() == view


async def test_the_workflow_is_findable_by_operators_without_personal_data(
    system: System,
) -> None:
    reference = new_reference("OPS")
    await receive(system.http, reference, authority="Northshire County Council")

    described = await system.client.get_workflow_handle(f"complaint-{reference}").describe()
    summary = await described.static_summary()
    assert summary == f"{reference} · Northshire County Council · LGSCO"
    assert "Resident" not in summary
    attributes = {key.name: value for key, value in described.typed_search_attributes}
    assert attributes["Authority"] == "Northshire County Council"
    assert attributes["Scheme"] == "LGSCO"
    assert attributes["Urgent"] is False
    assert attributes["ComplaintStage"] == "assessment"


async def test_a_reference_already_on_record_is_refused(system: System) -> None:
    reference = new_reference("DUP")
    first = await receive(system.http, reference)

    again = await system.http.post("/complaints", json=complaint_body(reference, subject="Other"))
    assert again.status_code == 409
    assert reference in again.json()["detail"]
    after = await system.http.get(f"/complaints/{reference}")
    assert after.json()["subject"] == first["subject"]


async def test_a_reference_whose_workflow_exists_but_is_not_recorded_is_refused(
    system: System,
) -> None:
    reference = new_reference("RACE")
    # Another request started this complaint a moment ago; no worker has recorded it yet.
    handle = await system.client.start_workflow(
        "ComplaintWorkflow", id=f"complaint-{reference}", task_queue=f"idle-{uuid.uuid4().hex}"
    )
    try:
        response = await system.http.post("/complaints", json=complaint_body(reference))
        assert response.status_code == 409
        assert reference in response.json()["detail"]
    finally:
        await handle.terminate("test over")


async def test_the_same_complaint_sent_twice_at_once_is_started_once(system: System) -> None:
    # A client that timed out sends its request again while the first is still waiting.
    reference = new_reference("TWICE")
    body = complaint_body(reference)
    first, again = await asyncio.gather(*(system.http.post("/complaints", json=body) for _ in range(2)))
    assert (first.status_code, again.status_code) == (201, 201), (first.text, again.text)
    assert first.json()["reference"] == again.json()["reference"] == reference
    async with asyncio.timeout(20):
        while not await acknowledged(system.http, reference):
            await asyncio.sleep(0.05)
    letters = (await system.http.get(f"/complaints/{reference}/letters")).json()
    assert [letter["template"] for letter in letters] == ["acknowledgement"]


async def test_two_complaints_under_one_reference_at_once_one_is_refused(system: System) -> None:
    reference = new_reference("CLASH")
    answers = await asyncio.gather(
        system.http.post("/complaints", json=complaint_body(reference, subject="Housing repairs")),
        system.http.post("/complaints", json=complaint_body(reference, subject="Parking")),
    )
    assert sorted(a.status_code for a in answers) == [201, 409], [a.text for a in answers]
    [kept] = [a.json() for a in answers if a.status_code == 201]
    [refused] = [a.json() for a in answers if a.status_code == 409]
    assert reference in refused["detail"]
    on_record = (await system.http.get(f"/complaints/{reference}")).json()
    assert on_record["subject"] == kept["subject"]


async def test_without_a_worker_the_complaint_is_accepted_but_not_yet_on_record(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api_temporal, "WORKER_TIMEOUT", timedelta(seconds=1))
    idle_queue = f"idle-{uuid.uuid4().hex}"
    settings = system.settings.model_copy(update={"task_queue": idle_queue})
    app = create_app(settings, pool=system.pool, client=system.client)
    reference = new_reference("IDLE")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://api",
        headers=await bearer(system.pool, "coordinator"),
    ) as http:
        response = await http.post("/complaints", json=complaint_body(reference))
    handle = system.client.get_workflow_handle(f"complaint-{reference}")
    try:
        assert response.status_code == 202
        assert response.headers["location"] == f"/complaints/{reference}"
        assert idle_queue in response.json()["detail"]
        assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING
    finally:
        await handle.terminate("test over")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reference": "LG 27/0001"}, "reference"),
        ({"reference": "X" * 41}, "reference"),
        ({"reference": ""}, "reference"),
        ({"received": "2999-01-01"}, "received"),
        ({"received": "yesterday"}, "received"),
        ({"scheme": "PHSO"}, "scheme"),
        ({"authority": "   "}, "authority"),
        ({"complainant": {"name": "A. Resident", "email": "not-an-email"}}, "complainant.email"),
        ({"complainant": {"email": "resident@example.org"}}, "complainant.name"),
        ({"complainant": None}, "complainant"),
        ({"colour": "blue"}, "colour"),
        # SPEC.md "Input that is refused": dates are strings, names have no control characters.
        ({"received": 1799452800}, "received"),
        ({"received": "1799452800"}, "received"),
        ({"received": "1999-12-31"}, "received"),
        ({"authority": "Example\r\nBorough Council"}, "authority"),
        ({"subject": "Housing\u2028repairs"}, "subject"),
        ({"complainant": {"name": "A.\nResident", "email": "resident@example.org"}}, "complainant.name"),
        ({"complainant": {"name": "A. Resident", "email": "resident@example.org\r\nBcc: all@example.org"}},
         "complainant.email"),
        ({"complainant": {"name": "A. Resident", "email": "zoë@example.org"}}, "complainant.email"),
        ({"complainant": {"name": "A. Resident", "email": "r@example.org", "address": "1 High St\nTown"}},
         "complainant.address"),
    ],
)
async def test_a_malformed_complaint_is_refused_naming_the_field(
    system: System, change: dict[str, object], field: str
) -> None:
    reference = new_reference("BAD")
    body = {**complaint_body(reference), **change}
    response = await system.http.post("/complaints", json=body)

    assert response.status_code == 422
    problem = response.json()
    assert field in {error["field"] for error in problem["errors"]}
    assert field in problem["detail"]
    # Nothing was recorded for it.
    recorded = await system.pool.fetchval(
        "SELECT count(*) FROM complaints WHERE reference = $1", body["reference"]
    )
    assert recorded == 0


async def test_a_received_date_in_the_future_is_refused_with_the_reason(system: System) -> None:
    tomorrow = london_today() + timedelta(days=1)
    body = complaint_body(new_reference("FUT"), received=tomorrow.isoformat())
    response = await system.http.post("/complaints", json=body)
    assert response.status_code == 422
    assert "in the future" in response.json()["detail"]


async def test_an_unknown_complaint_is_404(system: System) -> None:
    response = await system.http.get(f"/complaints/{new_reference('NONE')}")
    assert response.status_code == 404
    assert "no complaint" in response.json()["detail"]


async def test_a_council_the_directory_does_not_list_is_refused_with_the_closest_names(
    system: System,
) -> None:
    reference = new_reference("UNK")
    misspelt = await system.http.post("/complaints", json=complaint_body(reference, authority="Exampel Borough Council"))
    assert misspelt.status_code == 422, misspelt.text
    [error] = misspelt.json()["errors"]
    assert error["field"] == "authority"
    assert "'Exampel Borough Council' is not a council the directory lists" in error["message"]
    assert "did you mean 'Example Borough Council'" in error["message"]
    nowhere = await system.http.post("/complaints", json=complaint_body(reference, authority="Nowhere Council"))
    assert nowhere.status_code == 422 and "authority" in nowhere.json()["detail"]
    # Nothing started: no record, no workflow.
    assert (await system.http.get(f"/complaints/{reference}")).status_code == 404
    with pytest.raises(RPCError, match="not found"):
        await system.client.get_workflow_handle(f"complaint-{reference}").describe()

    # The receive page says the same on its Council field, and keeps what was typed.
    async with system.http_as("coordinator") as http:
        page = await http.post("/pages/complaints", headers={"Origin": "http://api"}, data={
            "reference": reference, "received": london_today().isoformat(), "scheme": "LGSCO",
            "authority": "Exampel Borough Council", "subject": "Housing",
            "complainant.name": "A. Resident", "complainant.email": "resident@example.org"})
        form = await http.get("/coordinator/receive")
    assert page.status_code == 422, page.text[:300]
    assert 'href="#field-authority"' in page.text
    assert "did you mean &#39;Example Borough Council&#39;" in page.text
    assert 'value="Exampel Borough Council"' in page.text
    # The form offers the directory's councils as the field's suggestions.
    assert '<option value="Northshire County Council">' in form.text


async def test_an_unlisted_council_is_taken_where_the_directory_accepts_them(
    system: System, tmp_path: Path
) -> None:
    accepting = tmp_path / "directory.toml"
    accepting.write_text(EXAMPLE_FILE.read_text().replace('unlisted_councils = "refuse"', 'unlisted_councils = "accept"'))
    app = create_app(system.settings.model_copy(update={"directory_file": accepting}), pool=system.pool,
                     client=system.client)
    headers = await bearer(system.pool, "coordinator")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api",
                                 headers=headers) as http:
        view = await receive(http, new_reference("ACC"), authority=f"Newly Merged Council {uuid.uuid4().hex[:6]}")
    assert view["stage"] == "assessment"
