"""The demo company: deterministic, shaped like the templates, with its planted problems really there."""

from __future__ import annotations

import itertools
import time
import zipfile
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.demo import PLANTED, DemoCompany, generate_demo
from pipeline.normalise import Dataset, normalise
from pipeline.schema import BY_KEY, TABLES
from pipeline.settings import Settings, load_settings
from pipeline.sources.local import LocalSource

END = date(2026, 10, 31)


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> DemoCompany:
    return generate_demo(tmp_path_factory.mktemp("demo"), end=END)


@pytest.fixture(scope="module")
def data(company: DemoCompany) -> Dataset:
    return normalise(LocalSource(company.folder).read(), Settings())


def _cells(folder: Path) -> dict[str, list[list[object]]]:
    book = LocalSource(folder).read()
    return {t.name: [list(t.header), *[list(r) for r in t.rows]] for t in book.tabs}


def _refs(company: DemoCompany, check_id: str) -> set[str]:
    return set(company.expected(check_id).records)


def _window(company: DemoCompany) -> pd.Timestamp:
    return pd.Timestamp(company.end) - pd.DateOffset(months=12) + pd.Timedelta(days=1)


def test_same_seed_same_cells_other_seed_other_cells(tmp_path: Path, company: DemoCompany) -> None:
    again = generate_demo(tmp_path / "again", end=END)
    other = generate_demo(tmp_path / "other", end=END, seed=8)
    assert _cells(again.folder) == _cells(company.folder)
    assert again.planted == company.planted and again.messy == company.messy
    assert _cells(other.folder)["FLHA"] != _cells(company.folder)["FLHA"]


def test_every_table_found_with_every_column_and_every_row_accounted(company: DemoCompany, data: Dataset) -> None:
    assert company.office.name == "secor-records.xlsx" and company.forms.name == "form-responses.xlsx"
    for table in TABLES:
        status = data.status[table.key]
        assert status.usable, (table.title, status)
        assert status.headers == tuple(c.title for c in table.columns)
        assert status.rows_read == status.rows_used + status.rows_rejected == company.rows[table.title]
        assert status.rows_used > 0
    assert not (data.issues["severity"] == "table").any()
    assert load_settings(company.config).company == company.name


def test_forms_timestamps_are_mostly_date_cells_some_text(company: DemoCompany) -> None:
    flha = LocalSource(company.folder).read().get("FLHA")
    kinds = pd.Series([type(r[0]).__name__ for r in flha.rows]).value_counts()
    assert kinds["datetime"] > 0.8 * len(flha.rows) and 0 < kinds["str"] < 0.2 * len(flha.rows)


def test_planted_messy_inputs_reach_data_issues(company: DemoCompany, data: Dataset) -> None:
    issues = data.issues
    expected = [m for m in company.messy if m.problem]
    assert {m.problem for m in expected} >= {"blank row", "double submit", "not a real date",
                                             "did you mean Dale Kowalski?"}
    for m in expected:
        hit = issues[(issues["table"] == m.table) & (issues["row"] == m.row)
                     & issues["problem"].str.contains(m.problem, regex=False)]
        assert len(hit) == 1, (m, issues[issues["table"] == m.table])
    assert len(issues) == len(expected)  # nothing else looks wrong


