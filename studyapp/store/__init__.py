"""SQLite persistence: the review log and derived card state."""

from studyapp.store.db import StoreError
from studyapp.store.repository import Store

__all__ = ["Store", "StoreError"]
