"""Normalising whole tables: bad input gets a clear line on Data Issues and loses nothing."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from pipeline.normalise import normalise
from pipeline.settings import Settings, settings_from_dict
from pipeline.sources.base import Tab, Workbook
from tests.builders import dataset, tab

WORKERS = [
    {"Name": "Dale Kowalski", "Role": "Owner", "Start Date": "2019-03-01"},
    {"Name": "Priya Sandhu", "Role": "Equipment Operator", "Start Date": "2023-05-15"},
]
FLHA_ROW = {"Timestamp": "11/21/2026 14:03:22", "Worker": "Priya Sandhu", "Site": "LSD 04-12-045-05W5",
            "Task": "Trenching", "Hazards": "Overhead lines", "Controls": "Spotter"}


def issues_for(ds, table: str) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return ds.issues[ds.issues["table"] == table]


def test_missing_table_is_listed_and_other_tables_still_read() -> None:
    ds = dataset({"workers": WORKERS})
    assert ds.has("workers") and not ds.has("flha")
    line = issues_for(ds, "FLHA").iloc[0]
    assert "table not found" in line["problem"] and line["severity"] == "table"
    assert ds.table("flha").empty and "worker" in ds.table("flha").columns


def test_missing_required_column_names_table_column_and_headers_found() -> None:
    ds = dataset({"workers": [{"Name": "Dale", "Start Date": "2020-01-01", "Email": "d@x.ca"}]})
    assert not ds.has("workers")
    line = issues_for(ds, "Workers").iloc[0]
    assert line["column"] == "Role"
    assert "Name, Start Date, Email" in line["value"]
    assert ds.status["workers"].missing_columns == ("Role",)


def test_renamed_reordered_extra_and_duplicated_columns() -> None:
    records = [{"Controls In Place": "Spotter", "Your Name": "Priya Sandhu", "Location": "LSD 1",
                "Job": "Dig", "Hazards Identified": "Lines", "Timestamp": "2026-11-02 07:00:00",
                "Weather": "cold"}]
    ds = dataset({"workers": WORKERS, "flha": records})
    row = ds.table("flha").iloc[0]
    assert (row["worker"], row["site"], row["task"], row["controls"]) == ("Priya Sandhu", "LSD 1", "Dig", "Spotter")
    assert ds.status["flha"].unused_headers == ("Weather",)


def test_renamed_forms_question_in_a_second_column_is_merged_row_by_row() -> None:
    header = ["Timestamp", "Worker", "Site", "Site", "Task", "Hazards", "Controls"]
    rows = [["2026-11-02 07:00", "Priya Sandhu", "LSD 1", None, "Dig", "Lines", "Spotter"],
            ["2026-11-03 07:00", "Priya Sandhu", None, "LSD 2", "Dig", "Lines", "Spotter"]]
    ds = normalise(Workbook((tab("Workers", WORKERS), Tab("FLHA", "t", tuple(header), rows))), Settings())
    assert list(ds.table("flha")["site"]) == ["LSD 1", "LSD 2"]
    assert "2 columns feed 'Site'" in issues_for(ds, "FLHA").iloc[0]["problem"]


def test_blank_rows_are_listed_and_trailing_blank_columns_ignored() -> None:
    header = ("Name", "Role", "Start Date", None, None)
    rows = [["Dale Kowalski", "Owner", "2019-03-01", None, None], [None, None, None, None, None],
            ["Priya Sandhu", "Operator", "2023-05-15", None, None]]
    ds = normalise(Workbook((Tab("Workers", "t", header, rows),)), Settings())
    assert len(ds.table("workers")) == 2
    blank = issues_for(ds, "Workers")
    assert list(blank["row"]) == [3] and "blank row" in blank.iloc[0]["problem"]


def test_dates_in_every_form_and_blank_form_date_takes_the_timestamp_day() -> None:
    base = dict(FLHA_ROW)
    rows = [
        {**base, "Timestamp": datetime(2026, 11, 2, 7, 1), "Date": None},
        {**base, "Timestamp": 46330.3, "Date": 46330},
        {**base, "Timestamp": "2026-11-04T07:00:00", "Date": "2026-11-04"},
        {**base, "Timestamp": "11/05/2026 07:00:00", "Date": "11/05/2026"},
    ]
    ds = dataset({"workers": WORKERS, "flha": rows})
    dates = list(ds.table("flha")["date"].dt.strftime("%Y-%m-%d"))
    assert dates == ["2026-11-02", "2026-11-04", "2026-11-04", "2026-11-05"]


def test_impossible_date_in_required_column_rejects_row_and_optional_one_drops_value() -> None:
    workers = [*WORKERS, {"Name": "Sam Lee", "Role": "Labourer", "Start Date": "02/30/2026"},
               {"Name": "Jo Chen", "Role": "Labourer", "Start Date": "2026-01-05", "End Date": "13/45/2026"}]
    ds = dataset({"workers": workers})
    names = list(ds.table("workers")["name"])
    assert "Sam Lee" not in names and "Jo Chen" in names
    problems = issues_for(ds, "Workers").set_index("row")["problem"]
    assert "row not used" in problems[4] and "value ignored" in problems[5]


def test_names_with_odd_case_and_spaces_match_and_unknown_names_suggest_the_closest() -> None:
    rows = [{**FLHA_ROW, "Worker": "  priya   SANDHU "},
            {**FLHA_ROW, "Timestamp": "11/22/2026 07:00:00", "Worker": "Dale Kowalsky"}]
    ds = dataset({"workers": WORKERS, "flha": rows})
    assert list(ds.table("flha")["worker"]) == ["Priya Sandhu", "Dale Kowalsky"]  # unknown kept: row used
    problem = issues_for(ds, "FLHA").iloc[0]["problem"]
    assert "did you mean Dale Kowalski?" in problem


def test_long_text_emoji_and_formula_like_text_are_kept_as_data() -> None:
    long = "x" * 5000
    rows = [{**FLHA_ROW, "Hazards": '=HYPERLINK("http://evil","click")', "Controls": "🦺 " + long}]
    ds = dataset({"workers": WORKERS, "flha": rows})
    row = ds.table("flha").iloc[0]
    assert row["hazards"] == '=HYPERLINK("http://evil","click")'
    assert row["controls"] == "🦺 " + long


def test_double_submit_is_listed_with_the_kept_record_and_later_resubmission_kept() -> None:
    rows = [FLHA_ROW, {**FLHA_ROW, "Timestamp": "11/21/2026 14:03:40"},
            {**FLHA_ROW, "Timestamp": "11/21/2026 16:00:00"}]
    ds = dataset({"workers": WORKERS, "flha": rows})
    assert list(ds.table("flha")["row"]) == [2, 4]
    dup = issues_for(ds, "FLHA").iloc[0]
    assert dup["row"] == 3 and "double submit" in dup["problem"] and ds.table("flha").iloc[0]["id"] in dup["problem"]


def test_ids_do_not_change_when_rows_are_sorted_inserted_or_deleted() -> None:
    a = {**FLHA_ROW, "Timestamp": "11/02/2026 07:00:00"}
    b = {**FLHA_ROW, "Timestamp": "11/03/2026 07:00:00", "Site": "LSD 2"}
    c = {**FLHA_ROW, "Timestamp": "11/04/2026 07:00:00", "Worker": "Dale Kowalski"}

    def ids(rows):  # type: ignore[no-untyped-def]
        frame = dataset({"workers": WORKERS, "flha": rows}).table("flha")
        return dict(zip(frame["timestamp"].dt.day, frame["id"], strict=True))

    first = ids([a, b])
    assert ids([b, a]) == first
    assert {k: v for k, v in ids([c, a, b]).items() if k != 4} == first
    assert ids([b])[3] == first[3]
    assert first[2] == "FLHA-261102-070000"


def test_ids_do_not_change_when_the_office_corrects_a_name() -> None:
    typo = {**FLHA_ROW, "Worker": "Priya Sandu"}
    before = dataset({"workers": WORKERS, "flha": [typo]}).table("flha").iloc[0]["id"]
    after = dataset({"workers": WORKERS, "flha": [FLHA_ROW]}).table("flha").iloc[0]["id"]
    assert before == after == "FLHA-261121-140322"


def test_responses_in_the_same_second_are_numbered_by_their_answers_not_their_rows() -> None:
    dale = {**FLHA_ROW, "Worker": "Dale Kowalski"}

    def ids(rows):  # type: ignore[no-untyped-def]
        frame = dataset({"workers": WORKERS, "flha": rows}).table("flha")
        return dict(zip(frame["worker"], frame["id"], strict=True))

    assert ids([FLHA_ROW, dale]) == ids([dale, FLHA_ROW]) == {
        "Dale Kowalski": "FLHA-261121-140322", "Priya Sandhu": "FLHA-261121-140322-2"}


def test_required_value_blank_rejects_the_row_with_its_sheet_row_number() -> None:
    rows = [FLHA_ROW, {**FLHA_ROW, "Timestamp": "11/23/2026 07:00:00", "Hazards": "  "}]
    ds = dataset({"workers": WORKERS, "flha": rows})
    line = issues_for(ds, "FLHA").iloc[0]
    assert (line["row"], line["column"]) == (3, "Hazards")
    assert "required value is blank; row not used" in line["problem"]
    st = ds.status["flha"]
    assert (st.rows_read, st.rows_used, st.rows_rejected) == (2, 1, 1)


def test_unknown_choice_in_required_column_keeps_the_record_and_alias_is_accepted() -> None:
    rows = [{"Timestamp": "11/21/2026 08:00", "Incident Date": "11/20/2026", "Reporter": "Dale Kowalski",
             "Type": "close call", "Description": "Pipe rolled"},
            {"Timestamp": "11/21/2026 09:00", "Incident Date": "11/20/2026", "Reporter": "Dale Kowalski",
             "Type": "Explosion", "Description": "Bang"}]
    ds = dataset({"workers": WORKERS, "incident": rows})
    assert list(ds.table("incident")["type"].fillna("-")) == ["Near Miss", "-"]
    line = issues_for(ds, "Incident").iloc[0]
    assert "is not one of" in line["problem"] and "row is used without it" in line["problem"]


def test_empty_workbook_reports_every_table_missing() -> None:
    ds = normalise(Workbook(()), Settings())
    assert ds.tables == {}
    assert (ds.issues["severity"] == "table").sum() == 14


def test_configured_tab_name_and_header_alias() -> None:
    settings = Settings(tables={"workers": ("Crew List",)}, headers={"workers": {"name": ("Who",)}})
    wb = Workbook((tab("Crew List", [{"Who": "Dale Kowalski", "Role": "Owner", "Start Date": "2019-03-01"}]),))
    ds = normalise(wb, settings)
    assert list(ds.table("workers")["name"]) == ["Dale Kowalski"]


def test_inputs_are_not_mutated() -> None:
    rows = [[" Dale  Kowalski ", "Owner", "2019-03-01"]]
    wb = Workbook((Tab("Workers", "t", ("Name", "Role", "Start Date"), rows),))
    normalise(wb, Settings())
    assert rows == [[" Dale  Kowalski ", "Owner", "2019-03-01"]]


def test_timestamps_written_in_another_zone_become_company_time() -> None:
    header = ("Timestamp", "Worker", "Site", "Task", "Hazards", "Controls")
    rows = [[datetime(2026, 11, 21, 0, 30), "Priya Sandhu", "LSD 1", "Dig", "Lines", "Spotter"]]
    toronto = Tab("FLHA", "Forms (Toronto)", header, rows, timezone="America/Toronto")
    ds = normalise(Workbook((tab("Workers", WORKERS), toronto)), Settings())
    row = ds.table("flha").iloc[0]
    assert row["timestamp"] == datetime(2026, 11, 20, 22, 30)
    assert row["date"] == datetime(2026, 11, 20)  # the blank Date follows the company-time Timestamp


def test_timestamps_in_the_company_zone_are_kept_as_written() -> None:
    header = ("Timestamp", "Worker", "Site", "Task", "Hazards", "Controls")
    rows = [[datetime(2026, 11, 21, 0, 30), "Priya Sandhu", "LSD 1", "Dig", "Lines", "Spotter"]]
    same = Tab("FLHA", "Forms", header, rows, timezone="America/Edmonton")
    ds = normalise(Workbook((tab("Workers", WORKERS), same)), Settings())
    assert ds.table("flha").iloc[0]["timestamp"] == datetime(2026, 11, 21, 0, 30)


def test_numbers_outside_their_sensible_range_are_listed_not_used() -> None:
    ds = dataset({"training_matrix": [{"Role": "Operator", "Ticket": "H2S Alive", "Valid For Months": 3e12},
                                      {"Role": "Operator", "Ticket": "WHMIS", "Valid For Months": "3 years"}]})
    assert list(ds.table("training_matrix")["valid_for_months"].fillna(-1)) == [-1, 36.0]
    line = issues_for(ds, "Training Matrix").iloc[-1]
    assert (line["row"], line["column"]) == (2, "Valid For Months") and "outside 1 to 600" in line["problem"]


def test_last_name_first_matches_the_worker() -> None:
    ds = dataset({"workers": WORKERS, "flha": [{**FLHA_ROW, "Worker": "Sandhu, Priya"}]})
    assert ds.table("flha").iloc[0]["worker"] == "Priya Sandhu"
    assert issues_for(ds, "FLHA").empty


def test_forms_csv_timestamps_in_another_zone_become_company_time_and_give_the_date() -> None:
    """A Forms CSV downloaded by an account in Ontario: 00:30 EDT on Sept 3 is 22:30 on Sept 2 in Edmonton."""
    rows = [dict(FLHA_ROW, Timestamp="2026/09/03 12:30:00 a.m. EDT"),
            dict(FLHA_ROW, Timestamp="2026/09/03 2:00:00 PM GMT-4", Site="Pad 7")]
    ds = dataset({"workers": WORKERS, "flha": rows})
    flha = ds.table("flha")
    assert list(flha["timestamp"]) == [pd.Timestamp(2026, 9, 2, 22, 30), pd.Timestamp(2026, 9, 3, 12, 0)]
    assert list(flha["date"]) == [pd.Timestamp(2026, 9, 2), pd.Timestamp(2026, 9, 3)]


def test_an_ambiguous_zone_rejects_the_row_with_the_fix() -> None:
    ds = dataset({"workers": WORKERS, "flha": [dict(FLHA_ROW, Timestamp="2026/09/03 9:00:00 AM IST"), FLHA_ROW]})
    assert len(ds.table("flha")) == 1
    line = issues_for(ds, "FLHA").iloc[0]
    assert line["severity"] == "rejected" and "IST" in line["problem"] and "GMT+5:30" in line["problem"]


def test_the_offices_own_wordings_from_the_config_are_read_on_top_of_the_built_in_ones() -> None:
    config = settings_from_dict({"values": {"pre_start": {"result": {"Unit OK": "Pass", "Minor defect": "Fail"},
                                                          "out_of_service": {"Parked and locked out": "Yes"}}}})
    base = {"Timestamp": "2026/10/13 7:41:09 AM GMT-6", "Operator": "Priya Sandhu", "Unit": "T-101"}
    rows = [dict(base, Result="Unit OK", **{"Out Of Service": "No, unit is fine"}),
            dict(base, Unit="T-102", Result="Minor defect(s) - reported",
                 **{"Out Of Service": "Parked and locked out"}),
            dict(base, Unit="T-103", Result="Good to go")]
    ds = dataset({"workers": WORKERS, "pre_start": rows}, config)
    ps = ds.table("pre_start").sort_values("unit")
    assert list(ps["result"]) == ["Pass", "Fail", "Pass"]  # the office's "Minor defect" means Fail to them
    assert list(ps["out_of_service"]) == [False, True, None]
    assert issues_for(ds, "Pre-Start").empty
