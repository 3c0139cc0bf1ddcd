"""The tray path with a real system tray: Xvfb plus the trayer tray host (offscreen Qt and
bare Xvfb have no tray, so the other tests only see the fallback window)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.gui.test_tray import dummy_profile, jack_answers

CHILD = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QSystemTrayIcon
from stagebox.core.paths import UserPaths
from stagebox.core.sysroot import SystemRoot
from stagebox.gui.app import application
from stagebox.gui.tray import TrayApp

app = application()
tray = TrayApp(SystemRoot(), UserPaths.from_env())
print("available", QSystemTrayIcon.isSystemTrayAvailable(), "window", tray.window is not None)
tray.show()
seen = []
tray.state_changed.connect(seen.append)

def running():
    print("tooltip", tray.tray.toolTip().replace("\\n", " | "))
    print("geometry", not tray.tray.geometry().isEmpty())
    tray.quit()

tray.state_changed.connect(lambda s: s == "running" and QTimer.singleShot(300, running))
tray.state_changed.connect(lambda s: s == "failed" and (print("failed", tray.model.message), app.quit()))
QTimer.singleShot(200, tray.start)
QTimer.singleShot(25000, app.quit)
app.exec()
print("states", seen)
"""


@pytest.fixture
def desktop_with_tray(tmp_path: Path) -> Iterator[dict[str, str]]:
    if not (shutil.which("Xvfb") and shutil.which("trayer")):
        pytest.fail("Xvfb and trayer are needed (setup.sh --test installs them)")
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    number = b""
    while not number.endswith(b"\n"):
        chunk = os.read(read_fd, 16)
        assert chunk, "Xvfb did not start"
        number += chunk
    os.close(read_fd)
    env = {**os.environ, "DISPLAY": f":{number.decode().strip()}", "QT_QPA_PLATFORM": "xcb"}
    trayer = subprocess.Popen(
        ["trayer", "--edge", "top", "--align", "right", "--widthtype", "request", "--height", "24"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.8)
    try:
        yield env
    finally:
        trayer.terminate()
        trayer.wait(5)
        xvfb.terminate()
        xvfb.wait(5)


def test_real_tray_icon_shows_jack_running(desktop_with_tray, jack_server_name) -> None:  # type: ignore[no-untyped-def]
    dummy_profile("Dummy", jack_server_name)
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        env=desktop_with_tray,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "available True window False" in out
    assert "geometry True" in out  # the tray host really embedded the icon
    # (a dummy-driver xrun on a busy machine adds ", with N dropouts (xruns)")
    assert "tooltip JACK is running on us-122l" in out
    assert "| 48000 Hz · 256 frames × 2 · 10.7 ms" in out
    assert "states ['starting', 'running'" in out
    assert not jack_answers(jack_server_name)  # Quit stopped the supervised jackd
