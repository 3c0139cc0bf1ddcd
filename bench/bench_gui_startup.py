"""Time from process start to the wizard's first painted window, next to a bare PySide6
window (the toolkit's floor), alternating runs under one Xvfb. Target: wizard <= 1.3x floor.

    .venv/bin/python bench/bench_gui_startup.py [--runs 15]

Each child prints the wall-clock time of its window's first paint event and exits at once;
the parent subtracts the time just before it spawned the child.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ROOT = REPO / "tests" / "fixtures" / "roots" / "us122l-ich5"

BARE = """
import os, sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print(f"first-paint {time.time():.6f}", flush=True)
            os._exit(0)
        return False

app = QApplication(sys.argv[:1])
window = QWidget()
window.resize(800, 600)
spy = FirstPaint()
window.installEventFilter(spy)
window.show()
app.exec()
"""


# For reference only: the same bare window with one line of text, which makes Qt load
# fonts (fontconfig) before its first paint, as every real window must.
BARE_WITH_TEXT = BARE.replace(
    "window = QWidget()",
    "from PySide6.QtWidgets import QLabel\nwindow = QLabel('Looking at your machine…')",
)


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=open(os.path.join(tempfile.gettempdir(), "sb-bench-xvfb.log"), "wb"),  # noqa: SIM115
    )
    os.close(write_fd)
    number = b""
    while not number.endswith(b"\n"):  # Xvfb dies if the pipe closes before the newline
        chunk = os.read(read_fd, 16)
        if not chunk:
            raise SystemExit("Xvfb did not start")
        number += chunk
    os.close(read_fd)
    number = number.strip()
    return proc, f":{number.decode()}"


def one_run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds to the first paint, CPU seconds the child used until then)."""
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = time.time()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    marks = [line for line in done.stdout.splitlines() if line.startswith("first-paint ")]
    if not marks:
        raise SystemExit(f"{argv}: no first paint reported\n{done.stderr}")
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return float(marks[0].split()[1]) - before, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    xvfb, display = start_xvfb()
    home = tempfile.mkdtemp(prefix="sb-bench-")
    env = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "HOME": home,
        "XDG_CONFIG_HOME": f"{home}/.config",
        "XDG_STATE_HOME": f"{home}/.local/state",
        "STAGEBOX_BENCH_FIRST_PAINT": "1",
        "JACK_NO_START_SERVER": "1",
    }
    commands = {
        "bare PySide6 window": [sys.executable, "-c", BARE],
        "bare window, one label": [sys.executable, "-c", BARE_WITH_TEXT],
        "stagebox-gui (launcher)": [
            sys.executable,
            "-m",
            "stagebox.gui.launch",
            "--root",
            str(ROOT),
        ],
        "stagebox wizard (CLI)": [sys.executable, "-m", "stagebox", "wizard", "--root", str(ROOT)],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    try:
        for argv in commands.values():  # warm the page cache once
            one_run(argv, env)
        for _ in range(args.runs):
            for name, argv in commands.items():
                wall, used = one_run(argv, env)
                times[name].append(wall)
                cpu[name].append(used)
    finally:
        xvfb.terminate()
        xvfb.wait()
    print(f"process start -> first painted window, {args.runs} alternating runs under Xvfb")
    for name, values in times.items():
        print(
            f"  {name:24s} median {statistics.median(values) * 1000:6.1f} ms"
            f"  min {min(values) * 1000:6.1f} ms  max {max(values) * 1000:6.1f} ms"
            f"  | CPU median {statistics.median(cpu[name]) * 1000:6.1f} ms"
        )
    floor = statistics.median(times["bare PySide6 window"])
    floor_min = min(times["bare PySide6 window"])
    floor_cpu = statistics.median(cpu["bare PySide6 window"])
    ok = True
    for name in list(commands)[2:]:
        ratio = statistics.median(times[name]) / floor
        ratio_min = min(times[name]) / floor_min
        ratio_cpu = statistics.median(cpu[name]) / floor_cpu
        verdict = "meets" if ratio <= 1.3 else "MISSES"
        ok = ok and ratio <= 1.3
        print(
            f"  {name}: {ratio:.2f}x the bare window (wall medians), {ratio_min:.2f}x "
            f"(wall minima), {ratio_cpu:.2f}x (CPU medians): {verdict} the 1.3x target"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
