"""``stagebox check``: is this machine ready for realtime audio with the connected interface?"""

from __future__ import annotations

import argparse
import logging

from stagebox.cli.context import Context
from stagebox.core.errors import ExitCode

log = logging.getLogger(__name__)


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


def detect_for_checks(ctx: Context) -> object | None:
    """The detection result the interface checks use; None when detection is unavailable."""
    try:
        from stagebox.core.detect import detect_live
    except ImportError:
        log.debug("detection is not in this build; interface checks are skipped")
        return None
    return detect_live(ctx.root)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from stagebox.core.checks import Status, checks_to_json, format_checks, run_checks

    result = detect_for_checks(ctx)
    results = run_checks(ctx.root, result, paths=ctx.paths)  # type: ignore[arg-type]
    if args.json:
        print(checks_to_json(results), file=ctx.out)
    else:
        print(format_checks(results), end="", file=ctx.out)
    has_problem = any(r.status is Status.PROBLEM for r in results)
    return int(ExitCode.FAILED if has_problem else ExitCode.OK)
