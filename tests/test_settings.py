"""Settings: TOML over defaults, unknown keys refused, every key documented in secor.example.toml."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pipeline.errors import SecorError
from pipeline.settings import Settings, load_settings, settings_from_dict

EXAMPLE = Path(__file__).resolve().parent.parent / "secor.example.toml"


def test_example_config_loads_and_equals_the_defaults() -> None:
    assert load_settings(EXAMPLE) == Settings()


def test_every_setting_is_documented_in_the_example() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    for f in dataclasses.fields(Settings):
        default = getattr(Settings(), f.name)
        if dataclasses.is_dataclass(default):
            assert f"[{f.name}]" in text
            for sub in dataclasses.fields(default):
                assert f"\n{sub.name} = " in text, f"[{f.name}] {sub.name} is not in secor.example.toml"
        elif f.name in ("tables", "headers", "values"):
            assert f"\n[{f.name}]\n" in text, f"[{f.name}] is not in secor.example.toml"
        else:
            assert f"\n{f.name} = " in text or text.startswith(f"{f.name} = "), f.name


def test_values_override_defaults() -> None:
    s = settings_from_dict({"company": "Acme", "audit": {"expiry_warning_days": 30},
                            "tables": {"flha": "Form Responses 1"}})
    assert (s.company, s.audit.expiry_warning_days, s.tables["flha"]) == ("Acme", 30, ("Form Responses 1",))


@pytest.mark.parametrize(("data", "words"), [
    ({"audit": {"expiry_warning_days": "sixty"}}, "whole number"),
    ({"timezone": "Mars/Olympus"}, "unknown time zone"),
    ({"tables": {"flhas": ["x"]}}, "is not a table"),
    ({"headers": {"flha": {"who": ["x"]}}}, "is not a column"),
    ({"date_order": "YMD"}, "MDY"),
    ({"source": {"backend": "gogle"}}, "source.backend"),
    ({"tables": "x"}, "must be a section"),
    ({"values": {"incidents": {}}}, r"\[values.incidents\]' is not a table with choices. Use one of: .*incident"),
    ({"values": {"incident": {"kind": {"Cut": "First Aid"}}}}, "no choice column 'kind'. Use one of: type"),
    ({"values": {"incident": {"type": {"Cut hand": "Cut"}}}},
     r'\[values.incident.type\] "Cut hand" = "Cut"\': "Cut" is not a Type of Incident. Use one of: Near Miss, '),
    ({"values": {"pre_start": {"out_of_service": {"Parked": "Maybe"}}}}, "Use one of: Yes, No"),
    ({"values": {"incident": {"type": "First Aid"}}}, "must be a section"),
    ({"google": {"timeout_seconds": 0}}, "more than 0"),
    ({"schedule": {"sync_at": "6am"}}, "like \"06:00\""),
    ({"schedule": {"pack_day": 31}}, "1 to 28"),
    ({"pack": {"engine": "chrome"}}, "weasyprint, wkhtmltopdf"),
])
def test_wrong_settings_are_clear_errors(data: dict[str, object], words: str) -> None:
    with pytest.raises(SecorError, match=words):
        settings_from_dict(data)


def test_missing_config_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SecorError, match="not found"):
        load_settings(tmp_path / "nope.toml")


def test_values_map_office_wordings_to_the_canonical_value_forgivingly() -> None:
    s = settings_from_dict({"values": {"incident": {"type": {"Cut hand": "first aid"}},
                                       "pre_start": {"out_of_service": {"Parked": "yes"}}}})
    assert s.values == {"incident": {"type": {"Cut hand": "First Aid"}},
                        "pre_start": {"out_of_service": {"Parked": "Yes"}}}


def test_values_from_toml_sections(tmp_path: Path) -> None:
    path = tmp_path / "secor.toml"
    path.write_text('[values.incident.type]\n"Close call (nobody hurt)" = "Near Miss"\n"Cut hand" = "First Aid"\n',
                    encoding="utf-8")
    assert load_settings(path).values == {"incident": {"type": {"Close call (nobody hurt)": "Near Miss",
                                                                 "Cut hand": "First Aid"}}}
