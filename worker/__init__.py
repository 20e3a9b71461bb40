"""The Temporal worker that runs complaint workflows and their activities."""
