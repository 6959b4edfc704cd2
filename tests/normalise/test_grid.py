"""A training matrix kept as a grid (workers down, tickets across, dates in the cells) reads into the same
Training Matrix, Training Records and Certifications as the long format."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from pipeline.checks.certifications import certifications
from pipeline.normalise import Dataset, normalise
from pipeline.normalise.grid import grid_layout, is_not_required, ticket_column
from pipeline.settings import Settings
from pipeline.sources.base import Tab, Workbook
from pipeline.sources.local import LocalSource, tab_from_rows
from tests.builders import tab, write_xlsx

AS_OF = date(2026, 11, 1)
SERIAL_2024_04_01 = 45383  # how a date cell reads when the column is formatted as a number

WORKERS = [
    ["Name", "Role", "Start Date", "End Date"],
    ["Dale Kowalski", "Owner", "2019-03-01", None],
    ["Priya Sandhu", "Equipment Operator", "2023-05-15", None],
    ["Sam Lee", "Labourer", "2024-02-01", None],
    ["Jordan Beck", "Labourer", "2022-04-01", "2026-06-30"],  # left: still on the grid, as offices keep it
]

# As an office keeps it: two title rows, a blank row, the header, workers, a blank row, a legend.
GRID = [
    ["ACME Oilfield Ltd. — Training Matrix 2026", None, None, None, None, None, None],
    ["Updated by office, Oct 2026", None, None, None, None, None, None],
    [None, None, None, None, None, None, None],
    ["Employee", "Position", "H2S Alive (3 yr)", "First Aid (36 mo)", "WHMIS (annual)", "Ground Disturbance",
     "CSTS (no expiry)"],
    ["Dale Kowalski", "Owner", datetime(2024, 5, 1), datetime(2023, 6, 1), "N/A", "N/A", datetime(2019, 4, 10)],
    ["Priya Sandhu", "Equipment Operator", SERIAL_2024_04_01, "booked Nov 18", "2026-01-15", "Mar 14, 2027", None],
    ["Sam Lee", "Labourer", "-", None, datetime(2025, 9, 1), "NA", "in progress"],
    ["Jordan Beck", "Labourer", datetime(2023, 1, 9), datetime(2023, 1, 9), datetime(2025, 1, 9),
     datetime(2027, 1, 9), datetime(2022, 4, 4)],
    [None, None, None, None, None, None, None],
    ["Legend: N/A = not required for this position", None, None, None, None, None, None],
    ["Red = expired", None, None, None, None, None, None],
]


def grid_tab(rows: list[list[object]] = GRID, name: str = "Training Matrix") -> Tab:
    """The tab as the local reader cuts it today: header = the first non-blank row (a title row)."""
    return tab_from_rows(name, "acme.xlsx", rows)


def workers_tab() -> Tab:
    return tab_from_rows("Workers", "acme.xlsx", WORKERS)


def read(*tabs: Tab) -> Dataset:
    return normalise(Workbook(tabs), Settings())


def problems(ds: Dataset, table: str = "Training Matrix") -> pd.DataFrame:
    return ds.issues[ds.issues["table"] == table]


def status_of(certs: pd.DataFrame) -> dict[tuple[str, str], str]:
    return {(w, t): s for w, t, s in zip(certs["worker"], certs["ticket"], certs["status"], strict=True)}


# ---------------------------------------------------------------- column titles and cells


@pytest.mark.parametrize(("title", "ticket", "months", "completion"), [
    ("H2S Alive (3 yr)", "H2S Alive", 36, True),
    ("First Aid (36 mo)", "First Aid", 36, True),
    ("First Aid (36 months)", "First Aid", 36, True),
    ("WHMIS (annual)", "WHMIS", 12, True),
    ("Fall Protection [3 years]", "Fall Protection", 36, True),
    ("CSTS (no expiry)", "CSTS", None, True),
    ("Confined Space (exp)", "Confined Space", None, False),
    ("Ground Disturbance (Level II)", "Ground Disturbance (Level II)", None, False),
    ("TDG", "TDG", None, False),
])
def test_a_column_title_names_the_ticket_and_maybe_its_validity(title: str, ticket: str, months: float | None,
                                                                completion: bool) -> None:
    column = ticket_column(3, title)
    assert (column.ticket, column.months, column.completion) == (ticket, months, completion)


@pytest.mark.parametrize("cell", ["N/A", "n/a", "NA", "-", "—", "Not required", "not req."])
def test_not_applicable_cells(cell: str) -> None:
    assert is_not_required(cell)


@pytest.mark.parametrize("cell", [None, "", "booked Nov 18", "expired", "2026-01-15", 45383, "no"])
def test_other_cells_are_not_not_applicable(cell: object) -> None:
    assert not is_not_required(cell)


# ---------------------------------------------------------------- recognising a grid


def test_header_is_found_below_title_rows_and_a_blank_row() -> None:
    layout = grid_layout(grid_tab(), "MDY")
    assert layout is not None
    assert (layout.name_col, layout.role_col) == (0, 1)
    assert [t.ticket for t in layout.tickets] == ["H2S Alive", "First Aid", "WHMIS", "Ground Disturbance", "CSTS"]


def test_header_already_found_by_the_reader_works_the_same() -> None:
    cut = Tab("Training Matrix", "acme.xlsx", tuple(GRID[3]), GRID[4:], first_row=5)
    layout = grid_layout(cut, "MDY")
    assert layout is not None and layout.header == 0 and len(layout.tickets) == 5


def test_long_format_tabs_and_the_workers_tab_are_not_grids() -> None:
    records = tab("Training Records", [{"Worker": "Sam Lee", "Ticket": "H2S Alive", "Completed": "2025-01-01",
                                        "Expires": "2028-01-01", "Provider": "Energy Safety Canada"}])
    matrix = tab("Training Matrix", [{"Role": "Owner", "Ticket": "CSTS", "Valid For Months": None}])
    people = tab("Staff", [{"Name": "Sam Lee", "Phone": "403-555-0101", "Address": "12 Main St", "Crew": "B"}])
    assert grid_layout(records, "MDY") is None
    assert grid_layout(matrix, "MDY") is None
    assert grid_layout(people, "MDY") is None  # names and text columns, no dates: not a grid
    assert grid_layout(workers_tab(), "MDY") is None
    responses = tab("Form Responses 1", [{"Timestamp": "4/9/2026 15:22:41", "Name": "Sam Lee", "Date": "4/9/2026",
                                          "Unit #": "12", "Repaired / closed date": "4/12/2026"}])
    assert grid_layout(responses, "MDY") is None


# ---------------------------------------------------------------- reading it


def test_grid_fills_matrix_and_records_and_says_where_they_came_from() -> None:
    ds = read(workers_tab(), grid_tab())
    assert ds.has("training_matrix") and ds.has("training_records")
    for key in ("training_matrix", "training_records"):
        assert ds.status[key].found_as == "Training Matrix (acme.xlsx), from the grid"
    assert not (ds.issues["severity"] == "table").loc[ds.issues["table"].str.startswith("Training")].any()
    matrix = ds.table("training_matrix")
    owner = set(matrix.loc[matrix["role"] == "Owner", "ticket"])
    assert owner == {"H2S Alive", "First Aid", "CSTS"}  # WHMIS and Ground Disturbance are N/A for the owner
    assert set(matrix["row"]) == {4}  # the header row: where the office edits a ticket's title


def test_a_titled_validity_makes_the_cell_the_completion_date_else_the_expiry() -> None:
    records = read(workers_tab(), grid_tab()).table("training_records")
    priya = records[records["worker"] == "Priya Sandhu"].set_index("ticket")
    # Serial date under "H2S Alive (3 yr)": completed 2024-04-01, expires 3 years later.
    assert priya.loc["H2S Alive", "completed"] == pd.Timestamp("2024-04-01")
    assert priya.loc["H2S Alive", "expires"] == pd.Timestamp("2027-04-01")
    # Text date under "WHMIS (annual)".
    assert priya.loc["WHMIS", "expires"] == pd.Timestamp("2027-01-15")
    # Text date under "Ground Disturbance" (no validity named): the expiry; completion unknown.
    assert priya.loc["Ground Disturbance", "expires"] == pd.Timestamp("2027-03-14")
    assert pd.isna(priya.loc["Ground Disturbance", "completed"])
    assert set(priya["row"]) == {6}


def test_notes_are_listed_naming_the_cell_and_hold_no_ticket() -> None:
    ds = read(workers_tab(), grid_tab())
    notes = problems(ds)[problems(ds)["problem"].str.startswith("a note")]
    assert set(zip(notes["row"], notes["column"], notes["value"], strict=True)) == {
        (6, "First Aid (36 mo)", "booked Nov 18"), (7, "CSTS (no expiry)", "in progress")}
    assert (notes["severity"] == "warning").all()
    assert "Priya Sandhu has no First Aid on record" in notes.iloc[0]["problem"]
    records = ds.table("training_records")
    assert records[(records["worker"] == "Priya Sandhu") & (records["ticket"] == "First Aid")].empty


def test_legend_rows_are_skipped_and_listed_never_silently() -> None:
    ds = read(workers_tab(), grid_tab())
    legend = problems(ds)[problems(ds)["problem"].str.startswith("not a worker")]
    assert list(legend["row"]) == [10, 11]
    assert legend.iloc[0]["value"].startswith("Legend: N/A")
    status = ds.status["training_matrix"]
    assert (status.rows_read, status.rows_used, status.rows_rejected) == (6, 4, 2)
    records = ds.status["training_records"]  # the filled ticket cells: dates used, notes listed
    assert records.rows_read == records.rows_used + records.rows_rejected == records.rows_used + 2


def test_not_applicable_cells_become_the_workers_exemptions() -> None:
    ds = read(workers_tab(), grid_tab())
    assert set(ds.not_required) == {("Dale Kowalski", "WHMIS"), ("Dale Kowalski", "Ground Disturbance"),
                                    ("Sam Lee", "H2S Alive"), ("Sam Lee", "Ground Disturbance")}


def test_a_name_not_on_workers_is_listed_and_its_tickets_are_credited_to_no_one() -> None:
    rows = [*GRID[:8], ["Priya Sandu", "Equipment Operator", datetime(2025, 1, 1), None, None, None, None]]
    ds = read(workers_tab(), grid_tab(rows))
    line = problems(ds)[problems(ds)["row"] == 9].iloc[0]
    assert "did you mean Priya Sandhu" in line["problem"]
    assert "not credited to anyone until the name is fixed" in line["problem"]


def test_a_heading_between_crews_and_a_blank_row_before_a_known_worker_do_not_end_the_table() -> None:
    rows = [*GRID[:4], ["Office", None, None, None, None, None, None], GRID[4], [None] * 7,
            ["Field crew", None, None, None, None, None, None], *GRID[5:]]
    ds = read(workers_tab(), grid_tab(rows))
    skipped = problems(ds)[problems(ds)["problem"].str.startswith("not a worker")]
    assert list(skipped["value"]) == ["Office", "Field crew", "Legend: N/A = not required for this position",
                                      "Red = expired"]
    assert set(ds.table("training_records")["worker"]) == {"Dale Kowalski", "Priya Sandhu", "Sam Lee", "Jordan Beck"}


def test_a_row_with_tickets_but_no_name_is_not_used_and_a_worker_twice_is_said() -> None:
    rows = [*GRID[:5], [None, "Owner", datetime(2025, 1, 1), None, None, None, None],
            ["dale kowalski", "Owner", datetime(2026, 1, 1), None, None, None, None], *GRID[5:]]
    ds = read(workers_tab(), grid_tab(rows))
    nameless = problems(ds)[problems(ds)["row"] == 6].iloc[0]
    assert nameless["severity"] == "rejected" and "no worker name in column 'Employee'" in nameless["problem"]
    twice = problems(ds)[problems(ds)["row"] == 7].iloc[0]
    assert "in the grid twice (rows 5 and 7)" in twice["problem"]
    status = ds.status["training_matrix"]
    assert status.rows_read == status.rows_used + status.rows_rejected


def test_a_tab_mapped_in_the_config_is_read_as_a_grid_and_text_dates_follow_date_order() -> None:
    rows = [["Name", "H2S Alive", "First Aid"], ["Sam Lee", "03/04/2027", "N/A"]]
    settings = Settings(tables={"training_matrix": ("Tix",)}, date_order="DMY")
    ds = normalise(Workbook((workers_tab(), tab_from_rows("Tix", "acme.xlsx", rows))), settings)
    records = ds.table("training_records")
    assert list(records["expires"]) == [pd.Timestamp("2027-04-03")]
    assert ds.not_required == (("Sam Lee", "First Aid"),)


def test_names_under_a_blank_corner_cell_are_read_when_the_tab_is_named_as_the_matrix() -> None:
    rows = [[None, "H2S Alive", "First Aid"], ["Sam Lee", "2027-04-03", "N/A"]]
    ds = read(workers_tab(), grid_tab(rows))
    assert list(ds.table("training_records")["worker"]) == ["Sam Lee"]
    assert grid_layout(grid_tab(rows, name="Sheet1"), "MDY", allow_empty=False) is None  # unnamed: too unsure


def test_a_position_in_the_grid_that_differs_from_workers_is_said_with_a_did_you_mean() -> None:
    rows = [r[:] for r in GRID]
    rows[5][1] = "Equipment Operators"  # Priya's position as the grid spells it
    ds = read(workers_tab(), grid_tab(rows))
    line = problems(ds, "Workers").set_index("value").loc["Equipment Operator"]
    assert "not a role in the Training Matrix; did you mean 'Equipment Operators'?" in line["problem"]
    assert line["row"] == 3


def test_without_a_role_column_each_worker_needs_the_tickets_not_na_for_them() -> None:
    rows = [[r[0], *r[2:]] for r in GRID]  # the same grid without Position
    ds = read(workers_tab(), grid_tab(rows))
    certs = certifications(ds, Settings(), AS_OF)
    assert {t for w, t in status_of(certs) if w == "Sam Lee"} == {"First Aid", "WHMIS", "CSTS"}
    assert {t for w, t in status_of(certs) if w == "Dale Kowalski"} == {"H2S Alive", "First Aid", "CSTS"}
    matrix = ds.table("training_matrix")
    assert set(matrix["role"]) == {"Owner", "Equipment Operator", "Labourer"}  # each worker's role on Workers


def test_a_separate_training_records_tab_is_combined_with_the_grid() -> None:
    extra = tab("Training Records", [{"Worker": "Sam Lee", "Ticket": "First Aid", "Completed": "2026-02-01"}])
    ds = read(workers_tab(), grid_tab(), extra)
    status = ds.status["training_records"]
    assert status.found_as == "Training Matrix (acme.xlsx), from the grid + Training Records (test)"
    certs = status_of(certifications(ds, Settings(), AS_OF))
    assert certs[("Sam Lee", "First Aid")] == "Current"  # 2026-02-01 + 36 months (the grid's validity)


def test_an_unmapped_tab_holding_a_grid_is_recognised() -> None:
    ds = read(workers_tab(), grid_tab(name="Tickets 2026 - ACME"))
    assert ds.status["training_matrix"].found_as == "Tickets 2026 - ACME (acme.xlsx), from the grid"
    assert not problems(ds, "(source)")["value"].eq("Tickets 2026 - ACME").any()  # not "tab is not read"


def test_a_long_format_office_reads_as_before() -> None:
    long = [tab("Training Matrix", [{"Role": "Owner", "Ticket": "CSTS", "Valid For Months": None}]),
            tab("Training Records", [{"Worker": "Dale Kowalski", "Ticket": "CSTS", "Completed": "2020-01-01"}])]
    ds = read(workers_tab(), *long)
    assert ds.status["training_matrix"].found_as == "Training Matrix (test)" and ds.not_required == ()
    assert status_of(certifications(ds, Settings(), AS_OF)) == {("Dale Kowalski", "CSTS"): "Current"}


# ---------------------------------------------------------------- end to end from a workbook


def test_end_to_end_from_an_xlsx_grid_to_certifications(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "ACME records.xlsx", {"Workers": WORKERS, "Training Matrix": GRID})
    ds = normalise(LocalSource(tmp_path).read(), Settings())
    certs = certifications(ds, Settings(), AS_OF)
    assert status_of(certs) == {
        ("Dale Kowalski", "H2S Alive"): "Current",  # completed 2024-05-01 + 3 yr
        ("Dale Kowalski", "First Aid"): "Expired",  # completed 2023-06-01 + 36 mo = 2026-06-01
        ("Dale Kowalski", "CSTS"): "Current",  # no expiry
        ("Priya Sandhu", "H2S Alive"): "Current",  # serial date
        ("Priya Sandhu", "First Aid"): "Missing",  # "booked Nov 18" is a note, not a ticket
        ("Priya Sandhu", "WHMIS"): "Current",  # 2026-01-15 + 12 months: 75 days left
        ("Priya Sandhu", "Ground Disturbance"): "Current",  # expires Mar 14, 2027
        ("Priya Sandhu", "CSTS"): "Missing",  # blank: required, not held
        ("Sam Lee", "First Aid"): "Missing",
        ("Sam Lee", "WHMIS"): "Expired",  # 2025-09-01 + 12 months
        ("Sam Lee", "CSTS"): "Missing",  # "in progress"
    }  # Sam's "-" and "NA" are not Missing; Jordan Beck has left and is not listed
    gd = certs[(certs["worker"] == "Priya Sandhu") & (certs["ticket"] == "Ground Disturbance")].iloc[0]
    assert pd.isna(gd["completed"]) and gd["expires"] == pd.Timestamp("2027-03-14") and gd["record_row"] == 6
