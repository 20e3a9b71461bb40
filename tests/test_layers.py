"""The layers a newcomer can see, held by a test: each imports only what is below it.

domain/ (pure) <- ombudsflow/ infrastructure (settings, db, mail, codec, directory, ...)
<- activities/, workflows/ <- worker/, api/ <- ombudsflow/commands/ (cli, dev runner,
simulate, import). tests/domain/test_deterministic.py holds domain/ to the standard library.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What each layer may not import (the layers above it).
FORBIDDEN = {
    "ombudsflow": {"api", "worker", "workflows", "activities", "ombudsflow.commands", "letters"},
    "ombudsflow/db": {"api", "worker", "workflows", "activities", "ombudsflow.commands"},
    "activities": {"api", "worker", "workflows", "ombudsflow.commands"},
    "workflows": {"api", "worker", "ombudsflow.commands"},
    "worker": {"api", "ombudsflow.commands"},
    "api": {"worker", "ombudsflow.commands.cli", "ombudsflow.commands.devrun"},
}


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).glob("*.py"))


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_it(folder: str) -> None:
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules(folder)
        for name in sorted(imported(path))
        if any(name == above or name.startswith(above + ".") for above in FORBIDDEN[folder])
    ]
    assert wrong == []
