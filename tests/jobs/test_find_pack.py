"""find_pack picks the company's own pack when several companies' packs share packs/YYYY-MM."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from jobs.mail import find_pack
from jobs.pack import pdf_name
from jobs.state import State
from pipeline.errors import SecorError
from pipeline.outputs.pack import Month

MONTH = "2026-10"


def _folder(out: Path, *companies: str) -> Path:
    folder = out / "packs" / MONTH
    folder.mkdir(parents=True)
    for company in companies:
        (folder / pdf_name(company, Month(2026, 10))).write_bytes(b"%PDF-1.4 " + company.encode())
    return folder


def test_the_companys_own_pack_is_chosen_among_several(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = _folder(tmp_path, "Acme Hydrovac Ltd.", "Zeta Oilfield Services")
    # Alphabetically Acme's comes first; Zeta must still get its own.
    with caplog.at_level(logging.WARNING, logger="secor.jobs"):
        for company in ("Zeta Oilfield Services", "Acme Hydrovac Ltd."):
            assert find_pack(tmp_path, MONTH, State(), company) == folder / pdf_name(company, Month(2026, 10))
    assert not caplog.records


def test_a_recorded_pack_of_another_company_is_not_used_when_the_own_one_exists(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "Acme Hydrovac Ltd.", "Zeta Oilfield Services")
    state = State()
    state.packs[MONTH] = {"pdf": str(folder / pdf_name("Acme Hydrovac Ltd.", Month(2026, 10)))}
    own = folder / pdf_name("Zeta Oilfield Services", Month(2026, 10))
    assert find_pack(tmp_path, MONTH, state, "Zeta Oilfield Services") == own


def test_another_pdf_is_used_only_when_the_own_one_is_absent_and_the_log_says_so(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = _folder(tmp_path, "Acme Hydrovac Ltd.")
    with caplog.at_level(logging.WARNING, logger="secor.jobs"):
        found = find_pack(tmp_path, MONTH, None, "Zeta Oilfield Services")
    assert found == folder / pdf_name("Acme Hydrovac Ltd.", Month(2026, 10))
    assert "no pack named" in caplog.text and "Zeta Oilfield Services" in caplog.text


def test_no_pdf_at_all_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SecorError, match="no audit pack for 2026-10"):
        find_pack(tmp_path, MONTH, None, "Acme Hydrovac Ltd.")
