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
    ({"audit": {"pass_overall": 80}}, r"'audit.pass_overall' is 80, but it is a share .* Write 0.8 for 80%"),
    ({"audit": {"pass_element": 50.0}}, r"Write 0.5 for 50%"),
    ({"audit": {"generic_site_share": -0.1}}, r"'audit.generic_site_share' is -0.1, but it is a share from 0 to 1"),
    ({"audit": {"notes_similarity": 900}}, r"share from 0 to 1 \(0.8 means 80%\)\.$"),
    ({"audit": {"expiry_warning_days": -30}}, r"'audit.expiry_warning_days' is -30; it must be 0 or more"),
    ({"audit": {"due_days_default": -1}}, r"'audit.due_days_default' is -1; it must be 0 or more"),
    ({"audit": {"toolbox_interval_days": 0}}, r"'audit.toolbox_interval_days' is 0; it must be 1 or more"),
    ({"schedule": {"failure_alert_after": -1}}, r"0 or more\. 0 turns the alert off"),
    ({"email": {"port": 0}}, r"from 1 to 65535"),
])
def test_wrong_settings_are_clear_errors(data: dict[str, object], words: str) -> None:
    with pytest.raises(SecorError, match=words):
        settings_from_dict(data)


@pytest.mark.parametrize("written", ["pa$$ word!", "Tr0ub4dor&3", "2026Summer", "mot-de-passe"])
def test_password_env_that_is_no_variable_name_is_refused_without_echoing_it(written: str) -> None:
    with pytest.raises(SecorError) as err:
        settings_from_dict({"email": {"password_env": written}})
    assert "'email.password_env' is not the name of an environment variable" in err.value.message
    assert written not in err.value.message


def test_edge_values_are_accepted() -> None:
    s = settings_from_dict({"audit": {"pass_overall": 1, "pass_element": 0, "expiry_warning_days": 0,
                                      "due_days_out_of_service": 0}, "schedule": {"failure_alert_after": 0}})
    assert (s.audit.pass_overall, s.audit.pass_element, s.audit.expiry_warning_days) == (1.0, 0.0, 0)


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
