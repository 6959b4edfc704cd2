"""Open deficiencies from pre-starts, inspections, hazards, incidents and corrective actions (SPEC.md)."""

from __future__ import annotations

# Columns of the deficiencies frame, in this order.
# id: the stable record ID (PS-..., INS-..., INC-...) or the Action ID / Hazard ID the office uses.
# source: Pre-Start | Inspection | Hazard | Incident | Corrective Action
# found, due: datetime64; age_days: int; status: Overdue | Open | Awaiting Verification
# awaiting_verification: bool; table/row: where the office finds the record (table title, sheet row).
DEFICIENCY_COLUMNS = [
    "id", "source", "found", "description", "unit_or_site", "assigned_to", "due", "age_days", "status",
    "awaiting_verification", "table", "row",
]
