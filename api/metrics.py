"""`GET /metrics`: the API's figures for Prometheus (operators and admins: api/policy.py).

Two kinds, in the text format Prometheus scrapes (README "Metrics" lists each one):

- the API's own, counted in this process since it started: request latency by route
  template and method (`RequestMetrics`, a small ASGI middleware), responses by status, and
  events refused (`refused`, called where api/errors.py turns a refusal into a response);
- the casework's, read from the read model at scrape time with one SQL statement (one round
  trip): letters and notices mailed, pending and failed, complaints open and overdue by stage.
  The API sends no letter itself (the workers do), so it counts none: it reads what the
  workers recorded, which is also right with several API and worker processes.

Each app has its own registry (tests make many apps in one process), with the
prometheus-client's standard `process_*` figures of this process.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import asyncpg
from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import (
    CollectorRegistry, Counter, Histogram, ProcessCollector, disable_created_metrics,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import PoolDep
from domain.records import Stage
from ombudsflow.db.attention import TRANSIENT_PREFIX

# The routes where an event is sent to a complaint's workflow: their 409s and 422s are refusals.
EVENT_ROUTES = frozenset({
    ("POST", "/complaints/{reference}/events"),
    ("POST", "/tasks/{task_id:path}/complete"),
})
REFUSALS = (409, 422)
# Seconds. A page or report is meant to answer within 0.2 s; an event waits for its worker,
# up to 20 s (api/temporal.py WORKER_TIMEOUT).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0)
OPEN_STAGES = [stage for name, stage in vars(Stage).items() if name.isupper() and stage != Stage.CLOSED]
KINDS = ("letter", "notice")
UNMATCHED = "unmatched"  # no route: a 404 for any path, kept to one label value


class ApiMetrics:
    """The API process's own counters and histogram, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        ProcessCollector(registry=self.registry)
        self.latency = Histogram(
            "ombudsflow_api_request_duration_seconds",
            "Time from request to the end of the response, by route template and method",
            ["method", "route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.responses = Counter(
            "ombudsflow_api_responses", "Responses by route template, method and status",
            ["method", "route", "status"], registry=self.registry)
        self.refusals = Counter(
            "ombudsflow_api_event_refusals",
            "Events (and task completions) refused with 409 or 422, by route, status and reason: "
            "workflow (the complaint's workflow refused it or has ended), invalid (the request's "
            "fields), api (refused before anything was sent)",
            ["route", "status", "reason"], registry=self.registry)
        for route in sorted(path for _, path in EVENT_ROUTES):  # shown at 0 from the start
            self.refusals.labels(route, "409", "workflow")
            self.refusals.labels(route, "422", "invalid")

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.latency.labels(method, route).observe(seconds)
        self.responses.labels(method, route, str(status)).inc()


def route_template(scope: Scope) -> str:
    """The path the request was routed by (`/complaints/{reference}`), never the raw path:
    one series per route, whatever references are asked for."""
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) and path else UNMATCHED


class RequestMetrics:
    """ASGI middleware: each HTTP request's latency and status, by route template and method.
    Outside the exception handlers, so a refusal's own answer is what is counted; an error
    nothing handled counts as the 500 the server then sends."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            method = "GET" if scope["method"] == "HEAD" else scope["method"]
            self.metrics.observe(method, route_template(scope), status,
                                 time.perf_counter() - started)


def refused(request: Request, status: int, exc: BaseException) -> None:
    """Count an event refused (api/errors.py calls this for every 409 and 422 it answers);
    other routes and statuses are not events refused and are left alone."""
    route = route_template(request.scope)
    if status not in REFUSALS or (request.method, route) not in EVENT_ROUTES:
        return
    metrics: ApiMetrics | None = getattr(request.app.state, "metrics", None)
    if metrics is None:
        return
    metrics.refusals.labels(route, str(status), _reason(status, exc)).inc()


def _reason(status: int, exc: BaseException) -> str:
    from api.temporal import WorkflowAnswer

    seen: BaseException | None = exc
    while seen is not None:  # routes re-raise the workflow's answer as an HTTPException
        if isinstance(seen, WorkflowAnswer):
            return "workflow"
        seen = seen.__cause__ or seen.__context__
    return "invalid" if status == 422 else "api"


# --- Read at scrape time ---------------------------------------------------------------------

# One statement, one round trip. Pending and failed as the needs-attention list counts them
# (ombudsflow/db/attention.py): pending is a stored letter or notice the mail server has not
# accepted yet, with the reason the activity noted (the partial indexes of migration 010 hold
# just those rows); failed is a delivery in `undelivered`, waiting for a person. Complaints:
# the open ones (closed_on IS NULL) by stage.
READ_MODEL = """
SELECT
  (SELECT coalesce(json_object_agg(template, n), '{}') FROM
     (SELECT template, count(*) AS n FROM letters WHERE mailed_at IS NOT NULL GROUP BY template) m
  ) AS letters_mailed,
  (SELECT coalesce(json_object_agg(about, n), '{}') FROM
     (SELECT about, count(*) AS n FROM notifications WHERE mailed_at IS NOT NULL GROUP BY about) m
  ) AS notices_mailed,
  (SELECT count(*) FROM letters l
    WHERE l.mailed_at IS NULL AND l.last_error IS NOT NULL AND l.recipient_address IS NOT NULL
      AND starts_with(l.last_error, $1)
      AND NOT EXISTS (SELECT 1 FROM undelivered u WHERE u.reference = l.reference AND u.key = l.key)
  ) AS letters_pending,
  (SELECT count(*) FROM notifications n
    WHERE n.mailed_at IS NULL AND n.last_error IS NOT NULL AND cardinality(n.recipients) > 0
      AND starts_with(n.last_error, $1)
      AND NOT EXISTS (SELECT 1 FROM undelivered u WHERE u.reference = n.reference AND u.key = n.key)
  ) AS notices_pending,
  (SELECT count(*) FILTER (WHERE what LIKE '%: letter %') FROM undelivered) AS letters_failed,
  (SELECT count(*) FILTER (WHERE what NOT LIKE '%: letter %') FROM undelivered) AS notices_failed,
  (SELECT coalesce(json_object_agg(stage, json_build_array(n, overdue)), '{}') FROM
     (SELECT stage, count(*) AS n, count(*) FILTER (WHERE overdue) AS overdue
      FROM complaints WHERE closed_on IS NULL GROUP BY stage) o
  ) AS open_by_stage
