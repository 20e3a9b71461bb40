"""Record the workflow histories the replay tests keep: `python -m tests.histories.record`.

Runs every examples/*.json, and the scenarios in tests/histories/scenarios/ that stop while a
complaint waits in a particular stage, through the simulation (time-skipping server,
in-memory store) and writes its history to tests/histories/<name>.json. The replay tests replay each file
with the current workflow code, so a change that would break complaints already running
fails CI. Re-record only on purpose: when a change is meant to be incompatible and is
shipped with versioning (workflow.patched) or a new workflow type.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from ombudsflow.scenario import ScenarioError, load_scenario
from ombudsflow.commands.simulate import run_scenario

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent.parent / "examples"


def history_path(example: Path) -> Path:
    return HERE / (example.stem.replace("-", "_") + ".json")


async def record(examples: list[Path]) -> int:
    failures = 0
    for example in examples:
        try:
            scenario = load_scenario(example)
        except ScenarioError as bad:
            print(f"skipped {example.name}: {bad}", file=sys.stderr)
            failures += 1
            continue
        simulation = await run_scenario(scenario)
        target = history_path(example)
        target.write_text(simulation.history.to_json() + "\n")
        print(f"{target.relative_to(Path.cwd()) if target.is_relative_to(Path.cwd()) else target}: "
              f"{len(simulation.history.events)} events from {example.name}")
    return 1 if failures else 0


def main(argv: list[str]) -> int:
    examples = [Path(a) for a in argv] or sorted([*(p for p in EXAMPLES.glob("*.json") if not p.name.endswith(".import.json")),
                                                  *(HERE / "scenarios").glob("*.json")])
    return asyncio.run(record(examples))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
