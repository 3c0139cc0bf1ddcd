"""`status` on a server started by jackdbus (real jackdbus on a private D-Bus session bus)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def test_status_names_jackdbus_and_stop_leaves_it_alone(
    isolated_home: Path, server_name: str
) -> None:
    stagebox = f"{sys.executable} -m stagebox jack"
    script = (
        "jack_control ds dummy && jack_control eps realtime false && "
        f"jack_control eps name {server_name} && jack_control dps period 128 && "
        "jack_control start >/dev/null && "
        f"{stagebox} status --server-name {server_name} --json > status.json; "
        f"{stagebox} stop --server-name {server_name} 2> stop.txt; echo $? > stop.rc; "
        "jack_control exit"
    )
    env = dict(os.environ, HOME=str(isolated_home))
    done = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", script],
        cwd=isolated_home, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert (isolated_home / "status.json").exists(), done.stderr
    text = (isolated_home / "status.json").read_text()
    assert text, done.stdout + done.stderr
    status = json.loads(text)
    assert status["state"] == "running" and status["server_kind"] == "jackdbus"
    assert status["period"] == 128 and not status["started_by_stagebox"]
    assert (isolated_home / "stop.rc").read_text().strip() == "1"
    assert "jack_control stop" in (isolated_home / "stop.txt").read_text()
