"""Real jackd (Debian jackd2, dummy driver, no realtime) for the JACK tests.

Every test gets its own server name, so tests never meet each other's servers or the
developer's own JACK; whatever a server leaves in /dev/shm is removed afterwards.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from stagebox.core.jack import system
from stagebox.core.jack.control import JackController
from stagebox.core.paths import UserPaths

SHM = Path("/dev/shm")
ROOTS = Path(__file__).resolve().parent.parent / "fixtures" / "roots"


def _leftovers(name: str) -> list[Path]:
    return [p for p in SHM.iterdir() if f"_{name}_" in p.name]


@pytest.fixture
def server_name() -> Iterator[str]:
    """A unique JACK server name; afterwards its jackd is gone and /dev/shm is clean."""
    name = f"sbtest-{uuid.uuid4().hex[:8]}"
    yield name
    controller = JackController(UserPaths.from_env())
    record = controller.record(name)
    if record is not None and controller.owned_pid(record) is not None:
        controller.stop(name)
    # a killed jackd keeps its slot in jack2's 8-slot registry: give it back
    system.reclaim_dead_servers("/usr/bin/jackd", {name})
    for path in _leftovers(name):
        path.unlink(missing_ok=True)


@pytest.fixture
def paths() -> UserPaths:
    return UserPaths.from_env()


@pytest.fixture
def controller(paths: UserPaths) -> JackController:
    return JackController(paths)


@pytest.fixture
def foreign_jackd(tmp_path: Path, server_name: str) -> Iterator[subprocess.Popen[bytes]]:
    """A jackd started directly (not by Stagebox), ready when yielded."""
    from stagebox.core.jack.client import wait_until_ready

    log = open(tmp_path / "foreign-jackd.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        ["jackd", "-n", server_name, "--no-realtime", "-d", "dummy", "-r", "44100", "-p", "128"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    assert wait_until_ready(server_name, proc, timeout=10) is not None
    yield proc
    if proc.poll() is None:
        proc.terminate()
        proc.wait(5)
    log.close()


def process_alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def wait_dead(pid: int, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process_alive(pid):
            return True
        time.sleep(0.01)
    return False


def leftovers(name: str) -> list[Path]:
    return _leftovers(name)


os.environ.setdefault("JACK_NO_START_SERVER", "1")
