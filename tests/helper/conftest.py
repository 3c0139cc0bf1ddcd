"""Fixtures for testing the real root helper (polkit/stagebox-ehci-helper) as a subprocess."""

from __future__ import annotations

import contextlib
import fcntl
import importlib.machinery
import importlib.util
import os
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from tests.helper.sysfs import FakePciSysfs, standard_machine

REPO = Path(__file__).resolve().parents[2]
HELPER = REPO / "polkit" / "stagebox-ehci-helper"
POLICY = REPO / "polkit" / "org.stagebox.ehci.policy"

IS_ROOT = os.geteuid() == 0
needs_root = pytest.mark.skipif(
    not IS_ROOT,
    reason="runs the root helper for real (it refuses non-root callers); CI runs as root",
)


@dataclass
class HelperRun:
    code: int
    out: str
    err: str


@pytest.fixture
def sysfs(tmp_path: Path) -> FakePciSysfs:
    return standard_machine(tmp_path / "sys")


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "helper-state"


@pytest.fixture
def run_helper(sysfs: FakePciSysfs, state_dir: Path) -> Callable[..., HelperRun]:
    """Run the real helper executable (its own shebang: /usr/bin/python3 -IEs) on the fake sysfs."""

    def run(*args: str, env: dict[str, str] | None = None, fake: bool = True) -> HelperRun:
        full_env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
        if fake:
            full_env["STAGEBOX_HELPER_SYSFS_ROOT"] = str(sysfs.root)
            full_env["STAGEBOX_HELPER_STATE_DIR"] = str(state_dir)
        full_env.update(env or {})
        proc = subprocess.run(
            [str(HELPER), *args], env=full_env, capture_output=True, text=True, timeout=30
        )
        return HelperRun(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture(scope="session")
def helper_module() -> ModuleType:
    """The helper imported in-process, to call its validator with values argv cannot carry."""
    loader = importlib.machinery.SourceFileLoader("stagebox_ehci_helper", str(HELPER))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


@contextlib.contextmanager
def system_lock() -> Iterator[None]:
    """One test run at a time may touch system paths (/dev/log, /run/dbus, /etc/polkit-1)."""
    os.makedirs("/run/lock", exist_ok=True)
    with open("/run/lock/stagebox-helper-tests.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class SyslogCatcher:
    """Receives what syslog(3) sends to /dev/log (a datagram socket), for assertions.

    A thread drains the socket all the time: a unix datagram queue holds only ~10 messages,
    and a full one would block every sender (pkexec logs too).
    """

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind("/dev/log")
        os.chmod("/dev/log", 0o666)
        self._received: list[str] = []
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                return
            if not data:
                return
            self._received.append(data.decode("utf-8", "replace"))

    def messages(self) -> list[str]:
        time.sleep(0.05)  # let the thread take what was already sent
        return list(self._received)

    def close(self) -> None:
        self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self._thread.join(timeout=5)
        with contextlib.suppress(FileNotFoundError):
            os.unlink("/dev/log")


@pytest.fixture
def dev_log() -> Iterator[SyslogCatcher]:
    """Catch syslog messages on /dev/log, only when this machine has no logger there."""
    if not IS_ROOT:
        pytest.skip("needs root to listen on /dev/log; CI runs as root")
    with system_lock():
        if os.path.lexists("/dev/log"):
            pytest.skip("a real syslog/journald owns /dev/log here; not replacing it")
        try:
            catcher = SyslogCatcher()
        except OSError as exc:  # another process took /dev/log just now
            pytest.skip(f"cannot listen on /dev/log: {exc.strerror}")
        try:
            yield catcher
        finally:
            catcher.close()
