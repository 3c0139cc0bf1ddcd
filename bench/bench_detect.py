"""How long ``stagebox detect`` works per machine. Target: under 50 ms of work after start-up.

    .venv/bin/python bench/bench_detect.py [--runs 20] [--no-hyperfine]

"Work per machine" is the in-process time of one detection once Python and the modules are
loaded and the knowledge base is cached (a long-running GUI or tray pays only this):
``detect_capture(FILE)`` for every capture (read + parse + classify) and ``detect_live(root)``
for each checked-in fake machine and for a generated machine with 32 USB cards. The first
call in a process (imports + knowledge base load and validation) is shown separately, and the
whole ``stagebox detect --json`` command (interpreter start included) is timed with
hyperfine when it is installed, else with repeated subprocess runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
TARGET_MS = 50.0
CAPTURES = REPO / "tests" / "fixtures" / "captures"
ROOTS = REPO / "tests" / "fixtures" / "roots"

FIRST_CALL = """
import time
start = time.perf_counter()
from stagebox.core.detect import detect_live
from stagebox.core.sysroot import SystemRoot
detect_live(SystemRoot.at({root!r}))
print(f"{{(time.perf_counter() - start) * 1000:.3f}}")
"""


def median_ms(work: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """(median wall ms, median CPU ms of this process, max wall ms). CPU time is the work
    itself; wall time also counts waiting for a busy machine's other processes."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        work()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return statistics.median(wall), statistics.median(cpu), max(wall)


def build_32_cards(target: Path) -> Path:
    from tests.fakeroot import FakeMachine, Pcm

    machine = FakeMachine(target, kernel="6.1.0-13-amd64")
    xhci = machine.pci_controller("0000:00:14.0", "xhci", "8086:a36d")
    ehci = machine.pci_controller("0000:00:1a.7", "ehci", "8086:293c")
    for index in range(32):
        controller = xhci if index % 2 else ehci
        dev = machine.usb_device(
            controller,
            usb_id="0763:2030" if index % 3 else "1235:8201",
            port=f"{1 + index // 8}.{1 + index % 8}",
            product="USB interface",
            manufacturer="Bench",
            drivers=["snd-usb-audio"] * 2,
        )
        machine.alsa_card(
            index,
            f"USB{index}",
            "USB-Audio",
            f"Interface {index}",
            f"Bench Interface {index} at usb-{controller.slot}-{dev.name.split('-')[1]}, high speed",
            module="snd_usb_audio",
            usb=dev,
            midi=True,
            pcms=[Pcm(0, "USB Audio", playback=True, capture=True)],
        )
    return machine.finish()


def cli_wall_ms(args: list[str], runs: int, use_hyperfine: bool) -> tuple[float, str]:
    command = [sys.executable, "-m", "stagebox", *args]
    if use_hyperfine and shutil.which("hyperfine"):
        with tempfile.NamedTemporaryFile(suffix=".json") as report:
            subprocess.run(
                ["hyperfine", "--warmup", "2", "--runs", str(runs), "-N",
                 "--export-json", report.name, " ".join(command)],
                check=True, capture_output=True, cwd=REPO,
            )  # fmt: skip
            result = json.loads(Path(report.name).read_text())["results"][0]
        return result["median"] * 1000, "hyperfine"
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=REPO)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), "subprocess"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-hyperfine", action="store_true")
    args = parser.parse_args()

    from stagebox.core.detect import detect_capture, detect_live
    from stagebox.core.knowledge import load_knowledge
    from stagebox.core.sysroot import SystemRoot

    first = subprocess.run(
        [sys.executable, "-c", FIRST_CALL.format(root=str(ROOTS / "scarlett-18i20-xhci"))],
        capture_output=True, text=True, check=True, cwd=REPO,
    )  # fmt: skip
    load_knowledge()
    rows: list[tuple[str, float, float, float]] = []
    for capture in sorted(CAPTURES.glob("*.txt")):
        detect_capture(capture)  # warm
        rows.append(
            (
                f"capture {capture.name[:40]}",
                *median_ms(lambda c=capture: detect_capture(c), args.runs),
            )
        )
    for root in sorted(p for p in ROOTS.iterdir() if p.is_dir()):
        system = SystemRoot.at(root)
        rows.append(
            (f"fake root {root.name}", *median_ms(lambda s=system: detect_live(s), args.runs))
        )
    with tempfile.TemporaryDirectory() as tmp:
        big = build_32_cards(Path(tmp) / "32cards")
        system = SystemRoot.at(big)
        assert len(detect_live(system).cards) == 32
        rows.append(("fake root, 32 USB cards", *median_ms(lambda: detect_live(system), args.runs)))
        cli_runs = max(5, args.runs // 2)
        hyper = not args.no_hyperfine
        cli = [
            ("stagebox detect --json --root <32 cards>", *cli_wall_ms(["detect", "--json", "--root", str(big)], cli_runs, hyper)),
            ("stagebox detect --capture 15 --json", *cli_wall_ms(["detect", "--json", "--capture", str(next(CAPTURES.glob("15*")))], cli_runs, hyper)),
            ("stagebox detect (this machine)", *cli_wall_ms(["detect"], cli_runs, hyper)),
        ]  # fmt: skip

    width = max(len(r[0]) for r in rows + [(c[0], 0, 0, 0) for c in cli])
    print(f"load average while measuring: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"{'work per machine (in process, warm)':<{width}}  wall ms   CPU ms   max wall")
    for name, wall, cpu, worst_wall in rows:
        flag = "" if cpu < TARGET_MS else "  OVER TARGET"
        print(f"{name:<{width}}  {wall:7.2f}  {cpu:7.2f}  {worst_wall:8.2f}{flag}")
    print()
    print(
        f"first detection in a fresh process (imports + knowledge base): {float(first.stdout):.1f} ms"
    )
    print()
    print(f"{'whole command (wall, interpreter start included)':<{width}}  median ms    tool")
    for name, med, tool in cli:
        print(f"{name:<{width}}  {med:9.1f}    {tool}")
    worst = max(r[2] for r in rows)
    print(f"\ntarget: < {TARGET_MS:.0f} ms of work (CPU) per machine; slowest median {worst:.2f} ms: "
          f"{'OK' if worst < TARGET_MS else 'MISSED'}")  # fmt: skip
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
