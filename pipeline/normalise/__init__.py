"""Normalise: tabs as read -> named tables with clean types, and the data issues."""

from .dataset import Dataset, TableStatus
from .tables import normalise

__all__ = ["Dataset", "TableStatus", "normalise"]
