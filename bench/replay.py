"""Replay: the worker CPU a complaint costs when it is loaded from its whole history.

A complaint not in any worker's cache is replayed when its next timer fires: its whole
history run through the workflow code again. bench.scale measures that on imported
complaints (short histories); this measures it against history length, on the kept
histories (tests/histories/: whole lives, up to a public report) with the production
worker's sandbox settings (worker.main.production_restrictions), in this process, one at a
time, so the figure is CPU per history event. bench.sizing uses it for complaints deep into
their life (a run continues as new near 2,000 events).

    .venv/bin/python -m bench.replay [--repeat 5]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from bench.harness import log, write_results
from ombudsflow.temporal import pydantic_data_converter
from worker.main import compile_workflow_modules, production_restrictions
from workflows import ComplaintWorkflow

HISTORIES = Path(__file__).resolve().parent.parent / "tests" / "histories"


async def main(repeat: int) -> None:
    compile_workflow_modules()
    replayer = Replayer(workflows=[ComplaintWorkflow], data_converter=pydantic_data_converter,
                        workflow_runner=SandboxedWorkflowRunner(restrictions=production_restrictions()))
    rows = []
    for path in sorted(HISTORIES.glob("*.json")):
        history = WorkflowHistory.from_json(f"complaint-{path.stem}", path.read_text())
        await replayer.replay_workflow(history)  # warm: adapters, bytecode
        began = time.process_time()
        for _ in range(repeat):
            await replayer.replay_workflow(history)
        cpu_ms = (time.process_time() - began) * 1000 / repeat
        rows.append({"history": path.stem, "events": len(history.events),
                     "bytes": sum(e.ByteSize() for e in history.events), "cpu_ms": round(cpu_ms, 1),
                     "cpu_ms_per_event": round(cpu_ms / len(history.events), 3)})
        log(rows[-1])
    events = sum(r["events"] for r in rows)
    per_event = sum(r["cpu_ms"] for r in rows) / events
    write_results("replay", {"repeat": repeat, "histories": rows,
                             "cpu_ms_per_event_overall": round(per_event, 3),
                             "cpu_ms_at_2000_events": round(per_event * 2000)})


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed replays of each history")
    asyncio.run(main(parser.parse_args().repeat))
