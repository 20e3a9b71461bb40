"""`ombudsflow users`: add, list, disable users and issue new tokens, in DATABASE_URL.

A token is printed once, when it is issued, and stored only as a hash: lost, it is replaced
(`users token NAME`), never recovered.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import asyncpg

from ombudsflow.db.users import (
    ROLES,
    User,
    UserError,
    add_user,
    disable_user,
    get_user,
    issue_token,
    list_users,
    user_for_token,
)

T = TypeVar("T")


def configure(parser: argparse.ArgumentParser) -> None:
    """The subcommands of `ombudsflow users`."""
    sub = parser.add_subparsers(dest="users_command", required=True)
    add = sub.add_parser("add", help="add a user and print their token (shown once)")
    add.add_argument("--name", required=True, help="unique; how the user is shown")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--council", help="a link officer's authority, as complaints name it")
    sub.add_parser("list", help="every user, with role, council and whether disabled")
    disable = sub.add_parser("disable", help="refuse a user's token and end their sessions")
    disable.add_argument("name")
    token = sub.add_parser(
        "token", help="issue a user a new token (the old one and their sessions stop working)")
    token.add_argument("name")


def main(args: argparse.Namespace) -> int:
    from ombudsflow.settings import get_settings

    settings = get_settings()
    url = settings.database_url
    if not url:
        print("ombudsflow users: DATABASE_URL is not set", file=sys.stderr)
        return 2
    try:
        if args.users_command == "add" and args.council:
            check_council(args.council, settings.directory_file)
        return asyncio.run(_run(url, args))
    except UserError as problem:
        print(f"ombudsflow users: {problem}", file=sys.stderr)
        return 1
    except asyncpg.UndefinedTableError:
        print("ombudsflow users: the database has no users table: run `ombudsflow migrate`",
              file=sys.stderr)
        return 1


def check_council(council: str, directory_file: Path | None) -> None:
    """A link officer of a council the directory does not list would see empty lists for ever
    (their pages show only their council's complaints): refused, with the closest names."""
    from ombudsflow.directory import Directory

    try:
        directory = Directory.load(directory_file)
    except (OSError, ValueError) as exc:
        raise UserError(f"the directory {directory_file or 'example'} cannot be read to check "
                        f"--council: {exc}") from None
    if (problem := directory.council_problem(council.strip())) is not None:
        raise UserError(f"--council: {problem}")


async def _run(url: str, args: argparse.Namespace) -> int:
    async def with_pool(action: Callable[[asyncpg.Pool], Awaitable[T]]) -> T:
        from ombudsflow.db import create_pool

        pool = await create_pool(url, min_size=1, max_size=1)
        try:
            return await action(pool)
        finally:
            await pool.close()

    command = args.users_command
    if command == "add":
        user, token = await with_pool(lambda p: add_user(p, args.name, args.role, args.council))
        print(f"added {describe(user)}")
        print(f"token (shown once; send it as `Authorization: Bearer <token>` or sign in at "
              f"/login): {token}")
    elif command == "list":
        users = await with_pool(list_users)
        for user in users:
            print(describe(user))
        if not users:
            print("no users yet: ombudsflow users add --name NAME --role admin")
    elif command == "disable":
        user = await with_pool(lambda p: disable_user(p, args.name))
        print(f"disabled {describe(user)}")
    elif command == "token":
        token = await with_pool(lambda p: issue_token(p, args.name))
        print(f"new token for {args.name} (shown once; the old one no longer works): {token}")
    return 0


def describe(user: User) -> str:
    council = f", {user.council}" if user.council else ""
    disabled = " [disabled]" if user.disabled else ""
    return f"{user.name} ({user.role}{council}), since {user.created_at:%Y-%m-%d}{disabled}"


# --- The dev runner's demo users -----------------------------------------------------------

DEV_COUNCIL = "Example Borough Council"  # the council of the examples and the demo scenario
DEV_USERS: tuple[tuple[str, str, str | None], ...] = (
    ("dev-admin", "admin", None),
    ("dev-coordinator", "coordinator", None),
    ("dev-operator", "operator", None),
    ("dev-link-officer", "link_officer", DEV_COUNCIL),
)


async def ensure_dev_users(pool: asyncpg.Pool, tokens_file: Path) -> bool:
    """One user per role, their tokens in `tokens_file` (0600); True if tokens were issued.

    Idempotent: when the file's tokens all still sign their users in, nothing changes. Else
    (first run, file deleted, a user disabled) the demo users get new tokens, written afresh.
    """
    if tokens_file.exists():
        listed = _read_tokens(tokens_file)
        for name, _, _ in DEV_USERS:
            user = await user_for_token(pool, listed.get(name, "")) if listed.get(name) else None
            if user is None or user.name != name or user.disabled:
                break
        else:
            return False
    lines = [
        "# Ombudsflow dev users. Send `Authorization: Bearer <token>`, or sign in at /login.",
        "# Delete this file and restart `ombudsflow dev` to issue new tokens.",
    ]
    async with pool.acquire() as conn, conn.transaction():
        for name, role, council in DEV_USERS:
            if await get_user(conn, name) is None:
                _, token = await add_user(conn, name, role, council)
            else:
                token = await issue_token(conn, name)
            lines.append(f"{name:<18} {role:<13} {token}" + (f"  # {council}" if council else ""))
    tokens_file.unlink(missing_ok=True)
    fd = os.open(tokens_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write("\n".join(lines) + "\n")
    return True


def _read_tokens(path: Path) -> dict[str, str]:
    """name -> token from a tokens file (comments and odd lines skipped)."""
    found = {}
    for line in path.read_text().splitlines():
        parts = line.split("#", 1)[0].split()
        if len(parts) == 3:
            found[parts[0]] = parts[2]
    return found
