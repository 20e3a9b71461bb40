"""Sizing on paper: workers, Temporal and PostgreSQL for N open complaints, from bench.scale.

Reads bench/results/scale.json (or the file given) and prints README's sizing table: each
line a figure, the arithmetic that gives it, and the measured inputs it uses. Nothing is
run; the inputs are what bench.scale measured on its machine, so the answer is as good as
that run (a busy machine inflates the CPU figures, which errs on the safe side).

The 09:00 storm at N is taken to be the same share of the open complaints as the benchmark's
(5,000 of 50,000: a tenth), drained by `--drain-minutes`. A worker is one Python process,
one core at most (one event loop); its cache holds `--cache` complaints.

    .venv/bin/python -m bench.sizing [--open 500000] [--drain-minutes 30] [--cache 10000]
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results" / "scale.json"


def per_action(storm: dict[str, Any], side: str) -> float:
    """CPU milliseconds of `side` ("worker" or "server") per complaint that took its action."""
    return storm[f"{side}_cpu_seconds"] * 1000 / storm["complaints"]


def table(scale: dict[str, Any], replay: dict[str, Any] | None, open_complaints: int, drain_minutes: float,
          cache: int) -> list[tuple[str, str, str]]:
    size = scale["size"]
    share = size["storm"] / size["complaints"]
    storm = round(open_complaints * share)
    drain = drain_minutes * 60
    memory = scale["memory"]
    kb = scale["seeding"].get("worker_kb_per_cached_complaint_slope") or memory["worker_kb_per_cached_complaint"]
    idle_mb = memory["worker_idle_rss_mb"]
    uncached, cached = scale["storm_uncached"], scale["storm_cached"]
    w_uncached, w_cached = per_action(uncached, "worker"), per_action(cached, "worker")
    s_uncached = per_action(uncached, "server")
    history = scale["temporal_history_per_complaint"]["bytes_mean"]
    pg = scale["postgresql"]["bytes_per_complaint"]
    server_kb = memory["server_kb_per_complaint"]

    all_cached = math.ceil(open_complaints / cache)
    worker_gb = (idle_mb + cache * kb / 1024) / 1024
    server_cores = storm * s_uncached / 1000 / drain
    rows = [
        ("09:00 storm", f"{storm:,} actions",
         f"{open_complaints:,} open x {share:.2f} (the benchmark's {size['storm']:,} of {size['complaints']:,})"),
        ("worker memory a cached complaint", f"{kb:.0f} KB",
         "measured: slope of the worker's RSS against its cached workflows while seeding"),
        ("one worker with a full cache", f"{worker_gb:.1f} GB", f"{idle_mb} MB idle + {cache:,} x {kb:.0f} KB"),
        ("workers to cache every open complaint", f"{all_cached} ({all_cached * worker_gb:.0f} GB in all)",
         f"{open_complaints:,} / {cache:,} a worker"),
        ("worker CPU an action, cached / replayed (just imported)", f"{w_cached:.0f} / {w_uncached:.0f} ms",
         f"measured: worker CPU over the cached and the uncached storm / complaints "
         f"({uncached['replays_per_complaint']} replays a complaint in the uncached one)"),
    ]
    # Worker cores the storm needs on CPU alone (a worker is one core at most).
    drain_what = (f"{math.ceil(storm * w_cached / 1000 / drain)} if cached, "
                  f"{math.ceil(storm * w_uncached / 1000 / drain)} if every action replays a just-imported complaint")
    drain_how = f"{storm:,} x {w_cached:.0f} ms / {drain:.0f} s; {storm:,} x {w_uncached:.0f} ms / {drain:.0f} s"
    history_rows = [("Temporal history, just imported", f"{open_complaints * history / 2**30:.1f} GB",
                     f"{open_complaints:,} x {history:,} bytes (mean of a sample of "
                     f"{scale['temporal_history_per_complaint']['sample']})")]
    if replay is not None:  # bench.replay: replay CPU against history length, on whole lives
        per_event = replay["cpu_ms_per_event_overall"]
        lives = sorted(replay["histories"], key=lambda r: r["events"])
        middle = lives[len(lives) // 2]
        replay_ms = per_event * middle["events"]
        rows.append(("worker CPU to replay a complaint",
                     f"{replay_ms:.0f} ms mid-life, {per_event * 2000:.0f} ms at 2,000 events",
                     f"measured (bench.replay): {per_event} ms an event x {middle['events']} (the kept histories' "
                     "median) or x 2,000 (a run continues as new there)"))
        drain_what += f", {math.ceil(storm * (w_cached + replay_ms) / 1000 / drain)} if every action replays one mid-life"
        drain_how += f"; {storm:,} x ({w_cached:.0f} + {replay_ms:.0f} ms) / {drain:.0f} s"
        history_rows.append(("Temporal history, mid-life", f"{open_complaints * middle['bytes'] / 2**30:.0f} GB",
                             f"{open_complaints:,} x {middle['bytes']:,} bytes (the median kept history; recorded "
                             "unencrypted, the codec adds about 60 bytes a payload)"))
    rows.append((f"worker cores to drain the storm in {drain_minutes:g} min", drain_what, drain_how))
    rows += history_rows
    rows += [
        ("Temporal server CPU for the storm", f"{server_cores:.1f} cores for {drain_minutes:g} min",
         f"{storm:,} x {s_uncached:.0f} ms (the dev server, one process, in memory) / {drain:.0f} s"),
        ("Temporal server memory (dev server, in memory)", f"{open_complaints * server_kb / 2**20:.0f} GB",
         f"{open_complaints:,} x {server_kb:.0f} KB: the dev server keeps everything in RAM; a cluster keeps it in its database"),
        ("PostgreSQL (read model)", f"{open_complaints * pg / 2**30:.1f} GB",
         f"{open_complaints:,} x {pg:,} bytes (database size over complaints, after VACUUM)"),
    ]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("results", nargs="?", type=Path, default=RESULTS)
    parser.add_argument("--open", type=int, default=500_000, help="open complaints to size for")
    parser.add_argument("--drain-minutes", type=float, default=30, help="the 09:00 storm drained within")
    parser.add_argument("--cache", type=int, default=10_000, help="a worker's cached workflows")
    args = parser.parse_args()
    scale = json.loads(args.results.read_text())
    replay_path = args.results.with_name("replay.json")
    replay = json.loads(replay_path.read_text()) if replay_path.exists() else None
    print(f"From {args.results.name}: `{scale['command']}` on {scale['date'][:10]}")
    print()
    print("| figure | for {:,} open complaints | arithmetic |".format(args.open))
    print("|---|---|---|")
    for name, value, how in table(scale, replay, args.open, args.drain_minutes, args.cache):
        print(f"| {name} | {value} | {how} |")


if __name__ == "__main__":
    main()
