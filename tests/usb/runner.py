"""Run what the usb flow asks pkexec for, minus pkexec: the REAL helper, as root, on the
sysfs of a fake machine tree (the helper's test-only override, refused under pkexec)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from stagebox.core.usb import HELPER_PATH, CommandResult

REPO = Path(__file__).resolve().parents[2]
HELPER = REPO / "polkit" / "stagebox-ehci-helper"
EHCI = "0000:00:1a.7"

needs_root = pytest.mark.skipif(
    os.geteuid() != 0, reason="runs the real root helper, which refuses non-root; CI is root"
)


class DirectRunner:
    """Runs what the flow asks for, minus pkexec: the real helper as root on the fake sysfs."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.calls: list[list[str]] = []

    def __call__(self, argv: Sequence[str]) -> CommandResult:
        self.calls.append(list(argv))
        assert argv[0] == "pkexec" and argv[1] == HELPER_PATH
        env = {
            "PATH": "/usr/bin:/bin",
            "STAGEBOX_HELPER_SYSFS_ROOT": str(self.root / "sys"),
            "STAGEBOX_HELPER_STATE_DIR": str(self.root.parent / "helper-state"),
        }
        proc = subprocess.run(
            [str(HELPER), *argv[2:]], env=env, capture_output=True, text=True, timeout=30
        )
        return CommandResult(proc.returncode, proc.stdout, proc.stderr)

    def kernel_unbinds(self) -> None:
        """The kernel's part after the write: the driver lets go of the controller."""
        (self.root / f"sys/devices/pci0000:00/{EHCI}/driver").unlink()
        (self.root / f"sys/bus/pci/drivers/ehci-pci/{EHCI}").unlink()
