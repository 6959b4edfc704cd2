"""Sources read tabs; they know nothing of what the tables mean.

Every backend returns a :class:`Workbook` of :class:`Tab` values: header and
rows as plain cell values. Nothing after reading knows which backend ran.
"""

from __future__ import annotations

from .base import Source, Tab, Workbook

__all__ = ["Source", "Tab", "Workbook", "open_source"]


def open_source(settings, path: str | None = None) -> Source:  # type: ignore[no-untyped-def]
    """The source the settings name: a local folder (default) or Google Sheets."""
    if settings.source.backend == "google" and path is None:
        from .google import GoogleSource  # imported lazily: keeps Google out of local runs

        return GoogleSource.from_settings(settings)
    from .local import LocalSource

    return LocalSource(path or settings.source.path)
