"""`bin/run` with WORKER_METRICS_PORT says where both metrics endpoints are, and both answer: the
worker's (Temporal SDK, no sign-in) and the API's /metrics for the dev operator's token."""

from __future__ import annotations

import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from tests.faults.processes import free_port
from tests.processes.test_devrun import DevRun, dev  # noqa: F401  (the fixture)


def test_the_dev_runner_serves_and_names_both_metrics_endpoints(dev: DevRun) -> None:  # noqa: F811
    port = free_port()
    dev.env["WORKER_METRICS_PORT"] = str(port)
    run = dev.start()
    dev.wait_until_serving(run)

    banner = dev.output()
    api = f"http://127.0.0.1:{dev.api_port}/metrics"
    assert f"Metrics      {api} (the API's, for an operator's token: dev-operator)" in banner
    assert f"http://127.0.0.1:{port}/metrics (the worker's, Temporal SDK; no sign-in)" in banner

    worker = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    names = {f.name for f in text_string_to_metric_families(worker)}
    assert "temporal_worker_task_slots_available" in names and all(n.startswith("temporal_") for n in names)

    tokens = (dev.data_dir / "dev-tokens.txt").read_text().splitlines()
    [token] = [line.split()[2] for line in tokens if line.split()[:1] == ["dev-operator"]]
    request = urllib.request.Request(api, headers={"Authorization": f"Bearer {token}"})
    own = urllib.request.urlopen(request, timeout=10).read().decode()
    names = {f.name for f in text_string_to_metric_families(own)}
    assert {"ombudsflow_complaints_open", "ombudsflow_api_request_duration_seconds"} <= names
