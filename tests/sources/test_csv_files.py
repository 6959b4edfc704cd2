"""CSV files as offices save them: Excel's "CSV UTF-8", "Unicode text", Windows-1252, `;` and tab delimiters."""

from __future__ import annotations

from pathlib import Path

from pipeline.normalise import normalise
from pipeline.settings import Settings
from pipeline.sources.csv_files import count_delimiters, decode_csv, detect_delimiter
from pipeline.sources.local import LocalSource, read_csv

HEADER = ["Timestamp", "Topic", "Presenter", "Attendees", "Notes"]
TALK = ["11/21/2026 07:00:00", "Cold stress", "Zoë Tremblay", "Zoë Tremblay, Dale Kowalski", "Layers, breaks"]


def rows_of(rows: list[list[str]], delimiter: str = ",") -> str:
    """CSV text as Excel writes it: CRLF, fields with the delimiter or a quote quoted."""
    def field(v: str) -> str:
        return f'"{v.replace(chr(34), chr(34) * 2)}"' if any(c in v for c in (delimiter, '"', "\n", "\r")) else v
    return "".join(delimiter.join(field(v) for v in row) + "\r\n" for row in rows)


def talks(tmp_path: Path, data: bytes, name: str = "Toolbox Talk.csv") -> tuple[LocalSource, Path]:
    path = tmp_path / name
    path.write_bytes(data)
    return LocalSource(tmp_path), path


def test_excel_csv_utf8_with_bom_reads_the_first_header_clean(tmp_path: Path) -> None:
    src, path = talks(tmp_path, rows_of([HEADER, TALK]).encode("utf-8-sig"))
    tab = read_csv(path)
    assert tab.header[0] == "Timestamp"
    assert tab.rows[0][2] == "Zoë Tremblay"
    assert src.read().notes == ()


def test_excel_unicode_text_is_utf16_with_tabs(tmp_path: Path) -> None:
    # Excel's "Unicode text (*.txt)" renamed .csv: UTF-16 LE with a BOM, tab-delimited.
    data = "\ufeff".encode("utf-16-le") + rows_of([HEADER, TALK], "\t").encode("utf-16-le")
    src, _ = talks(tmp_path, data)
    wb = src.read()
    assert wb.problems == () and wb.notes == ()
    tab = wb.get("Toolbox Talk")
    assert list(tab.header) == HEADER
    assert tab.rows == [TALK]
    ds = normalise(wb, Settings())
    assert ds.table("toolbox_talk").iloc[0]["attendees"] == "Zoë Tremblay, Dale Kowalski"


def test_windows_1252_file_is_read_and_reported_not_guessed_silently(tmp_path: Path) -> None:
    # Excel's plain "CSV (Comma delimited)" on Windows writes the ANSI code page.
    src, _ = talks(tmp_path, rows_of([HEADER, TALK]).encode("cp1252"))
    wb = src.read()
    assert wb.get("Toolbox Talk").rows[0][2] == "Zoë Tremblay"
    assert len(wb.notes) == 1
    note = wb.notes[0]
    assert "'Toolbox Talk.csv' is not UTF-8" in note and "Windows-1252" in note and "CSV UTF-8" in note
    assert wb.problems == ()  # read whole: worth fixing, not a failure


def test_one_stray_byte_in_a_utf8_file_is_replaced_and_its_line_named(tmp_path: Path) -> None:
    good = rows_of([HEADER, TALK]).encode("utf-8")
    stray = b"11/22/2026 07:00:00,Ladders,Dale Kowalski,Dale Kowalski,3 points of contact \x96 always\r\n"
    src, _ = talks(tmp_path, good + stray + rows_of([TALK]).encode("utf-8"))
    wb = src.read()
    rows = wb.get("Toolbox Talk").rows
    assert [r[2] for r in rows] == ["Zoë Tremblay", "Dale Kowalski", "Zoë Tremblay"]  # not "ZoÃ«"
    assert rows[1][4] == "3 points of contact \ufffd always"
    assert len(wb.notes) == 1
    assert "'Toolbox Talk.csv'" in wb.notes[0] and "line 3" in wb.notes[0] and "Windows-1252" not in wb.notes[0]


