"""Database access: one pool, the migrations, and the Store the activities write through."""

from ombudsflow.db.memory_store import MemoryStore
from ombudsflow.db.pg_store import PgStore
from ombudsflow.db.pool import create_pool
from ombudsflow.db.store import (
    Store,
    StoredComplaint,
    StoredLetter,
    StoredNotification,
    StoredTask,
)

__all__ = [
    "MemoryStore", "PgStore", "Store", "StoredComplaint", "StoredLetter", "StoredNotification",
    "StoredTask", "create_pool",
]
