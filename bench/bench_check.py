"""How long ``stagebox check`` works on this machine. Target: under 200 ms of work.

    .venv/bin/python bench/bench_check.py [--runs 30]

"Work" is what ``stagebox check`` does itself: import detection and the checks, detect the
interface, run every check and format the text. It is measured in fresh child processes (so
the first-run costs - imports, knowledge base, /proc/config.gz, dpkg status - are in every
figure) after the CLI spine every command shares (``stagebox.cli`` and its parser) has
loaded. For context it also prints that spine's import time, the whole ``stagebox check``
command (interpreter start included) and ``run_checks`` alone once everything is loaded.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_MS = 200.0

CHILD = """
import io, time
from contextlib import redirect_stdout
start = time.perf_counter()
from stagebox.cli import build_parser, main
build_parser()  # the spine every command pays: all command modules imported
spine, spine_cpu = time.perf_counter(), time.process_time()
with redirect_stdout(io.StringIO()):
    main(["check"])
done, done_cpu = time.perf_counter(), time.process_time()
print(f"{(spine - start) * 1000:.3f} {(done - spine) * 1000:.3f} {(done_cpu - spine_cpu) * 1000:.3f}")
"""


#: Like an installed Stagebox, whose byte code was compiled at install time: the children
#: may write and then use __pycache__ (a developer shell often sets this variable).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def work_in_child() -> tuple[float, float, float]:
    """(CLI spine ms, check work ms, check work CPU ms) of one fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", CHILD],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env=CHILD_ENV,
    ).stdout
    spine, work, cpu = out.strip().splitlines()[-1].split()
    return float(spine), float(work), float(cpu)


def whole_command() -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "stagebox", "check"],
        capture_output=True,
        check=False,
        cwd=REPO,
        env=CHILD_ENV,
    )
    return (time.perf_counter() - start) * 1000


def run_checks_warm(runs: int) -> list[float]:
    from stagebox.core.checks import run_checks
    from stagebox.core.sysroot import SystemRoot

    try:
        from stagebox.core.detect import detect_live

        result = detect_live(SystemRoot())
    except ImportError:
        result = None
    run_checks(SystemRoot(), result)  # load everything once
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run_checks(SystemRoot(), result)
        times.append((time.perf_counter() - start) * 1000)
    return times


def show(label: str, times: list[float]) -> None:
    print(
        f"{label:<50} median {statistics.median(times):7.1f} ms   "
        f"min {min(times):7.1f}   max {max(times):7.1f}   (n={len(times)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    work_in_child()  # writes the byte code caches, as installing does
    children = [work_in_child() for _ in range(args.runs)]
    spine = [c[0] for c in children]
    work = [c[1] for c in children]
    cpu = [c[2] for c in children]
    whole = [whole_command() for _ in range(max(5, args.runs // 3))]
    warm = run_checks_warm(args.runs)
    show("check work (fresh process, after the CLI spine)", work)
    show("  the same, CPU time (less affected by load)", cpu)
    show("CLI spine import (shared by every command)", spine)
    show("whole `stagebox check` command", whole)
    show("run_checks() alone, warm", warm)
    verdict = "OK" if statistics.median(work) < TARGET_MS else "OVER"
    print(f"target: work < {TARGET_MS:.0f} ms -> {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
