"""Pages for people, rendered on the server from the read model: no build step, no script.

Plain HTML forms that post and redirect, so every page works without JavaScript and with a
keyboard. The routes read through the same functions as the JSON API and complete tasks
through the same `complete_task`, so a page never says something the API would not.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from api.pages import (
    admin_import,
    allocation,
    attention,
    complaint,
    coordinator,
    councils,
    events,
    forms,
    index,
    kpis,
    tasks,
)
from api.pages.templating import HERE

router = APIRouter(include_in_schema=False)
for module in (index, councils, coordinator, complaint, kpis, forms, attention, events, tasks, allocation,
               admin_import):
    router.include_router(module.router)


def install(app: FastAPI) -> None:
    """Add the pages (sign-in first) and their stylesheet to the API app."""
    from api import login

    app.include_router(login.router)
    app.include_router(router)
    app.mount("/pages/static", StaticFiles(directory=HERE / "static"), name="pages-static")