"""


@dataclass(frozen=True, eq=False)  # hashed by identity: a registry keeps collectors in a dict
class ReadModelFigures:
    letters_mailed: dict[str, int]  # by template
    notices_mailed: dict[str, int]  # by timetable row
    pending: dict[str, int]  # by kind
    failed: dict[str, int]  # by kind
    open_by_stage: dict[str, int]
    overdue_by_stage: dict[str, int]
    seconds: float  # how long the query took

    def collect(self) -> Iterable[Metric]:
        """The figures as metric families (a prometheus-client collector)."""
        mailed = CounterMetricFamily(
            "ombudsflow_letters_mailed", "Letters the mail server accepted, by template (from "
            "the read model: every worker's, since the start)", labels=["template"])
        for template, n in sorted(self.letters_mailed.items()):
            mailed.add_metric([template], n)
        yield mailed
        notices = CounterMetricFamily(
            "ombudsflow_notices_mailed", "Staff notices the mail server accepted, by the "
            "timetable row they are about (from the read model)", labels=["about"])
        for about, n in sorted(self.notices_mailed.items()):
            notices.add_metric([about], n)
        yield notices
        pending = GaugeMetricFamily(
            "ombudsflow_deliveries_pending", "Letters and notices stored but not accepted by "
            "the mail server yet, with its reason noted; Temporal retries them", labels=["kind"])
        failed = GaugeMetricFamily(
            "ombudsflow_deliveries_failed", "Letters and notices that failed for good and wait "
            "for a person (GET /attention: retry or dismiss)", labels=["kind"])
        for kind in KINDS:
            pending.add_metric([kind], self.pending[kind])
            failed.add_metric([kind], self.failed[kind])
        yield pending
        yield failed
        open_ = GaugeMetricFamily("ombudsflow_complaints_open", "Open complaints by stage",
                                  labels=["stage"])
        overdue = GaugeMetricFamily(
            "ombudsflow_complaints_overdue", "Open complaints with a deadline past and not met, "
            "by stage", labels=["stage"])
        for stage in sorted({*OPEN_STAGES, *self.open_by_stage}):
            open_.add_metric([stage], self.open_by_stage.get(stage, 0))
            overdue.add_metric([stage], self.overdue_by_stage.get(stage, 0))
        yield open_
        yield overdue
        took = GaugeMetricFamily("ombudsflow_metrics_read_model_query_seconds",
                                 "How long this scrape's read-model query took")
        took.add_metric([], self.seconds)
        yield took


async def read_model_figures(pool: asyncpg.Pool) -> ReadModelFigures:
    started = time.perf_counter()
    row = await pool.fetchrow(READ_MODEL, TRANSIENT_PREFIX)
    seconds = time.perf_counter() - started
    assert row is not None
    by_stage: dict[str, list[int]] = json.loads(row["open_by_stage"])
    return ReadModelFigures(
        letters_mailed=json.loads(row["letters_mailed"]),
        notices_mailed=json.loads(row["notices_mailed"]),
        pending={"letter": row["letters_pending"], "notice": row["notices_pending"]},
        failed={"letter": row["letters_failed"], "notice": row["notices_failed"]},
        open_by_stage={stage: n for stage, (n, _) in by_stage.items()},
        overdue_by_stage={stage: overdue for stage, (_, overdue) in by_stage.items()},
        seconds=seconds,
    )


router = APIRouter(tags=["operators"])


@router.get("/metrics", response_class=Response, responses={200: {
    "description": "Prometheus text format 0.0.4", "content": {"text/plain": {}}}})
async def metrics(request: Request, pool: PoolDep) -> Response:
    """The API's metrics for Prometheus (operators and admins; README "Metrics")."""
    figures = await read_model_figures(pool)
    scraped = CollectorRegistry(auto_describe=False)
    scraped.register(figures)  # type: ignore[arg-type]  # a collector: it has collect()
    own: ApiMetrics = request.app.state.metrics
    body = generate_latest(own.registry) + generate_latest(scraped)
    return Response(body, media_type=CONTENT_TYPE_PLAIN_0_0_4)


def install(app: Any) -> None:
    """The registry, the latency middleware (outermost but for the server's own error page,
    so it times everything the app does) and the route."""
    disable_created_metrics()  # no `_created` twin of every counter: Prometheus needs none
    app.state.metrics = ApiMetrics()
    app.add_middleware(RequestMetrics, metrics=app.state.metrics)
    app.include_router(router)
