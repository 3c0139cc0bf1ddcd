"""Realtime rights: refused with the fix, or the non-realtime fallback, as a user without
RLIMIT_RTPRIO (``nobody`` through runuser when the tests run as root)."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def unprivileged_home() -> Iterator[Path]:
    home = Path(tempfile.mkdtemp(prefix="sbtest-rt-"))
    (home / "run").mkdir()
    if os.geteuid() == 0:
        for path in (home, home / "run"):
            shutil.chown(path, "nobody", "nogroup")
    yield home
    shutil.rmtree(home, ignore_errors=True)


def run_as_user(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(home / "run"),
        "PATH": "/usr/bin:/bin:/usr/sbin:/sbin",
        "PYTHONPATH": str(REPO / "app"),
        "JACK_NO_START_SERVER": "1",
    }
    cmd = [sys.executable, "-m", "stagebox", "jack", *args]
    if os.geteuid() == 0:  # drop root: nobody has no realtime rights
        cmd = ["runuser", "-u", "nobody", "--", "env", *(f"{k}={v}" for k, v in env.items()), *cmd]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60, cwd=home)


def test_no_rights_refused_then_fallback(unprivileged_home: Path, server_name: str) -> None:
    soft, _ = resource.getrlimit(resource.RLIMIT_RTPRIO)
    privileged = os.geteuid() != 0 and soft >= 80
    start = ["start", "--driver", "dummy", "--priority", "80", "--server-name", server_name]
    refused = run_as_user(unprivileged_home, *start)
    if privileged:  # this user may use realtime: nothing to refuse
        assert refused.returncode == 0, refused.stderr
        assert run_as_user(unprivileged_home, "stop", "--server-name", server_name).returncode == 0
        return
    assert refused.returncode == 1
    assert "you may not use realtime priority 80 (your limit is 0)" in refused.stderr
    assert "--no-realtime" in refused.stderr

    started = run_as_user(unprivileged_home, *start, "--fallback-no-realtime")
    assert started.returncode == 0, started.stderr
    assert "(not realtime)" in started.stdout
    assert "warning: realtime is not allowed for you" in started.stdout
    assert f"command: jackd -n{server_name} -r -ddummy" in started.stdout  # -r: no realtime
    stopped = run_as_user(unprivileged_home, "stop", "--server-name", server_name)
    assert stopped.returncode == 0 and "JACK stopped" in stopped.stdout
