"""History: events and bytes of Temporal history per complaint for a three-year case.

A generated scenario with something every month: forwarded, allocated, first contact, then
an evidence request each month for three years, answered two weeks later (with the
reminders, chasers and progress letters the timetable adds), a draft decision, a final
decision with a recommendation, and the remedy completed, which closes it. It runs on the
time-skipping server through `ombudsflow.commands.simulate.run_scenario`, payloads encrypted as
production's are, twice: with the default `ComplaintInput.history_limit` (continue-as-new
past 2,000 events) and with the limit out of reach, to show what one unbounded run would
hold. Temporal warns at 10,240 events or 10 MB of history and refuses a run past 51,200
events or 50 MB.

    .venv/bin/python -m bench.history [--months 36]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter
from datetime import date, timedelta
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from bench.harness import log, quiet_runtime, write_results
from domain.calendar import england_and_wales
from domain.records import ComplaintInput
from ombudsflow.codec import Keyring
from ombudsflow.scenario import parse_scenario
from ombudsflow.commands.simulate import _test_server_path, run_scenario
from ombudsflow.temporal import data_converter

TEMPORAL_WARN_EVENTS, TEMPORAL_WARN_BYTES = 10_240, 10 * 2**20
RECEIVED = date(2026, 1, 5)


def long_case(months: int, history_limit: int, reference: str) -> dict[str, Any]:
    cal = england_and_wales()
    day = cal.next_working_day
    events: list[dict[str, Any]] = [
        {"on": day(RECEIVED + timedelta(days=10)), "type": "forwarded_to_investigation"},
        {"on": day(RECEIVED + timedelta(days=40)), "type": "allocated", "investigator": "inv-7"},
        {"on": day(RECEIVED + timedelta(days=45)), "type": "first_contact_made"},
    ]
    start = RECEIVED + timedelta(days=60)
    for k in range(months):
        asked = day(start + timedelta(days=30 * k))
        events.append({"on": asked, "type": "evidence_requested", "request": f"ENQ-{k + 1}"})
        events.append({"on": day(asked + timedelta(days=14)), "type": "request_answered", "request": f"ENQ-{k + 1}"})
    draft = day(start + timedelta(days=30 * months + 5))
    final = day(draft + timedelta(days=21))
    events += [
        {"on": draft, "type": "draft_decision_issued"},
        {"on": final, "type": "final_decision_issued", "outcome": "upheld",
         "recommendations": [{"id": "REC-1", "due": (final + timedelta(days=60)).isoformat(), "text": "Apologise"}]},
    ]
    closing = day(final + timedelta(days=40))  # the last remedy completed closes the case
    events.append({"on": closing, "type": "remedy_completed", "recommendation": "REC-1"})
    return {
        "complaint": {"reference": reference, "received": RECEIVED.isoformat(), "scheme": "LGSCO",
                      "authority": "Example Borough Council", "subject": "Housing repairs",
                      "complainant": {"name": "A. Resident", "email": "a.resident@example.org"},
                      "history_limit": history_limit},
        "events": [{**e, "on": e["on"].isoformat()} for e in events],
        "until": (closing + timedelta(days=30)).isoformat(),
    }


async def runs_of(client: Client, workflow_id: str) -> list[dict[str, Any]]:
    """Each run of the chain, first to last: its events and bytes."""
    latest = await client.get_workflow_handle(workflow_id).fetch_history()
    run_id = latest.events[0].workflow_execution_started_event_attributes.first_execution_run_id
    runs = []
    while run_id:
        history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
        by_type: Counter[str] = Counter()
        for e in history.events:
            by_type[EventType.Name(e.event_type).removeprefix("EVENT_TYPE_").lower()] += e.ByteSize()
        runs.append({"events": len(history.events), "bytes": sum(by_type.values()),
                     "largest_event": max(e.ByteSize() for e in history.events),
                     "bytes_by_event_type": dict(by_type.most_common(5))})
        last = history.events[-1]
        run_id = (last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id
                  if last.HasField("workflow_execution_continued_as_new_event_attributes") else "")
    return runs


async def measure(months: int, history_limit: int, label: str) -> dict[str, Any]:
    reference = f"LG-HIST-{label}"
    scenario = parse_scenario(long_case(months, history_limit, reference))
    # Encrypted like production's payloads, so the bytes are those a real history holds.
    keyring = Keyring({"bench": AESGCM.generate_key(bit_length=256)})
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=_test_server_path(), data_converter=data_converter(keyring),
        runtime=quiet_runtime())
    try:
        began = time.perf_counter()
        async with asyncio.timeout(600):  # bounded: a stalled server fails the run
            simulation = await run_scenario(scenario, env)
        seconds = time.perf_counter() - began
        runs = await runs_of(env.client, f"complaint-{reference}")
    finally:
        await env.shutdown()
    refused = [line for line in simulation.lines if line.get("kind") == "refused"]
    if refused:
        raise SystemExit(f"{label}: the scenario had refused events: {refused[:3]}")
    if simulation.status.stage != "closed":
        raise SystemExit(f"{label}: the case ended in {simulation.status.stage}, not closed")
    events = sum(r["events"] for r in runs)
    size = sum(r["bytes"] for r in runs)
    result = {
        "history_limit": history_limit, "runs": len(runs),
        "max_events_per_run": max(r["events"] for r in runs), "max_bytes_per_run": max(r["bytes"] for r in runs),
        "total_events": events, "total_bytes": size, "events_per_month": round(events / (months + 6), 1),
        "timeline_lines": len(simulation.lines), "scenario_events": len(scenario.events),
        "simulated_in_seconds": round(seconds, 2), "closed_on": simulation.status.closed_on, "per_run": runs,
    }
    log(f"{label}: {len(runs)} runs, max {result['max_events_per_run']} events / "
        f"{result['max_bytes_per_run']} bytes per run, {events} events / {size} bytes in all")
    return result


async def main(months: int) -> None:
    bounded = await measure(months, ComplaintInput.history_limit, "bounded")
    unbounded = await measure(months, 10**9, "unbounded")
    write_results("history", {
        "size": {"months_of_activity": months, "received": RECEIVED, "closed": bounded["closed_on"]},
        "with_continue_as_new": bounded,
        "single_run": unbounded,
        "temporal_warns_at": {"events": TEMPORAL_WARN_EVENTS, "bytes": TEMPORAL_WARN_BYTES},
        "bounded": bounded["max_events_per_run"] <= ComplaintInput.history_limit + 200
                   and bounded["max_bytes_per_run"] < TEMPORAL_WARN_BYTES,
    })


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--months", type=int, default=36, help="months with an evidence request")
    args = parser.parse_args()
    asyncio.run(main(args.months))
