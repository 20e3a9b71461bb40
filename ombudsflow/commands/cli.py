"""`ombudsflow` command: run the system, its parts, or simulate a scenario."""

from __future__ import annotations

import argparse
import ctypes
import gc
import signal
import sys
import threading
import time
from typing import Any

# Commands that run until asked to stop: SIGTERM (docker stop, systemd) is a request to stop
# like Ctrl-C, ending in the same orderly shutdown and exit status 0.
_SERVICES = {"worker"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ombudsflow", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("dev", help="run the whole system on embedded defaults (Ctrl-C stops it)")
    sub.add_parser("worker", help="run the Temporal worker against TEMPORAL_ADDRESS")
    sub.add_parser("api", help="run the HTTP API against TEMPORAL_ADDRESS and DATABASE_URL")
    sub.add_parser("migrate", help="apply database migrations to DATABASE_URL")
    purge = sub.add_parser("purge", help="remove personal data of complaints closed longer ago "
                           "than RETENTION_DAYS_AFTER_CLOSURE (statistics stay)")
    purge.add_argument("--today", help="judge as of this date (YYYY-MM-DD; default: today)")
    sim = sub.add_parser("simulate", help="run a scenario on the time-skipping test server")
    sim.add_argument("scenario", help="scenario JSON file (SPEC.md format)")
    imp = sub.add_parser("import", help="take in open complaints with their history at go-live "
                                        "(JSON scenario list, CSV or XLSX)")
    imp.add_argument("file", help="JSON list of complaints with events, or a CSV/XLSX spreadsheet")
    imp.add_argument("--go-live", help="the first day the system runs them (YYYY-MM-DD; default today)")
    imp.add_argument("--until", help="--dry-run prints up to this day (default: go-live + 1 year)")
    imp.add_argument("--dry-run", action="store_true", help="change nothing; print what would happen")
    template = sub.add_parser("import-template", help="write the import spreadsheet's layout with an "
                                                      "example row for every event (docs/import.md)")
    template.add_argument("file", help="FILE.xlsx or FILE.csv to write")
    from ombudsflow.commands import users

    users.configure(sub.add_parser("users", help="who may use the API and pages: add, list, "
                                                 "disable, token"))
    args = parser.parse_args(argv)

    if args.command in _SERVICES:
        signal.signal(signal.SIGTERM, _stop_like_ctrl_c)
    try:
        return _run(args)
    except KeyboardInterrupt:  # the command's own shutdown already ran (asyncio.run cancels)
        return 0 if args.command in _SERVICES else 130
    finally:
        release_temporal_threads()


def _run(args: argparse.Namespace) -> int:
    if args.command == "users":
        from ombudsflow.commands import users

        return users.main(args)
    if args.command == "purge":
        from ombudsflow.db.retention import main as purge_main

        return purge_main(args.today)
    if args.command == "simulate":
        from ombudsflow.commands.simulate import main as simulate_main

        return simulate_main(args.scenario)
    if args.command == "import":
        from ombudsflow.commands.importer import main as import_main

        return import_main(args.file, args.go_live, args.until, args.dry_run)
    if args.command == "import-template":
        from ombudsflow.spreadsheet import template_main

        return template_main(args.file)
    if args.command == "dev":
        from ombudsflow.commands.devrun import main as dev_main

        return dev_main()
    if args.command == "worker":
        from worker.main import main as worker_main

        return worker_main()
    if args.command == "api":
        from api.main import main as api_main

        return api_main()
    if args.command == "migrate":
        from ombudsflow.db.migrate import main as migrate_main

        return migrate_main()
    return 2


def _stop_like_ctrl_c(signum: int, frame: Any) -> None:
    """SIGTERM as Ctrl-C: asyncio.run's SIGINT handler cancels the command's main task, which
    shuts down in order. Where SIGINT was ignored (a background job) asyncio.run installs none:
    KeyboardInterrupt then ends the loop, and asyncio.run cancels the tasks, to the same end."""
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler):
        handler(signal.SIGINT, frame)
    else:
        raise KeyboardInterrupt


def release_temporal_threads(timeout: float = 5.0) -> bool:
    """Before the interpreter finalizes, let the Temporal core's threads out of Python.

    Why: the SDK's Rust core resolves each awaited call from one of its own (tokio) threads,
    which takes the GIL to hand the result to the event loop. If the loop's last await (e.g.
    the test server's shutdown) is resolved by a core thread that is then preempted before it
    gives the GIL back, the main thread can finish, print and start finalizing first; the
    core thread, woken in a finalizing interpreter, is made to exit, unwinds through PyO3's
    GIL guard and aborts the process ("Fatal Python error: PyGILState_Release ... Python
    runtime state: finalizing", exit 134) after all the output was printed. So: wait until no
    thread Python did not start holds a thread state (every core thread has left Python),
    then collect the core Runtime, which sits in a reference cycle, so its threads stop now
    rather than during finalization. Returns False if a thread was still inside after
    `timeout` (the exit then proceeds, as it did before).
    """
    deadline = time.monotonic() + timeout
    for _ in range(2):  # the collection below may wake a last callback: check once more
        while _foreign_thread_states() > 0:
            if time.monotonic() > deadline:
                print("ombudsflow: a native thread was still inside Python at exit",
                      file=sys.stderr)
                return False
            time.sleep(0.001)  # releases the GIL: the core thread can finish
        gc.collect()
    return True


_api = ctypes.pythonapi
_api.PyInterpreterState_Main.restype = ctypes.c_void_p
_api.PyInterpreterState_ThreadHead.argtypes = [ctypes.c_void_p]
_api.PyInterpreterState_ThreadHead.restype = ctypes.c_void_p
_api.PyThreadState_Next.argtypes = [ctypes.c_void_p]
_api.PyThreadState_Next.restype = ctypes.c_void_p


def _foreign_thread_states() -> int:
    """Thread states beyond those of Python's own live threads: threads of native code (the
    Temporal core's) that are inside Python right now. Read under the GIL, which a thread
    state is removed under, with CPython's debugger API."""
    states = 0
    tstate = _api.PyInterpreterState_ThreadHead(_api.PyInterpreterState_Main())
    while tstate:
        states += 1
        tstate = _api.PyThreadState_Next(tstate)
    own = sum(1 for t in threading.enumerate() if not isinstance(t, threading._DummyThread))
    return states - own


if __name__ == "__main__":
    sys.exit(main())
