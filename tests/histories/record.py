"""Record the workflow histories the replay tests keep: `python -m tests.histories.record`.

Runs every examples/*.json, the scenarios in tests/histories/scenarios/ that stop while a
complaint waits in a particular stage, and every go-live import example
(examples/*.import.json, taken in on the go-live day its .import.args names) through the
simulation (time-skipping server, in-memory store) and writes each history to
tests/histories/<name>.json. The replay tests replay each file with the current workflow
code, so a change that would break complaints already running fails CI; an imported
complaint replays its go-live catch-up for the rest of its life, so that path is kept too.

A kept history is a complaint running under the code that recorded it: this tool writes only
histories that are not kept yet and refuses to overwrite one (README, "Upgrading a running
system"). A history goes only when the patch it proves is deprecated.
"""

from __future__ import annotations

import asyncio
import shlex
import sys
from datetime import date
from pathlib import Path

from ombudsflow.commands.importer import read_entries
from ombudsflow.commands.simulate import run_scenario
from ombudsflow.scenario import Scenario, ScenarioError, load_scenario

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent.parent / "examples"


def history_path(example: Path) -> Path:
    return HERE / (example.name.removesuffix(".json").replace(".", "_").replace("-", "_") + ".json")


def go_live_of(example: Path) -> tuple[date, date]:
    """The go-live and until days of an import example, from its .import.args."""
    args = shlex.split(example.with_suffix(".args").read_text())
    return date.fromisoformat(args[args.index("--go-live") + 1]), date.fromisoformat(args[args.index("--until") + 1])


def load(example: Path) -> tuple[Scenario, date | None]:
    if not example.name.endswith(".import.json"):
        return load_scenario(example), None
    go_live, until = go_live_of(example)
    [entry] = read_entries(example, until)
    if entry.scenario is None:
        raise ScenarioError(entry.line())
    return entry.scenario, go_live


async def record(examples: list[Path]) -> int:
    failures = 0
    for example in examples:
        target = history_path(example)
        if target.exists():
            print(f"kept {target.name}: a complaint running under the code that recorded it is never "
                  "re-recorded (README, 'Upgrading a running system')", file=sys.stderr)
            continue
        try:
            scenario, go_live = load(example)
        except ScenarioError as bad:
            print(f"skipped {example.name}: {bad}", file=sys.stderr)
            failures += 1
            continue
        simulation = await run_scenario(scenario, go_live=go_live)
        target.write_text(simulation.history.to_json() + "\n")
        print(f"{target.relative_to(Path.cwd()) if target.is_relative_to(Path.cwd()) else target}: "
              f"{len(simulation.history.events)} events from {example.name}")
    return 1 if failures else 0


def main(argv: list[str]) -> int:
    examples = [Path(a) for a in argv] or sorted([*EXAMPLES.glob("*.json"), *(HERE / "scenarios").glob("*.json")])
    return asyncio.run(record(examples))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
