"""Certifications: every active worker x every ticket their role requires (SPEC.md)."""

from __future__ import annotations

# Columns of the certifications frame, in this order. Dates are datetime64, days_left Int64.
# status is one of Expired | Missing | Expiring | Current; rows sorted most urgent first.
CERTIFICATION_COLUMNS = ["worker", "role", "ticket", "status", "completed", "expires", "days_left", "record_row"]
