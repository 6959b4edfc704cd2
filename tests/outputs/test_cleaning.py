"""Control characters and lone surrogates in crew text: cleaned at the output edge, kept raw in the data files."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from jobs.pack import run_pack
from pipeline.cli import main
from pipeline.outputs.cleaning import display_text, encodable
from pipeline.outputs.sheets import cell
from pipeline.settings import PackSettings, Settings
from tests.builders import write_xlsx
from tests.outputs.pack.conftest import FakeSource, pdf_text
from tests.outputs.pack.fixtures import company_records

# How Excel stores what Word's Shift+Enter, NUL and ESC left in a pasted cell; calamine reads them back
# as the characters \x0b, \x00 and \x1b.
WORD_PASTE = "Brake line_x000B_leaking at rear axle"
TERMINAL_PASTE = "Hose_x0000_ cracked_x001B_[31m replace"
# A lone surrogate, as the Sheets API can hand over half an emoji.
HALF_EMOJI = "Guard missing \ud83d see photo"


def test_display_text_rules() -> None:
    assert display_text("Brake line\x0bleaking") == "Brake line\nleaking"
    assert display_text(WORD_PASTE) == "Brake line\nleaking at rear axle"
    assert display_text("a\x0cb\x1cc\x1dd\x1ee\x85f\u2028g\u2029h") == "a\nb\nc\nd\ne\nf\ng\nh"
    assert display_text("Hose\x00\x00cracked\x1b[31m \x07\x7f\x9bx") == "Hose cracked [31m  x"
    assert display_text("tab\tnew\nline\r\n") == "tab\tnew\nline\r\n"  # kept: every output takes them
    assert display_text(HALF_EMOJI) == "Guard missing \ufffd see photo"
    assert display_text("ok \ud83d\ude00") == "ok \U0001f600"  # a pair split in two code points is rejoined
    assert display_text("x\ufffey\uffff") == "x\ufffdy\ufffd"
    assert display_text("the code _x005F_x000B_ typed") == "the code _x000B_ typed"  # Excel's escaped underscore
    assert display_text("Zoë Tremblay, 6\" pipe, =SUM(A1), 🚧") == "Zoë Tremblay, 6\" pipe, =SUM(A1), 🚧"


def test_encodable_keeps_control_characters_and_replaces_only_lone_surrogates() -> None:
    assert encodable("a\x00b\x0bc") == "a\x00b\x0bc"
    assert encodable(HALF_EMOJI) == "Guard missing \ufffd see photo"
    assert encodable(HALF_EMOJI).encode("utf-8")


def test_sheets_cells_carry_no_control_character_or_surrogate() -> None:
    sent = cell("Hose\x00cracked\x0b" + HALF_EMOJI)
    assert sent["userEnteredValue"] == {"stringValue": "Hose cracked\nGuard missing \ufffd see photo"}
    json.dumps(sent, ensure_ascii=False).encode("utf-8")  # what Google must receive: valid UTF-8 JSON


def office_folder(tmp_path: Path) -> Path:
    """Workers and a Pre-Start tab whose defects were pasted from Word and a terminal (as Excel saves them)."""
    folder = tmp_path / "records"
    folder.mkdir()
    write_xlsx(folder / "office.xlsx", {
        "Workers": [["Name", "Role", "Start Date"], ["Dale Kowalski", "Operator", "2021-03-01"]],
        "Pre-Start": [
            ["Timestamp", "Operator", "Unit", "Result", "Defects", "Out Of Service"],
            ["11/02/2026 06:30:00", "Dale Kowalski", "Unit 12", "Fail", WORD_PASTE, "Yes"],
            ["11/03/2026 06:30:00", "Dale_x001B_ Kowalski", "Unit 12", "Fail", TERMINAL_PASTE, "No"],
        ]})
    return folder


def test_sync_writes_the_dashboard_despite_control_characters(tmp_path: Path) -> None:
    folder = office_folder(tmp_path)
    result = CliRunner().invoke(main, ["sync", "--source", str(folder), "--out", str(tmp_path / "out"),
                                       "--as-of", "2026-11-21"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "out" / "dashboard.xlsx")
    described = [r[4].value for r in book["Dashboard - Deficiencies"].iter_rows(min_row=3)]
    assert "Brake line\nleaking at rear axle" in described
    assert "Hose  cracked [31m replace" in described
    values = [r[5].value for r in book["Dashboard - Data Issues"].iter_rows(min_row=2)]
    assert "Dale  Kowalski" in values  # the unknown name is listed, shown without the ESC


@pytest.mark.parametrize("engine", ["weasyprint", "wkhtmltopdf"])
def test_pack_renders_crew_text_with_controls_and_a_lone_surrogate(engine: str, tmp_path: Path) -> None:
    if engine == "wkhtmltopdf" and not shutil.which("wkhtmltopdf"):
        pytest.skip("wkhtmltopdf is not installed")
    records = company_records()
    records["pre_start"][0].update(Result="Fail", Defects="Cracked mirror\x00\x1b " + HALF_EMOJI)
    records["incident"][0]["Description"] = "Slipped on ice\x0bno injury\x0c " + HALF_EMOJI
    settings = Settings(company="Prairie Hydrovac Ltd.", output=str(tmp_path), pack=PackSettings(engine=engine))
    result = run_pack(settings, "2026-10", source=FakeSource(records))
    text = " ".join(pdf_text(result.pdf.read_bytes()).split())
    assert "Cracked mirror Guard missing" in text and "see photo" in text
    # The machine-readable files keep the raw text; only the lone surrogate had to go.
    rows = list(csv.DictReader(io.StringIO((result.pdf.parent / "deficiencies.csv").read_text(encoding="utf-8"))))
    assert "Cracked mirror\x00\x1b Guard missing \ufffd see photo" in [r["Description"] for r in rows]
    json.loads((result.pdf.parent / "findings.json").read_text(encoding="utf-8"))
    assert date.fromisoformat(json.loads((result.pdf.parent / "findings.json").read_text())["as_of"])