def test_messy_text_survives_as_text(company: DemoCompany, data: Dataset) -> None:
    def planted(start: str) -> int:
        return next(m.row for m in company.messy if m.value.startswith(start))


    flha = data.table("flha").set_index("row")
    assert flha.loc[planted("=HYPERLINK"), "hazards"] == '=HYPERLINK("http://example.com","click")'
    assert "<script>alert(1)</script>" in " ".join(data.table("incident")["description"])
    notes = data.table("toolbox_talk")["notes"]
    assert notes.str.contains("👍").sum() == 1 and notes.str.len().max() == 5000
    talks = data.table("toolbox_talk").set_index("row")
    assert talks.loc[planted("dale  KOWALSKI"), "presenter"] == "Dale Kowalski"
    with zipfile.ZipFile(company.forms) as z:  # written as text, never as a formula
        assert not any("<f>" in z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_planted_list_covers_every_check_of_the_spec() -> None:
    ids = [p.check_id for p in PLANTED]
    expected = [f"E{e}.{n}" for e, count in ((1, 4), (2, 6), (3, 4), (4, 3), (5, 4), (6, 5))
                for n in range(1, count + 1)] + ["S.1", "S.2", "S.3"]
    assert sorted(ids) == sorted(expected) and len(set(ids)) == len(ids)
    assert all(p.status in ("Pass", "Warn", "Fail") and p.planted for p in PLANTED)
    assert {p.status for p in PLANTED} == {"Pass", "Warn", "Fail"}


def test_planted_certifications(company: DemoCompany, data: Dataset) -> None:
    records, matrix, workers = data.table("training_records"), data.table("training_matrix"), data.table("workers")
    end = pd.Timestamp(company.end)
    active = workers[workers["end_date"].isna() | (workers["end_date"] > end)]
    found = {}
    for _, w in active.iterrows():
        for _, m in matrix[matrix["role"] == w["role"]].iterrows():
            mine = records[(records["worker"] == w["name"]) & (records["ticket"] == m["ticket"])]
            if mine.empty:
                found[(w["name"], m["ticket"])] = ("Missing", None)
                continue
            last = mine.sort_values("completed").iloc[-1]
            expires = last["expires"]
            if pd.isna(expires) and pd.notna(m["valid_for_months"]):
                expires = last["completed"] + pd.DateOffset(months=int(m["valid_for_months"]))
            left = None if pd.isna(expires) else (expires - end).days
            if left is not None and left <= 60:
                found[(w["name"], m["ticket"])] = ("Expired" if left < 0 else "Expiring", left)
    assert set(found) == {(t.worker, t.ticket) for t in company.tickets}
    for t in company.tickets:
        status, left = found[(t.worker, t.ticket)]
        assert status == t.status
        if t.days_left:
            assert t.days_left[0] <= left <= t.days_left[1]
    vague = matrix[matrix["ticket"].str.casefold() == "as required"]
    assert len(vague) == 1 and not (workers["role"] == vague.iloc[0]["role"]).any()
    holders = records[records["worker"].isin(active["name"])].groupby("worker")["ticket"].agg(set)
    assert any({"CSTS", "Standard First Aid"} <= tickets for tickets in holders)  # S.3


def test_planted_deficiencies_and_follow_ups(company: DemoCompany, data: Dataset) -> None:
    actions = data.table("corrective_actions")
    linked = set(actions["source_ref"].dropna())
    form_ids = set().union(*(set(data.table(k)["id"]) for k in ("pre_start", "workplace_inspection", "incident")))
    refs = actions[actions["source"].isin(["Pre-Start", "Inspection", "Incident"])]["source_ref"]
    assert set(refs) <= form_ids  # every follow-up points at a real record ID
    pre = data.table("pre_start")
    defects = pre[(pre["result"] == "Fail") | pre["defects"].notna()]
    unresolved = defects[defects["closed"].isna() & ~defects["id"].isin(linked)]
    assert set(unresolved["id"]) == _refs(company, "E4.3")
    assert unresolved.iloc[0]["out_of_service"] is True
    inspections = data.table("workplace_inspection")
    found = inspections[inspections["deficiencies"].notna()]
    assert found[found["closed"].isna() & ~found["id"].isin(linked)].empty
    end = pd.Timestamp(company.end)
    assert actions[actions["completed"].isna() & (actions["due"] < end)].empty  # none overdue
    unverified = actions[actions["completed"].notna() & actions["verified"].isna()]
    linked_to = actions.set_index("action_id").loc[list(unverified["action_id"]), "source_ref"]
    assert _refs(company, "E3.2") == {*unverified["action_id"], *linked_to, *_refs(company, "E4.3")}
    incidents = data.table("incident")
    assert incidents["id"].isin(linked).all() and incidents["communicated_to_crew"].notna().all()
    done = actions[actions["source"] == "Incident"]
    assert done["completed"].notna().all() and done["verified"].notna().all()
    assert set(incidents[incidents["root_cause"] == incidents["description"]]["id"]) == _refs(company, "E6.3")
    in_window = incidents[incidents["incident_date"] >= _window(company)]
    near = in_window[in_window["type"] == "Near Miss"]
    assert set(near["id"]) == _refs(company, "E6.2")


def test_planted_flha_problems(company: DemoCompany, data: Dataset) -> None:
    flha, pre = data.table("flha"), data.table("pre_start")
    window = _window(company)
    flha, pre = flha[flha["date"] >= window], pre[pre["date"] >= window]
    months = set(flha["date"].dt.to_period("M"))
    missing = sorted(set(pre["date"].dt.to_period("M")) - months)
    assert len(missing) == 1 and str(missing[0]) in company.expected("E2.2").records[0]
    assert set(flha[flha["worker_signature"].isna()]["id"]) == _refs(company, "E2.3")
    assert flha["supervisor_review"].notna().all()
    spread = flha.groupby("hazards").agg(days=("date", "nunique"), sites=("site", "nunique"))
    copied = spread[(spread["days"] >= 5) | (spread["sites"] >= 3)]
    assert len(copied) == 1
    assert set(flha[flha["hazards"] == copied.index[0]]["id"]) == _refs(company, "E2.4")
    assert (flha["site"] == "Various").sum() == 5


def test_planted_toolbox_repeats(company: DemoCompany, data: Dataset) -> None:
    talks = data.table("toolbox_talk").sort_values("date").to_dict("records")
    assert max((b["date"] - a["date"]).days for a, b in itertools.pairwise(talks)) <= 14
    assert all(t["management_present"] for t in talks)
    repeated = set()
    for i, a in enumerate(talks):
        for b in talks[i + 1:]:
            if (b["date"] - a["date"]).days > 56:
                break
            if a["topic"] == b["topic"] or SequenceMatcher(None, a["notes"], b["notes"]).ratio() >= 0.9:
                repeated |= {a["id"], b["id"]}
    assert repeated == _refs(company, "E5.4")


def test_planted_program_and_small_employer(company: DemoCompany, data: Dataset) -> None:
    program, workers = data.table("program"), data.table("workers")
    policy = program[program["document"] == "Safety Policy"].iloc[0]
    signer = workers[workers["name"] == policy["signed_by"]].iloc[0]
    assert pd.notna(signer["end_date"]) and signer["end_date"] <= pd.Timestamp(company.end)
    assert f"Program row {policy['row']}" in _refs(company, "E1.1")
    hazards = data.table("hazard_register")
    high = hazards[hazards["risk"] == "High"]
    without = [h for h, t in zip(high["hazard_id"], high["task"], strict=True)
               if not program["document"].str.contains(t, regex=False).any()]
    rows = hazards.set_index("hazard_id").loc[without, "row"]
    assert _refs(company, "E3.3") == {*without, *(f"Hazard Register row {r}" for r in rows)}
    for name in ("Responsibilities", "Hazard Identification Procedure", "Corrective Action Procedure",
                 "PPE Requirements", "Inspection Procedure", "Incident Investigation Procedure"):
        assert (program["document"] == name).sum() == 1
    assert company.end.year in set(data.table("goals")["year"])
    days = pd.date_range(_window(company), pd.Timestamp(company.end))
    busiest = max(int(((workers["start_date"] <= d) & (workers["end_date"].isna() | (workers["end_date"] > d))).sum())
                  for d in days)
    assert busiest <= 10 and company.expected("S.1").status == "Pass"
    orientation = data.table("orientation")
    assert set(workers["name"]) <= set(orientation[orientation["worker_signature"].notna()]["worker"])
    assert orientation["topics"].str.contains("FLHA").all()


def test_size_scales(tmp_path: Path) -> None:
    started = time.perf_counter()
    big = generate_demo(tmp_path / "big", workers=20, months=6, end=END, seed=3)
    assert time.perf_counter() - started < 15
    data = normalise(LocalSource(big.folder).read(), Settings())
    assert all(data.status[t.key].usable for t in TABLES)
    assert len(data.table("workers")) == 20 and big.expected("S.1").status == "Fail"
    assert data.table("flha")["date"].min() >= pd.Timestamp(big.start)
    assert BY_KEY["flha"].title in big.rows


def test_demo_command_writes_and_says_where(tmp_path: Path) -> None:
    out = tmp_path / "d"
    result = CliRunner().invoke(main, ["demo", "--out", str(out), "--end", "2026-10-31", "--months", "4"])
    assert result.exit_code == 0, result.output
    assert str(out / "secor-records.xlsx") in result.output and str(out / "form-responses.xlsx") in result.output
    bad = CliRunner().invoke(main, ["demo", "--out", str(out), "--end", "31/10/2026"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
