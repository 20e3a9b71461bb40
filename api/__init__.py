"""The HTTP API: turns requests into workflow events and reads the read model."""
