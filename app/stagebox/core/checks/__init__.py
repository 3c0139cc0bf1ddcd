"""Realtime-readiness checks: is this machine (and the connected interface) ready for JACK?

``run_checks(root, result)`` returns one :class:`CheckResult` per check, each with a status,
what was read, why it matters for audio and the exact fix. Checks only read.
"""

from stagebox.core.checks.base import CheckResult, ProcessFacts, Status
from stagebox.core.checks.runner import ALL_CHECKS, run_checks
from stagebox.core.checks.text import checks_to_json, format_checks, summary

__all__ = [
    "ALL_CHECKS",
    "CheckResult",
    "ProcessFacts",
    "Status",
    "checks_to_json",
    "format_checks",
    "run_checks",
    "summary",
]
