"""Fixtures for Google mode: a running emulator, a test key whose token URI is the emulator, settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline.settings import GoogleSettings, Settings, SourceSettings
from pipeline.sources.google import GoogleSource, load_credentials, policy_from

from .emulator import Emulator, new_private_key

# Short waits so retries take milliseconds: timeout 0.5 s; backoff 10 ms doubling to 50 ms (make_source).
FAST = {"timeout_seconds": 0.5, "max_attempts": 4, "max_retry_seconds": 20.0}
BACKOFF = {"backoff_seconds": 0.01, "max_backoff_seconds": 0.05}


@pytest.fixture(scope="session")
def private_key() -> Any:
    return new_private_key()  # one RSA key per session: generating one takes a moment


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as em:
        yield em


@pytest.fixture
def key_file(emulator: Emulator, tmp_path: Path, private_key: Any) -> Path:
    return emulator.write_key_file(tmp_path / "key.json", private_key=private_key)


@pytest.fixture
def make_settings(emulator: Emulator, key_file: Path) -> Callable[..., Settings]:
    """Google-mode settings pointing at the emulator; keyword arguments override [google] or [source] values."""
    def make(spreadsheets: list[str], **overrides: Any) -> Settings:
        google = {**FAST, **{k: v for k, v in overrides.items() if k in GoogleSettings.__dataclass_fields__}}
        source = {k: v for k, v in overrides.items() if k in SourceSettings.__dataclass_fields__}
        rest = {k: v for k, v in overrides.items() if k in Settings.__dataclass_fields__}
        return Settings(
            source=SourceSettings(backend="google", spreadsheets=tuple(spreadsheets), credentials=str(key_file),
                                  **source),
            google=GoogleSettings(api_endpoint=emulator.url, **google), **rest)
    return make


@pytest.fixture
def sleeps() -> list[float]:
    """What the transport asked to sleep, when built by ``make_source`` (no real waiting)."""
    return []


@pytest.fixture
def make_source(make_settings: Callable[..., Settings], sleeps: list[float]) -> Callable[..., GoogleSource]:
    """A GoogleSource on the emulator whose retry waits are recorded in ``sleeps`` instead of slept."""
    def make(spreadsheets: list[str], **overrides: Any) -> GoogleSource:
        settings = make_settings(spreadsheets, **overrides)
        return GoogleSource(settings.source.spreadsheets, load_credentials(settings.source.credentials),
                            settings.google, dashboard_spreadsheet=settings.source.dashboard_spreadsheet,
                            timezone=settings.timezone,
                            policy=policy_from(settings.google, sleep=sleeps.append, **BACKOFF))
    return make
