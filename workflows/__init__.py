"""Temporal workflows: one ComplaintWorkflow per complaint."""

from workflows.complaint import ComplaintWorkflow

__all__ = ["ComplaintWorkflow"]
