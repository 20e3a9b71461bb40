"""`ombudsflow simulate` many times in a row: does every run exit 0 with the expected output?

It used to abort at interpreter shutdown in about one run in eight on a busy machine (exit
134, "Fatal Python error: PyGILState_Release", after printing everything); see
`ombudsflow.commands.cli.release_temporal_threads` for why. Each run is a fresh process, as a user
runs it, on the longest example, its stdout compared with the example's expected lines.

    .venv/bin/python -m bench.simulate_exit_loop [--runs 200] [--jobs 1] [--scenario FILE]

`--jobs 2` runs two at once (more load, so more preemption: the condition that caused the
abort). The runs import the checkout this file is in. Exit status 0 only if every run
exited 0 with the expected output.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LONGEST = ROOT / "examples" / "lifecycle-public-report.json"


def one_run(scenario: Path, expected: list[str]) -> tuple[int, bool, str]:
    """Exit status, whether stdout was the expected lines, and the last line of stderr."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    out = subprocess.run([sys.executable, "-m", "ombudsflow.commands.cli", "simulate", str(scenario)],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    last_err = (out.stderr.strip().splitlines() or [""])[0]
    return out.returncode, out.stdout.splitlines() == expected, last_err


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=1, help="runs at once (default 1: in a row)")
    parser.add_argument("--scenario", type=Path, default=LONGEST)
    args = parser.parse_args(argv)
    expected_file = args.scenario.with_suffix(".expected.jsonl")
    expected = expected_file.read_text().splitlines()

    statuses: Counter[int] = Counter()
    wrong_output, first_errors = 0, Counter[str]()
    began = time.perf_counter()
    with ThreadPoolExecutor(args.jobs) as pool:
        for n, (status, matched, err) in enumerate(
                pool.map(lambda _: one_run(args.scenario, expected), range(args.runs)), 1):
            statuses[status] += 1
            wrong_output += status == 0 and not matched
            if status != 0:
                first_errors[err[:160]] += 1
            if n % 20 == 0 or status != 0:
                print(f"{n}/{args.runs}: exit 0 so far {statuses[0]}"
                      + (f"; this one exit {status}: {err[:160]}" if status else ""), flush=True)
    seconds = time.perf_counter() - began
    ok = statuses[0] - wrong_output
    print(f"\n{args.scenario.name}: {args.runs} runs, {args.jobs} at a time, {seconds:.0f} s")
    print(f"exit 0: {statuses[0]} of {args.runs}; exit statuses {dict(sorted(statuses.items()))}; "
          f"exit 0 with output other than {expected_file.name}: {wrong_output}")
    for err, count in first_errors.most_common():
        print(f"  {count} x {err}")
    return 0 if ok == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
