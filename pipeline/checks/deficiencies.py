"""Open deficiencies from pre-starts, inspections, hazards, incidents and corrective actions (SPEC.md).

How findings and Corrective Actions rows fit together:

* A finding is a failed or defect-reporting pre-start, an inspection row with Deficiencies, an Open
  High/Medium hazard without Controls (a blank Status counts as Open: nothing says it is controlled), or an
  incident with Corrective Actions text.
* A Corrective Actions row is *linked* to a finding when its Source Ref names the finding's ID, or the
  finding's own row names the action's Action ID ('CA-2', 'see CA-26-08'): see normalise/links.py. The
  finding is **resolved** when a linked action was Completed on/before as-of, or the response row has a
  Closed date; **verified** when one completed linked action also has
  Verified By and a Verified date. Resolved+verified or Closed: not listed. Resolved, not verified:
  listed as Awaiting Verification.
* No double listing: a Corrective Actions row linked to a finding is represented by that finding (its
  Assigned To and Due are shown on it) and is never listed again under its Action ID. Only unlinked
  Corrective Actions rows are listed by Action ID: Open/Overdue until Completed, then Awaiting
  Verification until verified.
* Due: a finding's own Due (inspection rows), else the linked action's Due, else the default
  (found + due_days_out_of_service for a unit out of service, found + due_days_default otherwise).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from ..normalise.dataset import Dataset
from ..normalise.links import action_links, hazard_ids, record_keys
from ..settings import Settings
from .common import filled, pre_start_defect, reports_defect

# Columns of the deficiencies frame, in this order.
# id: the stable record ID (PS-..., INS-..., INC-...) or the Action ID / Hazard ID the office uses.
# source: Pre-Start | Inspection | Hazard | Incident | Corrective Action
# found, due: datetime64; age_days: int; status: Overdue | Open | Awaiting Verification
# awaiting_verification: bool; table/row: where the office finds the record (table title, sheet row).
DEFICIENCY_COLUMNS = [
    "id", "source", "found", "description", "unit_or_site", "assigned_to", "due", "age_days", "status",
    "awaiting_verification", "table", "row",
]

OVERDUE, OPEN, AWAITING = "Overdue", "Open", "Awaiting Verification"
STATUS_ORDER = {OVERDUE: 0, OPEN: 1, AWAITING: 2}

# What each source builder returns before links and status are worked out.
_FINDING_COLUMNS = ["id", "source", "found", "description", "unit_or_site", "assigned_to", "due", "default_due",
                    "closed", "table", "row"]


def ref_key(series: pd.Series) -> pd.Series:
    """How a Source Ref and a record ID compare (links.record_key): case and spaces do not matter."""
    return record_keys(series)


def _days(n: int) -> pd.Timedelta:
    return pd.Timedelta(days=n)


def _frame(**columns: object) -> pd.DataFrame:
    frame = pd.DataFrame(columns)
    for c in _FINDING_COLUMNS:
        if c not in frame.columns:
            frame[c] = None
    for c in ("found", "due", "default_due", "closed"):
        frame[c] = pd.to_datetime(frame[c]).astype("datetime64[us]")
    return frame[_FINDING_COLUMNS]


def _pre_starts(data: Dataset, settings: Settings) -> pd.DataFrame:
    ps = data.table("pre_start")
    ps = ps[pre_start_defect(ps)]
    # Out of service as answered; unanswered, a Fail (major defect: do not operate) is, a Minor Defect is not.
    oos = ps["out_of_service"].where(ps["out_of_service"].notna(), ps["result"] == "Fail").astype(bool)
    days = oos.map({True: settings.audit.due_days_out_of_service, False: settings.audit.due_days_default})
    unwritten = ps["result"].map({"Minor Defect": "Pre-start: minor defect (no defect written)"}).fillna(
        "Pre-start failed (no defect written)")
    description = ps["defects"].where(reports_defect(ps["defects"]), unwritten)
    return _frame(id=ps["id"], source="Pre-Start", found=ps["date"], description=description,
                  unit_or_site=ps["unit"], default_due=ps["date"] + pd.to_timedelta(days, unit="D"),
                  closed=ps["closed"], table="Pre-Start", row=ps["row"])


def _inspections(data: Dataset, settings: Settings) -> pd.DataFrame:
    ins = data.table("workplace_inspection")
    ins = ins[reports_defect(ins["deficiencies"])]
    where = ins["site"].where(ins["area"].isna(), ins["site"].fillna("") + " / " + ins["area"].fillna(""))
    return _frame(id=ins["id"], source="Inspection", found=ins["date"], description=ins["deficiencies"],
                  unit_or_site=where, due=ins["due"],
                  default_due=ins["date"] + _days(settings.audit.due_days_default),
                  closed=ins["closed"], table="Workplace Inspection", row=ins["row"])


def _hazards(data: Dataset, settings: Settings) -> pd.DataFrame:
    hz = data.table("hazard_register")
    open_ = hz["status"].isna() | (hz["status"] == "Open")
    hz = hz[open_ & hz["risk"].isin(["High", "Medium"]) & ~filled(hz["controls"])]
    ids = hazard_ids(hz)
    found = hz["identified"].where(hz["identified"].notna(), hz["reviewed"])
    description = hz["risk"] + " risk, no controls: " + hz["task"].fillna("") + ": " + hz["hazard"].fillna("")
    return _frame(id=ids, source="Hazard", found=found, description=description, assigned_to=hz["owner"],
                  default_due=found + _days(settings.audit.due_days_default), table="Hazard Register",
                  row=hz["row"])


def _incidents(data: Dataset, settings: Settings) -> pd.DataFrame:
    inc = data.table("incident")
    inc = inc[reports_defect(inc["corrective_actions"])]
    return _frame(id=inc["id"], source="Incident", found=inc["incident_date"],
                  description=inc["corrective_actions"], assigned_to=inc["investigated_by"],
                  default_due=inc["incident_date"] + _days(settings.audit.due_days_default),
                  closed=inc["closed"], table="Incident", row=inc["row"])


def _actions(data: Dataset, as_of: pd.Timestamp) -> pd.DataFrame:
    """Corrective Actions rows that exist as of the date, with their state then."""
    ca = data.table("corrective_actions")
    ca = ca[ca["raised"] <= as_of]
    done = ca["completed"] <= as_of
    verified = done & filled(ca["verified_by"]) & (ca["verified"] <= as_of)
    return ca.assign(done=done, is_verified=verified)


def _link_summary(actions: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """Per linked record (record_key): any linked action completed / verified; the first raised one's
    Assigned To and Due."""
    state = actions[["row", "raised", "done", "is_verified", "assigned_to", "due"]]
    linked = links[["action_row", "record_id"]].merge(state, left_on="action_row", right_on="row")
    linked = linked.assign(ref=record_keys(linked["record_id"])).sort_values(["raised", "row"], kind="stable")
    summary = linked.groupby("ref", sort=False).agg(
        any_done=("done", "any"), any_verified=("is_verified", "any"),
        ca_assigned=("assigned_to", "first"), ca_due=("due", "first"))
    return summary.set_axis(summary.index.astype(object), axis=0)


def _unlinked_actions(actions: pd.DataFrame, absorbed_rows: set[int], settings: Settings) -> pd.DataFrame:
    ca = actions[~actions["row"].isin(absorbed_rows) & ~actions["is_verified"]]
    return _frame(id=ca["action_id"], source="Corrective Action", found=ca["raised"],
                  description=ca["description"], assigned_to=ca["assigned_to"], due=ca["due"],
                  default_due=ca["raised"] + _days(settings.audit.due_days_default), table="Corrective Actions",
                  row=ca["row"]).assign(any_done=ca["done"].to_numpy(), any_verified=False, closed=pd.NaT)


def empty_deficiencies() -> pd.DataFrame:
    """A deficiencies frame with no rows but the right columns and dtypes."""
    return _finish(pd.DataFrame({c: [] for c in DEFICIENCY_COLUMNS}))


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[DEFICIENCY_COLUMNS].reset_index(drop=True)
    return frame.astype({"found": "datetime64[us]", "due": "datetime64[us]", "age_days": "Int64",
                         "awaiting_verification": bool, "row": "Int64", "id": object, "source": object,
                         "description": object, "unit_or_site": object, "assigned_to": object,
                         "status": object, "table": object})


def all_findings(data: Dataset, settings: Settings) -> pd.DataFrame:
    """Every finding on record, resolved or not, whatever its date (columns: _FINDING_COLUMNS)."""
    sources = [_pre_starts(data, settings), _inspections(data, settings), _hazards(data, settings),
               _incidents(data, settings)]
    sources = [f for f in sources if not f.empty]
    return pd.concat(sources, ignore_index=True) if sources else _frame()


def deficiencies(data: Dataset, settings: Settings, as_of: date, links: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every defect that still needs action as of the date, most urgent first (see the module docstring).

    ``links``: :func:`action_links` of ``data`` when the caller has them already.
    """
    ts = pd.Timestamp(as_of)
    findings = all_findings(data, settings)
    # Every finding ID, whatever its state: a Corrective Actions row linked to one is represented by it.
    finding_refs = set(ref_key(findings["id"]))
    # Findings from after the as-of date do not exist yet; undated hazards are kept (their age is unknown).
    findings = findings[~(findings["found"] > ts)]
    actions = _actions(data, ts)
    all_links = action_links(data) if links is None else links
    absorbed = set(all_links.loc[ref_key(all_links["record_id"]).isin(finding_refs), "action_row"])
    by_record = _link_summary(actions, all_links)

    findings = findings.assign(ref=ref_key(findings["id"])).join(by_record, on="ref")
    findings = findings.assign(
        any_done=findings["any_done"].fillna(False).astype(bool),
        any_verified=findings["any_verified"].fillna(False).astype(bool),
        assigned_to=findings["assigned_to"].where(findings["ca_assigned"].isna(), findings["ca_assigned"]),
        due=findings["due"].where(findings["due"].notna(), findings["ca_due"]),
    )
    closed = findings["closed"] <= ts
    findings = findings[~closed & ~findings["any_verified"]]

    unlinked = _unlinked_actions(actions, absorbed, settings)
    frames = [f for f in (findings, unlinked) if not f.empty]
    if not frames:
        return empty_deficiencies()
    out = pd.concat(frames, ignore_index=True)
    due = out["due"].where(out["due"].notna(), out["default_due"])
    awaiting = out["any_done"].astype(bool)
    status = pd.Series(OPEN, index=out.index, dtype=object)
    status[due < ts] = OVERDUE
    status[awaiting] = AWAITING
    out = out.assign(due=due, status=status, awaiting_verification=awaiting,
                     age_days=(ts - out["found"]).dt.days.astype("Int64"))
    # Overdue oldest first, then Open by due date, then Awaiting Verification oldest first.
    sort_date = out["found"].where(out["status"] != OPEN, out["due"])
    out = out.assign(_rank=out["status"].map(STATUS_ORDER), _date=sort_date)
    out = out.sort_values(["_rank", "_date", "id"], kind="stable", na_position="last")
    return _finish(out)

