"""`ombudsflow` command: run the system, its parts, or simulate a scenario."""

from __future__ import annotations

import argparse
import sys


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
    from ombudsflow import users

    users.configure(sub.add_parser("users", help="who may use the API and pages: add, list, "
                                                 "disable, token"))
    args = parser.parse_args(argv)

    if args.command == "users":
        return users.main(args)

    if args.command == "purge":
        from ombudsflow.db.retention import main as purge_main

        return purge_main(args.today)
    if args.command == "simulate":
        from ombudsflow.simulate import main as simulate_main

        return simulate_main(args.scenario)
    if args.command == "import":
        from ombudsflow.importer import main as import_main

        return import_main(args.file, args.go_live, args.until, args.dry_run)
    if args.command == "dev":
        from ombudsflow.devrun import main as dev_main

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


if __name__ == "__main__":
    sys.exit(main())
