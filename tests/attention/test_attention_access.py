"""The needs-attention routes x every kind of caller, as tests/auth/test_route_access.py
probes every other route: an allowed role reaches the route and stops harmlessly there (422
for a bad body, 415 for a form sent as JSON), nothing changes, and everyone else is refused.

ATTENTION_PROBES belong in test_route_access.PROBES, whose completeness check names every
POLICY line; they live here until that file takes them (it is another change's to edit).
"""

from __future__ import annotations

import pytest

from tests.auth.conftest import CALLERS, World, world  # noqa: F401  (the fixture, for this module)
from tests.auth import test_route_access as route_access  # the module, so its tests are not collected here
from tests.auth.test_route_access import AD, CO, Probe, readers

ATTENTION_PROBES = [
    Probe("GET", "/attention", lambda w: "/attention", readers(200)),
    Probe("POST", "/complaints/{reference}/deliveries/retry",
          lambda w: f"/complaints/{w.a.reference}/deliveries/retry", {CO: 422, AD: 422},
          lambda w: {"key": 1}),  # a key is text
    Probe("POST", "/complaints/{reference}/deliveries/dismiss",
          lambda w: f"/complaints/{w.a.reference}/deliveries/dismiss", {CO: 422, AD: 422},
          lambda w: {}),  # the key is missing
    Probe("POST", "/pages/complaints/{reference}/deliveries/retry",
          lambda w: f"/pages/complaints/{w.a.reference}/deliveries/retry", {CO: 415, AD: 415},
          lambda w: {"key": "sent as JSON, not as the form"}, page=True),
    Probe("POST", "/pages/complaints/{reference}/deliveries/dismiss",
          lambda w: f"/pages/complaints/{w.a.reference}/deliveries/dismiss", {CO: 415, AD: 415},
          lambda w: {"key": "sent as JSON, not as the form"}, page=True),
]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("probe", ATTENTION_PROBES, ids=lambda p: f"{p.method} {p.route}")
async def test_attention_route_by_caller(world: World, probe: Probe, caller: str) -> None:  # noqa: F811
    await route_access.test_route_by_caller(world, probe, caller)
