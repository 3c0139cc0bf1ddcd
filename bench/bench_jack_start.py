"""Start-to-ready time of `stagebox jack start` against jackd started directly.

Both sides start the same jackd command line (dummy driver, no realtime, a fresh server name
each round) and count as "ready" the same moment: a JACK client can connect
(``stagebox.core.jack.client.wait_until_ready``, the probe ``jack start`` itself uses).

* direct: this process spawns jackd and runs the probe (``jack`` already imported here, so
  the direct side pays nothing but jackd itself and the probe);
* stagebox: the wall time of the ``stagebox jack start ...`` command (the installed entry
  point, as a user runs it) until it returns (it
  returns once the server is ready), interpreter start-up and all;
* python floor: a Python process that does nothing but spawn jackd and run the same probe
  (no parsing, no checks, no record, no log; ``os._exit`` at the end): what any Python
  command pays on this machine before its own work, the floor under the CLI's ratio.

Rounds alternate the two sides; the ratio of the medians is printed (target <= 1.25).
Run: ``.venv/bin/python bench/bench_jack_start.py [--rounds N]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "app"))
os.environ["JACK_NO_START_SERVER"] = "1"

from stagebox.core.jack import system  # noqa: E402
from stagebox.core.jack.client import load_jack, wait_until_ready  # noqa: E402
from stagebox.core.jack.control import JackController  # noqa: E402
from stagebox.core.jack.settings import JackSettings  # noqa: E402
from stagebox.core.paths import UserPaths  # noqa: E402

TARGET = 1.25


def settings_for(name: str) -> JackSettings:
    return JackSettings(driver="dummy", realtime=False, server_name=name, rate=48000, period=256)


def direct(name: str) -> float:
    argv = [shutil.which("jackd") or "jackd", *settings_for(name).to_argv()[1:]]
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True
    )
    facts = wait_until_ready(name, proc, timeout=15)
    elapsed = time.perf_counter() - start
    assert facts is not None, "jackd did not start"
    proc.terminate()
    proc.wait(10)
    return elapsed


def stagebox_command() -> list[str]:
    """The ``stagebox`` command a user runs (the installed entry point), else ``-m``."""
    script = Path(sys.executable).with_name("stagebox")
    return [str(script)] if script.exists() else [sys.executable, "-m", "stagebox"]


def via_stagebox(name: str, env: dict[str, str]) -> float:
    cmd = [*stagebox_command(), "jack"]
    options = ["--driver", "dummy", "--rate", "48000", "--period", "256", "--no-realtime"]
    start = time.perf_counter()
    done = subprocess.run(
        [*cmd, "start", *options, "--server-name", name], env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    subprocess.run([*cmd, "stop", "--server-name", name], env=env, capture_output=True, check=True)
    return elapsed


FLOOR = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                        start_new_session=True)
from stagebox.core.jack.client import wait_until_ready
facts = wait_until_ready(proc.args[1][2:], proc, timeout=15)
print(proc.pid, facts is not None, flush=True)
os._exit(0)
"""


def python_floor(name: str, env: dict[str, str]) -> float:
    argv = [shutil.which("jackd") or "jackd", *settings_for(name).to_argv()[1:]]
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", FLOOR, *argv], env=env, capture_output=True)
    elapsed = time.perf_counter() - start
    pid, ready = done.stdout.split()
    assert ready == b"True", done.stderr
    os.kill(int(pid), signal.SIGTERM)
    while Path(f"/proc/{int(pid)}").exists():  # not our child: wait for it to be gone
        time.sleep(0.01)
    return elapsed


def via_library(name: str, paths: UserPaths) -> float:
    """The same start as a library call (what the tray does): no interpreter start-up."""
    controller = JackController(paths)
    start = time.perf_counter()
    controller.start(settings_for(name))
    elapsed = time.perf_counter() - start
    controller.stop(name)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    rounds = parser.parse_args().rounds
    load_jack()
    home = Path(tempfile.mkdtemp(prefix="sbbench-"))
    (home / "run").mkdir(mode=0o700)
    env = dict(os.environ, HOME=str(home), XDG_RUNTIME_DIR=str(home / "run"))
    env["PYTHONPATH"] = str(REPO / "app")
    # an installed Stagebox runs from compiled bytecode: let the child write it (outside the
    # checkout) instead of compiling every module on every start
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(home / "pycache")
    names: list[str] = []
    times: dict[str, list[float]] = {"direct": [], "stagebox": [], "library": [], "floor": []}
    os.environ.update(HOME=str(home), XDG_RUNTIME_DIR=str(home / "run"))
    paths = UserPaths.from_env()
    try:
        via_stagebox(f"sbbench-{uuid.uuid4().hex[:8]}", env)  # warm the .pyc cache
        for i in range(rounds):
            order = ["direct", "stagebox", "library", "floor"]
            for side in order if i % 2 == 0 else order[::-1]:
                name = f"sbbench-{uuid.uuid4().hex[:8]}"
                names.append(name)
                if side == "direct":
                    took = direct(name)
                elif side == "stagebox":
                    took = via_stagebox(name, env)
                elif side == "floor":
                    took = python_floor(name, env)
                else:
                    took = via_library(name, paths)
                times[side].append(took)
    finally:
        for name in names:
            system.remove_stale_shm(name)
        shutil.rmtree(home, ignore_errors=True)
    med = {side: statistics.median(values) for side, values in times.items()}
    print(f"rounds: {rounds} (alternating), jackd dummy driver, 48000 Hz, period 256")
    labels = {
        "direct": "jackd direct",
        "stagebox": "stagebox jack start",
        "library": "JackController.start",
        "floor": "python floor",
    }
    for side, label in labels.items():
        print(f"{label:22s} median {med[side] * 1000:5.0f} ms  (min {min(times[side]) * 1000:.0f})")
    print(
        f"ratio CLI/direct {med['stagebox'] / med['direct']:.2f} (target <= {TARGET}); "
        f"library/direct {med['library'] / med['direct']:.2f}; "
        f"python floor/direct {med['floor'] / med['direct']:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
