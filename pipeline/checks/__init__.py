"""Checks: pure functions from normalised tables, settings and an as-of date to findings."""

from .audit import SELF_ASSESSMENT_NOTE, ElementScore, Findings, audit
from .base import FAIL, PASS, WARN, CheckResult

__all__ = ["FAIL", "PASS", "SELF_ASSESSMENT_NOTE", "WARN", "CheckResult", "ElementScore", "Findings", "audit"]
