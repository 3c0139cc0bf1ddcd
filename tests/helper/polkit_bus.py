"""A real polkitd on a private system bus, with the Stagebox policy and helper installed.

Recipe: shared/docs/real-components.md §5. pkexec is setuid and ignores
DBUS_SYSTEM_BUS_ADDRESS, so /run/dbus/system_bus_socket must point at the private bus; the
policy must sit in /usr/share/polkit-1/actions/ and the helper at its exec.path. Everything
this puts on the system is recorded in an undo list and removed (or the previous file put
back) when the fixture ends, even after a failure.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

POLKITD = "/usr/lib/polkit-1/polkitd"
BUS_SOCKET = Path("/run/dbus/system_bus_socket")
ACTIONS_DIR = Path("/usr/share/polkit-1/actions")
RULES_DIR = Path("/etc/polkit-1/rules.d")
HELPER_DIR = Path("/usr/libexec/stagebox")
ACTION_ID = "org.stagebox.ehci.unbind"

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
"""

# Lets user nobody (and only nobody) use the Stagebox action without a password, so the test
# can run the unprivileged -> pkexec -> helper path without an authentication agent.
TEST_RULES = """// Stagebox test suite: removed when the test ends.
polkit.addRule(function(action, subject) {
    if (action.id == "ACTION_ID" && subject.user == "nobody") {
        return polkit.Result.YES;
    }
});
""".replace("ACTION_ID", ACTION_ID)


@dataclass
class PolkitBus:
    tmp: Path
    address: str = ""
    _undo: list[Callable[[], None]] = field(default_factory=list)
    _procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    # -- putting things in place, each with its undo ----------------------------------------
    def place(self, target: Path, install: Callable[[], None]) -> None:
        """Run ``install`` (which creates ``target``); afterwards restore what was there."""
        saved: Path | None = None
        if os.path.lexists(target):
            saved = self.tmp / ("saved-" + target.name)
            shutil.move(str(target), saved)  # moves a symlink as a symlink

        def restore() -> None:
            if os.path.lexists(target):
                target.unlink()
            if saved is not None:
                shutil.move(str(saved), target)

        self._undo.append(restore)
        install()

    def make_dir(self, path: Path) -> None:
        if not path.exists():
            path.mkdir(parents=True)
            self._undo.append(lambda: shutil.rmtree(path, ignore_errors=True))

    def start(self, argv: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            argv,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._procs.append(proc)
        return proc

    def close(self) -> None:
        for proc in reversed(self._procs):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
            if proc.stdout:
                proc.stdout.close()
        for undo in reversed(self._undo):
            undo()

    # -- use ---------------------------------------------------------------------------------
    def env(self) -> dict[str, str]:
        return {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "DBUS_SYSTEM_BUS_ADDRESS": self.address}

    def wait_for_action(self, timeout: float = 10.0) -> None:
        """polkitd reloads actions through inotify; wait until ours is known."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            proc = subprocess.run(
                ["pkaction", "--action-id", ACTION_ID],
                env=self.env(),
                capture_output=True,
                timeout=10,
            )
            if proc.returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError(f"polkitd did not load {ACTION_ID}")


def start_polkit_bus(tmp: Path, policy: Path, helper: Path) -> Iterator[PolkitBus]:
    bus = PolkitBus(tmp)
    try:
        socket_path = tmp / "system_bus_socket"
        (tmp / "bus.conf").write_text(BUS_CONFIG.format(socket=socket_path))
        daemon = bus.start(
            ["dbus-daemon", "--config-file", str(tmp / "bus.conf"), "--nofork", "--print-address"]
        )
        assert daemon.stdout is not None
        bus.address = daemon.stdout.readline().decode().strip()
        if not bus.address:
            raise RuntimeError("the private dbus-daemon did not start")
        os.chmod(tmp, 0o755)  # users (nobody, polkitd) must reach the socket
        bus.start([POLKITD, "--no-debug"], env=bus.env())

        bus.place(
            ACTIONS_DIR / policy.name, lambda: shutil.copyfile(policy, ACTIONS_DIR / policy.name)
        )
        bus.make_dir(RULES_DIR)
        bus.make_dir(BUS_SOCKET.parent)
        rules = RULES_DIR / "00-stagebox-test.rules"
        bus.place(rules, lambda: rules.write_text(TEST_RULES))
        bus.place(BUS_SOCKET, lambda: BUS_SOCKET.symlink_to(socket_path))
        bus.make_dir(HELPER_DIR)
        installed = HELPER_DIR / helper.name

        def install_helper() -> None:
            shutil.copyfile(helper, installed)
            os.chown(installed, 0, 0)
            os.chmod(installed, 0o755)

        bus.place(installed, install_helper)
        bus.wait_for_action()
        yield bus
    finally:
        bus.close()
