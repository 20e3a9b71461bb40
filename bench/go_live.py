"""Go-live import at scale: thousands of open complaints, each with its history, taken in.

What `ombudsflow import FILE` does, on the product's own parts (Temporal dev server,
embedded PostgreSQL, SMTP sink, the worker in its own process): the file read and checked,
every complaint started with its history (the workflow lives it again up to go-live), and
the time until every one is in the read model. The complaints are spread over the stages a
real caseload has (in assessment, awaiting allocation, under investigation with an open
evidence request, decided with remedies), received up to nine months before go-live.

The dry run (`import --dry-run`: each complaint on the time-skipping server, one at a time)
is timed on a sample and given per complaint; at 5,000 complaints it runs for tens of minutes.

    .venv/bin/python -m bench.go_live [--n 5000] [--dry-run-sample 100]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.harness import WorkerProcess, log, services, write_results
from ombudsflow.commands.importer import check_dates, dry_run, import_entries, read_entries

COUNCILS = ["Example Borough Council", "Northshire County Council", "Riverside District Council"]


def caseload(n: int, go_live: date, seed: int = 7) -> list[dict[str, Any]]:
    """n complaints with histories, spread over the stages (reproducible)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        received = go_live - timedelta(days=rng.randint(30, 270))
        day = lambda offset: (received + timedelta(days=offset)).isoformat()  # noqa: E731
        events: list[dict[str, Any]] = []
        stage = i % 4
        if stage >= 1:
            events.append({"on": day(12), "type": "forwarded_to_investigation",
                           "complexity": rng.choice(["high", "moderate", "low"])})
        if stage >= 2:
            events.append({"on": day(25), "type": "allocated", "investigator": f"inv-{rng.randint(1, 12)}"})
            events.append({"on": day(27), "type": "evidence_requested", "request": "ENQ-1"})
        if stage == 3:
            events.append({"on": day(29), "type": "request_answered", "request": "ENQ-1"})
            events.append({"on": day(29), "type": "final_decision_issued", "outcome": "upheld",
                           "recommendations": [{"id": "R1", "due": day(120)}]})
        out.append({"complaint": {
            "reference": f"GL-{i:06d}", "received": received.isoformat(), "scheme": "LGSCO",
            "authority": COUNCILS[i % len(COUNCILS)], "subject": "Housing", "urgent": False,
            "complainant": {"name": "A. Resident", "email": "resident@example.org"},
        }, "events": [e for e in events if e["on"] < go_live.isoformat()]})
    return out


async def main(n: int, sample: int) -> None:
    go_live = date.today()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "caseload.json"
        path.write_text(json.dumps(caseload(n, go_live)))
        began = time.perf_counter()
        entries = read_entries(path, go_live + timedelta(days=365))
        check_dates(entries, go_live)
        read_seconds = time.perf_counter() - began
        refused = [e for e in entries if e.scenario is None]
        log(f"read and checked {n} complaints in {read_seconds:.1f} s ({len(refused)} refused)")

        dry_began = time.perf_counter()
        await dry_run(entries[:sample], go_live, go_live + timedelta(days=365), io.StringIO())
        dry_per_complaint = (time.perf_counter() - dry_began) / sample
        log(f"dry run: {dry_per_complaint:.2f} s a complaint over {sample}")

        async with services() as svc, WorkerProcess(svc, "complaint", "go-live") as worker:
            assert svc.pool is not None
            began = time.perf_counter()
            tally = await import_entries(entries, go_live, client=svc.client, task_queue="go-live")
            started_seconds = time.perf_counter() - began
            log(f"started {tally.imported} in {started_seconds:.1f} s")
            while (on_record := await svc.pool.fetchval("SELECT count(*) FROM complaints")) < tally.imported:
                await asyncio.sleep(1)
            recorded_seconds = time.perf_counter() - began
            log(f"all {on_record} on record after {recorded_seconds:.1f} s")
            before = await svc.pool.fetchval("SELECT count(*) FROM letters WHERE letter_date < $1", go_live)
            again = await import_entries(entries, go_live, client=svc.client, task_queue="go-live")
            stages = dict(await svc.pool.fetch("SELECT stage, count(*) FROM complaints GROUP BY stage"))
            worker_peak = worker.peak_rss

    write_results("go_live", {
        "complaints": n, "refused": len(refused),
        "read_and_check_seconds": round(read_seconds, 2),
        "import": {"started_seconds": round(started_seconds, 1), "on_record_seconds": round(recorded_seconds, 1),
                   "complaints_per_second": round(tally.imported / recorded_seconds, 1)},
        "dry_run": {"sample": sample, "seconds_per_complaint": round(dry_per_complaint, 2),
                    "estimated_seconds_for_all": round(dry_per_complaint * n)},
        "letters_stored_dated_before_go_live": before,
        "second_import": {"imported": again.imported, "skipped": again.skipped},
        "stages": stages, "worker_peak_rss_mb": round(worker_peak / 2**20),
    })


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--dry-run-sample", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(main(args.n, args.dry_run_sample))
