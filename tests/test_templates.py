"""The committed templates match the schema and a fresh generation."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from pipeline.cli import main
from pipeline.normalise import normalise
from pipeline.schema import BY_KEY, FORM_TABLES, OFFICE_TABLES, Kind
from pipeline.settings import Settings
from pipeline.sources.local import LocalSource
from pipeline.templates import forms_markdown, write_office_template

COMMITTED = Path(__file__).resolve().parent.parent / "sheets_templates"


def _shape(book: Workbook) -> dict[str, object]:
    """What must not drift: tabs, header rows, example rows, frozen panes and validations."""
    shape: dict[str, object] = {}
    for sheet in book.worksheets:
        rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=1, max_row=2)]
        validations = sorted(
            (str(dv.sqref), dv.type, dv.formula1, dv.formula2, dv.errorStyle, dv.operator)
            for dv in sheet.data_validations.dataValidation)
        shape[sheet.title] = (rows, sheet.freeze_panes, validations)
    return shape


def _validations(book: Workbook, title: str) -> dict[str, tuple[str | None, str | None]]:
    sheet = book[title]
    headers = [c.value for c in sheet[1]]
    out = {}
    for dv in sheet.data_validations.dataValidation:
        column = str(dv.sqref).split(":")[0].rstrip("0123456789")
        out[headers[ord(column) - ord("A")]] = (dv.type, dv.formula1)
    return out


def test_committed_template_matches_a_fresh_generation(tmp_path: Path) -> None:
    fresh = write_office_template(tmp_path / "secor-records.xlsx")
    assert _shape(load_workbook(COMMITTED / "secor-records.xlsx")) == _shape(load_workbook(fresh)), (
        "sheets_templates/secor-records.xlsx is stale: run .venv/bin/python -m pipeline.templates")


def test_committed_forms_guide_matches_a_fresh_generation() -> None:
    assert (COMMITTED / "forms.md").read_text(encoding="utf-8") == forms_markdown(), (
        "sheets_templates/forms.md is stale: run .venv/bin/python -m pipeline.templates")
    assert (COMMITTED / "README.md").is_file()


def test_every_office_tab_has_the_schema_headers_bold_and_frozen(tmp_path: Path) -> None:
    book = load_workbook(write_office_template(tmp_path / "t.xlsx"))
    assert book.sheetnames == [BY_KEY[k].title for k in OFFICE_TABLES]
    for key in OFFICE_TABLES:
        table, sheet = BY_KEY[key], book[BY_KEY[key].title]
        assert [c.value for c in sheet[1]] == [c.title for c in table.columns]
        assert all(c.font.bold for c in sheet[1]) and sheet.freeze_panes == "A2"
        assert any(c.value is not None for c in sheet[2]), f"{table.title} has no example row"
        assert all(sheet.column_dimensions[chr(ord("A") + i)].width >= 10 for i in range(len(table.columns)))


def test_dropdowns_where_the_spec_lists_values(tmp_path: Path) -> None:
    book = load_workbook(write_office_template(tmp_path / "t.xlsx"))
    for key in OFFICE_TABLES:
        table = BY_KEY[key]
        found = _validations(book, table.title)
        for col in table.columns:
            if col.kind is Kind.CHOICE:
                assert found[col.title] == ("list", '"' + ",".join(col.choices) + '"'), (table.title, col.title)
    assert _validations(book, "Program")["Element"] == ("list", '"1,2,3,4,5,6"')
    assert _validations(book, "Hazard Register")["Risk"] == ("list", '"High,Medium,Low"')
    assert _validations(book, "Corrective Actions")["Assigned To"][1].startswith("Workers!")
    assert _validations(book, "Training Records")["Ticket"][1].startswith("'Training Matrix'!")


def test_template_reads_back_with_every_office_table_and_its_example_rows_flagged_not_counted(
        tmp_path: Path) -> None:
    write_office_template(tmp_path / "secor-records.xlsx")
    data = normalise(LocalSource(tmp_path).read(), Settings())
    for key in OFFICE_TABLES:
        st = data.status[key]
        assert st.usable and st.rows_read == 1 and st.rows_used == 0 and st.rows_rejected == 1, key
    office_titles = {BY_KEY[k].title for k in OFFICE_TABLES}
    office = data.issues[data.issues["table"].isin(office_titles)]
    # The only thing said about the office tabs: each example row is an example, not counted.
    assert sorted(office["table"]) == sorted(office_titles), office
    assert office["problem"].str.startswith("example row of the secor-records.xlsx template").all()


def test_forms_guide_lists_every_form_column_under_its_header() -> None:
    text = forms_markdown()
    for key in FORM_TABLES:
        table = BY_KEY[key]
        section = text.split(f"## {table.title}\n", 1)[1].split("\n## ", 1)[0]
        for col in table.columns:
            assert f"| {col.title} |" in section, (table.title, col.title)
        for col in table.columns:
            if col.kind is Kind.CHOICE:
                assert " / ".join(col.choices) in section


def test_template_command_writes_both_files(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["template", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "secor-records.xlsx").is_file() and (tmp_path / "forms.md").read_text(encoding="utf-8")
