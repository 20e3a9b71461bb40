"""`ombudsflow users add`: a link officer of a council the directory does not list is refused
with the closest names (they would see empty lists for ever), and nothing is stored."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import asyncpg

from api.auth import get_user

OMBUDSFLOW = str(Path(sys.executable).parent / "ombudsflow")


def users_add(pg_url: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DIRECTORY_FILE",)}
    env["DATABASE_URL"] = pg_url
    return subprocess.run([OMBUDSFLOW, "users", "add", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60)


async def test_a_link_officer_of_an_unlisted_council_is_refused_with_the_closest_names(
    pg_url: str, pg_pool: asyncpg.Pool, tmp_path: Path
) -> None:
    name = f"lo-{uuid.uuid4().hex[:8]}"
    refused = users_add(pg_url, tmp_path, "--name", name, "--role", "link_officer",
                        "--council", "Exampel Borough Council")
    assert refused.returncode == 1, refused
    assert refused.stderr.strip() == (
        "ombudsflow users: --council: 'Exampel Borough Council' is not a council the directory "
        "lists; did you mean 'Example Borough Council'?")
    assert await get_user(pg_pool, name) is None

    added = users_add(pg_url, tmp_path, "--name", name, "--role", "link_officer",
                      "--council", "Example Borough Council")
    assert added.returncode == 0, added
    user = await get_user(pg_pool, name)
    assert user is not None and user.council == "Example Borough Council"