def test_multi_line_answer_stays_one_record_and_rows_count_records(tmp_path: Path) -> None:
    multi = ["11/22/2026 07:00:00", "Ladders", "Dale Kowalski", "Dale Kowalski", "Three points\nof contact"]
    bad = ["not a date", "Lifting", "Dale Kowalski", "Dale Kowalski", ""]
    src, _ = talks(tmp_path, rows_of([HEADER, multi, bad]).encode("utf-8"))
    wb = src.read()
    rows = wb.get("Toolbox Talk").rows
    assert len(rows) == 2
    assert rows[0][4] == "Three points\nof contact"
    ds = normalise(wb, Settings())
    issues = ds.issues[(ds.issues["table"] == "Toolbox Talk") & (ds.issues["column"] == "Timestamp")]
    # Row 3 as Sheets or Excel shows the file (one record per row), not physical line 4.
    assert list(issues["row"]) == [3]


def test_line_separators_inside_a_field_do_not_make_phantom_rows(tmp_path: Path) -> None:
    odd = "a\u2028b\x0bc\x0cd\x1ce\x1df\x1eg\x85h"
    row = ["11/22/2026 07:00:00", "Ladders", "Dale Kowalski", "Dale Kowalski", odd]
    src, _ = talks(tmp_path, rows_of([HEADER, row, TALK]).encode("utf-8"))
    rows = src.read().get("Toolbox Talk").rows
    assert len(rows) == 2
    assert rows[0][4] == odd


def test_semicolon_csv_from_a_french_canadian_excel(tmp_path: Path) -> None:
    data = "Timestamp;Topic;Presenter;Attendees;Notes\r\n" \
           "11/21/2026 07:00:00;Cold stress;Zoë Tremblay;\"Zoë Tremblay; Dale Kowalski\";Layers, breaks\r\n"
    src, _ = talks(tmp_path, data.encode("utf-8-sig"))
    tab = src.read().get("Toolbox Talk")
    assert list(tab.header) == HEADER
    assert tab.rows[0][3:] == ["Zoë Tremblay; Dale Kowalski", "Layers, breaks"]


def test_excel_sep_line_names_the_delimiter_and_is_not_a_row(tmp_path: Path) -> None:
    data = "sep=;\r\nTimestamp;Topic;Presenter;Attendees;Notes\r\n11/21/2026 07:00:00;Cold stress;Dale;Dale;a,b\r\n"
    src, _ = talks(tmp_path, data.encode("utf-8"))
    tab = src.read().get("Toolbox Talk")
    assert list(tab.header) == HEADER and tab.first_row == 2
    assert tab.rows[0][4] == "a,b"


def test_delimiters_are_counted_outside_quotes_only() -> None:
    assert count_delimiters('"Name, first; last",Role,"Start, Date"') == {",": 2, ";": 0, "\t": 0}
    assert detect_delimiter('"Name, first";Role;"Start, Date"\r\nx;y;z') == ";"
    assert detect_delimiter("Workers\r\n\r\nName\tRole\tStart Date\r\n") == "\t"  # a title line above
    assert detect_delimiter("Name\r\nDale\r\n") == ","  # one column: any delimiter reads it


def test_a_quote_never_closed_is_reported(tmp_path: Path) -> None:
    data = rows_of([HEADER, TALK]) + '11/22/2026 07:00:00,Ladders,Dale,Dale,"six inch\r\n' + rows_of([TALK])
    src, _ = talks(tmp_path, data.encode("utf-8"))
    wb = src.read()
    assert any("line 3" in n and "quote" in n for n in wb.notes)


def test_utf16_without_bom_and_big_endian_decode() -> None:
    text = "Name\tRole\r\nZoë\tOwner\r\n"
    assert decode_csv("\ufeff".encode("utf-16-be") + text.encode("utf-16-be"), "x.csv") == (text, [])
    assert decode_csv(text.encode("utf-16-le"), "x.csv") == (text, [])


def test_a_quote_that_swallows_the_file_is_a_problem_naming_it(tmp_path: Path) -> None:
    data = rows_of([HEADER]) + '11/22/2026 07:00:00,Ladders,Dale,Dale,"six inch\r\n' + "x" * 200_000
    src, _ = talks(tmp_path, data.encode("utf-8"))
    wb = src.read()
    assert wb.tabs == () and "'Toolbox Talk.csv' could not be read as CSV at line 3" in wb.problems[0]
