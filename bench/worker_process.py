"""The worker a benchmark measures, in its own process (started by harness.WorkerProcess).

`--kind complaint` is the product's worker (`worker.main.build_worker`) with the real
activities (PostgreSQL store, SMTP mailer, the example directory) and the product's data
converter, payloads encrypted with PAYLOAD_KEYS. `--kind bare` is
bench/bare.py's no-op worker. The child prints one `BENCH {...}` line when it polls and one
when SIGTERM has shut it down gracefully (its own peak RSS, the no-op activity counts).

Two of the product's own settings are read from the environment, as the real worker reads
them: WORKER_CACHED_WORKFLOWS (the complaint worker's workflow cache; default
worker.main.MAX_CACHED_WORKFLOWS) and WORKER_METRICS_PORT (the Temporal SDK's Prometheus
metrics on 127.0.0.1:<port>/metrics: sticky cache hits, misses, evictions and size;
unset or 0: none). bench/scale.py sets both.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import sys
from typing import Any

from bench.bare import BareActivities, bare_worker
from bench.harness import REPORT_PREFIX, SENDER, connect


def say(payload: dict[str, Any]) -> None:
    print(REPORT_PREFIX + json.dumps(payload), flush=True)


def export_metrics() -> None:
    """WORKER_METRICS_PORT: this process's one Temporal runtime (harness.quiet_runtime, which
    `connect` uses) also serves the SDK's Prometheus metrics."""
    port = int(os.environ.get("WORKER_METRICS_PORT") or 0)
    if port:
        from temporalio.runtime import (
            LoggingConfig, PrometheusConfig, Runtime, TelemetryConfig, TelemetryFilter,
        )

        from bench import harness

        harness._runtime = Runtime(telemetry=TelemetryConfig(
            logging=LoggingConfig(filter=TelemetryFilter(core_level="ERROR", other_level="ERROR")),
            metrics=PrometheusConfig(bind_address=f"127.0.0.1:{port}")))


async def serve(args: argparse.Namespace) -> None:
    export_metrics()
    # The product's worker encrypts payloads like production (worker.main: PAYLOAD_KEYS).
    client = await connect(args.address, os.environ.get("PAYLOAD_KEYS") if args.kind == "complaint" else None)
    pool = None
    bare = BareActivities()
    if args.kind == "complaint":
        from activities import ComplaintActivities
        from ombudsflow.db import PgStore, create_pool
        from ombudsflow.directory import Directory
        from ombudsflow.mail import SmtpMailer
        from worker.main import MAX_CACHED_WORKFLOWS, build_worker

        pool = await create_pool(args.dsn)
        activities = ComplaintActivities(
            PgStore(pool), SmtpMailer("127.0.0.1", args.smtp_port, SENDER), Directory.load(None)
        )
        cache = int(os.environ.get("WORKER_CACHED_WORKFLOWS") or MAX_CACHED_WORKFLOWS)
        worker = build_worker(client, activities, args.task_queue, share_project_modules=True,
                              max_cached_workflows=cache)
    else:
        worker = bare_worker(client, args.task_queue, bare)

    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    running = asyncio.create_task(worker.run())
    say({"ready": True})
    await asyncio.wait([running, asyncio.create_task(stop.wait())], return_when=asyncio.FIRST_COMPLETED)
    if not running.done():
        await worker.shutdown()
    await running
    if pool is not None:
        await pool.close()
    say({
        "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "noop_calls": bare.calls, "noop_first_at": bare.first_at, "noop_last_at": bare.last_at,
    })


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", choices=["complaint", "bare"], required=True)
    parser.add_argument("--address", required=True)
    parser.add_argument("--task-queue", required=True)
    parser.add_argument("--dsn")
    parser.add_argument("--smtp-port", type=int, default=0)
    asyncio.run(serve(parser.parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
