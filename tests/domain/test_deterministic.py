"""domain/ is deterministic by construction, which is why the production worker may pass it
through the workflow sandbox (worker/main.py) without the sandbox re-checking it.

No module in domain/ reads the clock, randomness, the environment, files or the network, or
imports a module that could: only the pure standard-library modules below and domain itself.
(`holidays` in bank_holidays.py is data, read by the activity that loads the calendar.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
PURE_STDLIB = {
    "__future__", "bisect", "calendar", "collections", "dataclasses", "datetime", "decimal", "enum",
    "fractions", "functools", "itertools", "math", "operator", "re", "types", "typing", "unicodedata",
    "difflib", "string",
}
ALLOWED_ELSEWHERE = {"bank_holidays.py": {"holidays"}, "timetable_page.py": set()}
CLOCK_CALLS = {("datetime", "now"), ("datetime", "utcnow"), ("date", "today"), ("datetime", "today")}


@pytest.mark.parametrize("path", sorted(DOMAIN.glob("*.py")), ids=lambda p: p.name)
def test_a_domain_module_reads_no_clock_and_does_no_io(path: Path) -> None:
    tree = ast.parse(path.read_text())
    allowed = PURE_STDLIB | ALLOWED_ELSEWHERE.get(path.name, set())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots = {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            roots = {(node.module or "").split(".")[0]} if node.level == 0 else {"domain"}
        else:
            roots = set()
        for root in roots - {"domain"}:
            assert root in allowed, f"{path.name}:{node.lineno} imports {root}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            assert (node.func.value.id, node.func.attr) not in CLOCK_CALLS, f"{path.name}:{node.lineno} reads the clock"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in ("open", "input", "exec", "eval"), f"{path.name}:{node.lineno} calls {node.func.id}"
