"""Certifications: every active worker x every ticket their role requires (SPEC.md)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from ..normalise.dataset import Dataset
from ..normalise.training import ticket_satisfies
from ..settings import Settings
from .common import active_workers, is_vague_ticket, keys, vague_ticket_words

# Columns of the certifications frame, in this order. Dates are datetime64, days_left Int64.
# status is one of Expired | Missing | Expiring | Current; rows sorted most urgent first.
CERTIFICATION_COLUMNS = ["worker", "role", "ticket", "status", "completed", "expires", "days_left", "record_row"]

EXPIRED, MISSING, EXPIRING, CURRENT = "Expired", "Missing", "Expiring", "Current"
STATUS_ORDER = {EXPIRED: 0, MISSING: 1, EXPIRING: 2, CURRENT: 3}


def empty_certifications() -> pd.DataFrame:
    """A certifications frame with no rows but the right columns and dtypes."""
    return pd.DataFrame({
        "worker": pd.Series([], dtype=object), "role": pd.Series([], dtype=object),
        "ticket": pd.Series([], dtype=object), "status": pd.Series([], dtype=object),
        "completed": pd.Series([], dtype="datetime64[us]"), "expires": pd.Series([], dtype="datetime64[us]"),
        "days_left": pd.Series([], dtype="Int64"), "record_row": pd.Series([], dtype="Int64"),
    })


def add_months(dates: pd.Series, months: pd.Series) -> pd.Series:
    """dates + whole months per row (NaT where months is blank); 2024-02-29 + 12 months = 2025-02-28."""
    out = pd.Series(pd.NaT, index=dates.index, dtype="datetime64[us]")
    whole = months.round()
    for m in whole.dropna().unique():  # a matrix has a handful of validities: one vector add each
        mask = whole == m
        out[mask] = (dates[mask] + pd.DateOffset(months=int(m))).astype("datetime64[us]")
    return out


def latest_records(records: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The latest Training Records row per (worker key, ticket key) completed on/before as_of.

    A row with only an Expires date (a grid cell that holds the expiry; completion unknown) counts as held,
    dated by its expiry: of two such rows the later expiry wins.
    """
    done = records[(records["completed"] <= as_of) | (records["completed"].isna() & records["expires"].notna())]
    done = done.assign(worker_key=keys(done["worker"]), ticket_key=keys(done["ticket"]),
                       dated=done["completed"].fillna(done["expires"]))
    # Latest by Completed (else Expires); on a tie the row further down the sheet (entered later) wins.
    done = done.sort_values(["dated", "row"], kind="stable")
    return done.drop_duplicates(["worker_key", "ticket_key"], keep="last")


def records_for_required(latest: pd.DataFrame, required_keys: set[str]) -> pd.DataFrame:
    """The latest record per worker and *required* ticket, matching ticket names by ticket_satisfies."""
    pairs = [(rk, qk) for rk in latest["ticket_key"].unique() for qk in required_keys
             if qk and ticket_satisfies(rk, qk)]
    mapping = pd.DataFrame(pairs, columns=["ticket_key", "required_key"], dtype=object)
    matched = latest.merge(mapping, on="ticket_key")
    matched = matched.sort_values(["dated", "row"], kind="stable")
    return matched.drop_duplicates(["worker_key", "required_key"], keep="last")


def certifications(data: Dataset, settings: Settings, as_of: date) -> pd.DataFrame:
    """Every active worker x every ticket the Training Matrix requires for their role, with its status.

    Roles and tickets match forgivingly (case, spacing, punctuation). Expiry is the record's Expires, else
    Completed + the matrix's Valid For Months (blank = never expires). A worker whose role has no matrix row
    gets no rows here: E5.1 reports the role; nor does a ticket a grid marks N/A for that worker
    (``data.not_required``). Pure: the input frames are not changed.
    """
    ts = pd.Timestamp(as_of)
    if not (data.has("workers") and data.has("training_matrix") and data.has("training_records")):
        # Without the records every ticket would look Missing: say nothing rather than something false.
        # E5.2 and Data Issues name the missing table.
        return empty_certifications()
    workers = active_workers(data.table("workers"), ts)
    matrix = data.table("training_matrix")
    if workers.empty or matrix.empty:
        return empty_certifications()

    matrix = matrix.assign(role_key=keys(matrix["role"]), ticket_key=keys(matrix["ticket"]))
    # A vague ticket ("as required", "TBD") names nothing a worker could hold: E5.1 reports it instead.
    vague = vague_ticket_words(settings)
    matrix = matrix[(matrix["role_key"] != "") & ~matrix["ticket_key"].map(lambda k: is_vague_ticket(k, vague))
                    .astype(bool)]
    # One requirement per role and ticket; a repeated matrix row keeps the first validity given.
    matrix = matrix.sort_values("row").drop_duplicates(["role_key", "ticket_key"])
    required = (workers.assign(role_key=keys(workers["role"]))[["name", "role", "key", "role_key"]]
                .merge(matrix[["role_key", "ticket", "ticket_key", "valid_for_months"]], on="role_key"))
    if data.not_required:  # a grid's N/A cells: not required of that worker, whatever their role needs
        exempt = pd.DataFrame(data.not_required, columns=["worker", "ticket"], dtype=object)
        exempt = set(zip(keys(exempt["worker"]), keys(exempt["ticket"]), strict=True))
        required = required[[pair not in exempt for pair in zip(required["key"], required["ticket_key"],
                                                                 strict=True)]]
    if required.empty:
        return empty_certifications()

    latest = records_for_required(latest_records(data.table("training_records"), ts),
                                  set(required["ticket_key"]))
    frame = required.merge(
        latest[["worker_key", "required_key", "completed", "expires", "row"]],
        left_on=["key", "ticket_key"], right_on=["worker_key", "required_key"], how="left")

    expiry = frame["expires"].where(frame["expires"].notna(),
                                    add_months(frame["completed"], frame["valid_for_months"]))
    days_left = (expiry - ts).dt.days.astype("Int64")
    warn = settings.audit.expiry_warning_days
    status = pd.Series(CURRENT, index=frame.index, dtype=object)
    status[days_left.fillna(10**9) <= warn] = EXPIRING
    status[expiry < ts] = EXPIRED
    status[frame["completed"].isna() & frame["expires"].isna()] = MISSING

    out = pd.DataFrame({
        "worker": frame["name"], "role": frame["role"], "ticket": frame["ticket"], "status": status,
        "completed": frame["completed"].astype("datetime64[us]"), "expires": expiry.astype("datetime64[us]"),
        "days_left": days_left, "record_row": frame["row"].astype("Int64"),
    })
    out = out.assign(_rank=out["status"].map(STATUS_ORDER), _days=out["days_left"].astype("Float64"))
    out = out.sort_values(["_rank", "_days", "worker", "ticket"], kind="stable", na_position="last")
    return out[CERTIFICATION_COLUMNS].reset_index(drop=True)
