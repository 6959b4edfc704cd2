"""The one place checks are registered, in the order they are shown."""

from __future__ import annotations

from collections.abc import Callable

from .base import Check, CheckFunction

REGISTRY: dict[str, Check] = {}


def check(check_id: str, element: int, name: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under its SPEC.md id."""

    def register(func: CheckFunction) -> CheckFunction:
        if check_id in REGISTRY:
            raise ValueError(f"check {check_id} registered twice")
        REGISTRY[check_id] = Check(check_id, element, name, func)
        return func

    return register


def load_all() -> dict[str, Check]:
    """Import every check module so that each registers itself; returns the registry."""
    from . import certificate, element1, element2, element3, element4, element5, element6  # noqa: F401

    return REGISTRY
