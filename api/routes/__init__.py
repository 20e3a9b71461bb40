"""The API's routers, one module per resource."""

from fastapi import APIRouter

from api.routes import codec, complaints, deliveries, letters, reports, spreadsheet

api_router = APIRouter()
api_router.include_router(complaints.router)
api_router.include_router(deliveries.router)
api_router.include_router(letters.router)
api_router.include_router(reports.router)
api_router.include_router(spreadsheet.router)
api_router.include_router(codec.router)
