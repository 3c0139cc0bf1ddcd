"""Context switches of ``stagebox tray`` while idle (30 s), JACK stopped and JACK running.

    .venv/bin/python bench/bench_tray_idle.py [--seconds 30]

Runs the tray under Xvfb with a real tray host (trayer) when available, in a throw-away
HOME with one profile on JACK's dummy driver. Reads voluntary + nonvoluntary context
switches of every thread from /proc/PID/task/*/status before and after. QjackCtl, for
comparison, wakes 5 times a second (its 200 ms refresh timer): 150 per 30 s. Target: 0.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_gui_startup import start_xvfb  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def switches(pid: int) -> dict[str, int]:
    """Context switches per thread name (main thread first)."""
    result: dict[str, int] = {}
    for task in sorted(Path(f"/proc/{pid}/task").iterdir(), key=lambda p: int(p.name)):
        fields = {}
        for line in (task / "status").read_text().splitlines():
            key, _, value = line.partition(":")
            fields[key] = value.strip()
        name = f"{task.name}:{fields['Name']}" + (" (main)" if int(task.name) == pid else "")
        result[name] = int(fields["voluntary_ctxt_switches"]) + int(
            fields["nonvoluntary_ctxt_switches"]
        )
    return result


def measure(pid: int, seconds: float) -> tuple[int, int, dict[str, int]]:
    before = switches(pid)
    time.sleep(seconds)
    after = switches(pid)
    per_thread = {k: after[k] - before.get(k, 0) for k in after}
    main = next(v for k, v in per_thread.items() if k.endswith("(main)"))
    return main, sum(per_thread.values()), per_thread


def write_profile(home: Path, server: str) -> None:
    profile = {
        "name": "Bench dummy",
        "settings": {
            "driver": "dummy",
            "server_name": server,
            "realtime": False,
            "rate": 48000,
            "period": 1024,
        },
    }
    directory = home / ".config" / "stagebox" / "profiles"
    directory.mkdir(parents=True)
    (directory / "Bench_dummy.json").write_text(json.dumps(profile))


def jack_answers(env: dict[str, str]) -> bool:
    """Ask with jack_lsp (a separate process, so the bench itself stays out of the count)."""
    server = env["SB_BENCH_SERVER"]
    done = subprocess.run(["jack_lsp", "-s", server], env=env, capture_output=True, text=True)
    return done.returncode == 0 and "system:playback_1" in done.stdout


def run_phase(
    env: dict[str, str], start_jack: bool, seconds: float
) -> tuple[int, int, dict[str, int]]:
    argv = [sys.executable, "-m", "stagebox", "tray"] + (["--start"] if start_jack else [])
    tray = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        time.sleep(6.0)  # start-up, the tray host embedding the icon, jackd ready
        if tray.poll() is not None:
            raise SystemExit(
                f"the tray exited: {tray.stderr.read().decode() if tray.stderr else ''}"
            )
        if start_jack and not jack_answers(env):
            raise SystemExit("the tray did not start JACK; see its log under the bench HOME")
        return measure(tray.pid, seconds)
    finally:
        tray.terminate()  # SIGTERM, as at logout: the tray must stop its jackd
        tray.wait(10)
        if start_jack and jack_answers(env):
            raise SystemExit("the tray left its jackd running after SIGTERM")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    xvfb, display = start_xvfb()
    home = Path(tempfile.mkdtemp(prefix="sb-tray-bench-"))
    server = f"sbbench-{uuid.uuid4().hex[:8]}"
    write_profile(home, server)
    env = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_STATE_HOME": str(home / ".local/state"),
        "XDG_RUNTIME_DIR": str(home / "run"),
        "JACK_NO_START_SERVER": "1",
        "SB_BENCH_SERVER": server,
    }
    (home / "run").mkdir(mode=0o700)
    trayer = None
    if shutil.which("trayer"):
        trayer = subprocess.Popen(
            [
                "trayer",
                "--edge",
                "top",
                "--align",
                "right",
                "--widthtype",
                "request",
                "--height",
                "24",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1.0)
    try:
        print(
            f"stagebox tray, {args.seconds:.0f} s idle under Xvfb"
            f" ({'with trayer: real tray icon' if trayer else 'no tray host: fallback window'})"
        )
        for label, start_jack in (
            ("JACK stopped", False),
            ("JACK running (dummy, 1024 frames)", True),
        ):
            main_thread, total, per_thread = run_phase(env, start_jack, args.seconds)
            print(
                f"  {label}: main (Qt) thread {main_thread} switches, all {len(per_thread)} "
                f"threads together {total}"
            )
            for name, count in per_thread.items():
                if count:
                    print(f"      {name}: {count}")
        print("  QjackCtl for comparison: 5 wake-ups a second = 150 in 30 s (its refresh timer)")
    finally:
        if trayer is not None:
            trayer.terminate()
            trayer.wait()
        xvfb.terminate()
        xvfb.wait()
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
