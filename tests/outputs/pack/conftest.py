"""Shared helpers for the pack tests: render a context to PDF and read it back."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from pypdf import PdfReader

from pipeline.settings import Settings
from pipeline.sources.base import Workbook
from tests.builders import workbook


@dataclass
class FakeSource:
    """A Source that hands over records given per table key (read through the real normaliser)."""

    tables: Mapping[str, Sequence[Mapping[str, Any]]]

    def read(self) -> Workbook:
        return workbook(self.tables)

    def describe(self) -> str:
        return "test records"


def pdf_text(pdf: bytes) -> str:
    """The PDF's text: pdftotext when installed (layout-faithful), else pypdf."""
    if shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
        return done.stdout.decode("utf-8")
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def outline_titles(pdf: bytes) -> list[tuple[int, str]]:
    """(level, title) of every bookmark, depth-first."""
    reader = PdfReader(io.BytesIO(pdf))
    out: list[tuple[int, str]] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                out.append((level, str(item.title)))

    walk(reader.outline, 1)
    return out


@pytest.fixture
def settings(tmp_path: Any) -> Settings:
    return Settings(company="Prairie Hydrovac Ltd.", output=str(tmp_path / "out"))
