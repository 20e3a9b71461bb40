"""The API's routers, one module per resource, registered here and only here (pages:
api/pages/__init__.py)."""

from fastapi import APIRouter

from api.routes import (
    allocation,
    codec,
    complaints,
    deliveries,
    documents,
    kpis,
    letters,
    overdue,
    reports,
    requests,
    spreadsheet,
    tasks,
    timeline,
)

api_router = APIRouter()
for module in (complaints, documents, deliveries, letters, reports, spreadsheet, codec, requests, overdue, tasks,
               allocation, kpis, timeline):
    api_router.include_router(module.router)
