"""``stagebox check``: is this machine ready for realtime audio with the connected interface?"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from stagebox.cli.context import Context
from stagebox.core.errors import ExitCode

if TYPE_CHECKING:
    from stagebox.core.model import DetectionResult


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "check",
        help="check realtime readiness (limits, CPU, kernel, IRQs, the interface's needs)",
        description=(
            "Check whether this machine is ready for low-latency audio with JACK: realtime "
            "limits, audio group, CPU governor, kernel preemption, timers, swappiness, file "
            "systems, IRQ sharing, and what the connected interface needs. Each result says "
            "what was found, why it matters and the exact fix. Nothing is changed. "
            "Exit status: 0 when there is no problem (warnings allowed), 1 when at least one "
            "check found a problem, 2 for unusable input."
        ),
    )
    parser.add_argument("--json", action="store_true", help="machine-readable results")
    parser.set_defaults(func=run)


def _interfaces_line(result: DetectionResult) -> str:
    """Which interface the device checks are about, so the musician knows what was looked at."""
    names = [f"{c.model or c.name or c.id} (card {c.index})" for c in result.interfaces()]
    names += [f"{u.model or u.usb_id} (no sound card yet)" for u in result.usb_audio_without_card]
    if not names:
        return "No audio interface found: only the system is checked."
    return "Checked for: " + ", ".join(names)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from stagebox.core.checks import Status, checks_to_json, format_checks, run_checks
    from stagebox.core.detect import detect_live

    result = detect_live(ctx.root)
    results = run_checks(ctx.root, result, paths=ctx.paths)
    if args.json:
        print(checks_to_json(results), file=ctx.out)
    else:
        print(_interfaces_line(result), end="\n\n", file=ctx.out)
        print(format_checks(results), end="", file=ctx.out)
    has_problem = any(r.status is Status.PROBLEM for r in results)
    return int(ExitCode.FAILED if has_problem else ExitCode.OK)
