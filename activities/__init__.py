"""Temporal activities: the only place workflow decisions touch the database and mail."""

from activities.complaint import ComplaintActivities

__all__ = ["ComplaintActivities"]
