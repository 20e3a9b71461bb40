"""Bad input: the OpenAPI schema fuzzed with schemathesis against the whole system.

Every operation in the schema gets a bounded number of generated requests (derandomized, so
CI sees the same ones every run), signed in as an admin so they reach the routes rather
than the 401. The API runs in process over the `system` fixture (real Temporal, worker,
PostgreSQL, SMTP); hypothesis drives it from a thread while the session's event loop serves
the requests. No request may get a 5xx, and none may take longer than REQUEST_SECONDS.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from tests.fixtures.system import System

EXAMPLES_PER_OPERATION = 20
REQUEST_SECONDS = 25.0  # the API's own wait for a worker is 20 s; past that it hangs


def httpx_kwargs(case: Any, authorization: str) -> dict[str, Any]:
    """The generated request as httpx arguments, with our credentials instead of made-up ones."""
    kwargs = case.as_transport_kwargs(base_url="http://api")
    headers = {k: v for k, v in kwargs.get("headers", {}).items() if k.lower() not in ("authorization", "cookie")}
    headers["Authorization"] = authorization
    out: dict[str, Any] = {"method": kwargs["method"], "url": kwargs["url"], "headers": headers,
                           "params": kwargs.get("params") or None}
    if "json" in kwargs:
        out["json"] = kwargs["json"]
    elif kwargs.get("data") is not None:
        data = kwargs["data"]
        out["content" if isinstance(data, (bytes, str)) else "data"] = data
    return out


# schemathesis's own strategies use `random`; hypothesis warns about it, not about us.
@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")
async def test_openapi_fuzzed_no_server_error_no_hang(system: System) -> None:
    loop = asyncio.get_running_loop()
    authorization = system.http.headers["Authorization"]
    schema = schemathesis.openapi.from_dict((await system.http.get("/openapi.json")).json())
    operations = [result.ok() for result in schema.get_all_operations()]
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    slowest = 0.0

    def send(case: Any) -> httpx.Response:
        nonlocal slowest
        started = time.monotonic()
        future = asyncio.run_coroutine_threadsafe(system.http.request(**httpx_kwargs(case, authorization)), loop)
        response = future.result(timeout=REQUEST_SECONDS)
        slowest = max(slowest, time.monotonic() - started)
        return response

    def fuzz(operation: Any) -> None:
        @settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, database=None, deadline=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def one(case: Any) -> None:
            try:
                response = send(case)
            except Exception as crash:  # escaped the app: a real server answers 500
                statuses[500] += 1
                failures.append(f"{case.method} {case.formatted_path} crashed: {crash!r}\n"
                                f"  {case.as_curl_command(base_url='http://api')}")
                return
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: "
                                f"{response.text[:300]}\n  {case.as_curl_command(base_url='http://api')}")

        one()

    def run_all() -> None:
        for operation in operations:
            fuzz(operation)

    await asyncio.to_thread(run_all)
    total = sum(statuses.values())
    print(f"fuzzed {len(operations)} operations with {total} requests: {dict(sorted(statuses.items()))}; "
          f"slowest {slowest:.1f} s")
    assert not failures, "\n".join(failures)
    assert len(operations) >= 10 and total >= len(operations) * 5
    assert statuses.keys() & {200, 201}, "nothing got through validation: the fuzzing proves little"
