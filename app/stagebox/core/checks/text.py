"""Check results as text for musicians (problems first) and as JSON for programs."""

from __future__ import annotations

import json
import textwrap
from collections import Counter

from stagebox.core.checks.base import STATUS_ORDER, CheckResult, Status

JSON_SCHEMA = 1
_HEADINGS = {
    Status.PROBLEM: "Problems: fix these before starting JACK",
    Status.WARNING: "Warnings: JACK runs, but these cost latency or cause dropouts",
    Status.OK: "OK",
    Status.NOT_APPLICABLE: "Not applicable here",
}
_WIDTH = 100


def summary(results: list[CheckResult]) -> dict[str, int]:
    counts = Counter(r.status for r in results)
    return {status.value: counts.get(status, 0) for status in STATUS_ORDER}


def summary_line(results: list[CheckResult]) -> str:
    counts = summary(results)
    return (
        f"{_plural(counts['problem'], 'problem')}, {_plural(counts['warning'], 'warning')}, "
        f"{counts['ok']} ok, {counts['not_applicable']} not applicable."
    )


def format_checks(results: list[CheckResult]) -> str:
    """Grouped text: each problem and warning with what was found, why and the fix."""
    blocks: list[str] = []
    for status in STATUS_ORDER:
        group = [r for r in results if r.status is status]
        if not group:
            continue
        lines = [f"{_HEADINGS[status]} ({len(group)})"]
        for result in group:
            if status in (Status.PROBLEM, Status.WARNING):
                lines.extend(_detailed(result))
            else:
                lines.extend(_wrap(f"{result.title}: {result.reading}", "  - ", "    "))
        blocks.append("\n".join(lines))
    blocks.append(summary_line(results) + " Nothing was changed.")
    return "\n\n".join(blocks) + "\n"


def _detailed(result: CheckResult) -> list[str]:
    lines = [f"  * {result.title}"]
    lines.extend(_wrap(result.reading, "      found: ", " " * 13))
    lines.extend(_wrap(result.why, "      why:   ", " " * 13))
    if result.fix:
        # never wrapped: a command must stay copyable
        suffix = "   [needs root]" if result.needs_root else ""
        lines.append(f"      fix:   {result.fix}{suffix}")
    return lines


def _wrap(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(
        text, _WIDTH, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False
    ) or [first.rstrip()]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def checks_to_json(results: list[CheckResult]) -> str:
    return json.dumps(
        {
            "schema": JSON_SCHEMA,
            "summary": summary(results),
            "checks": [r.to_dict() for r in results],
        },
        indent=2,
        ensure_ascii=False,
    )
