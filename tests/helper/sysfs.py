"""A minimal fake PCI sysfs, laid out like the real one, for running the root helper on.

Real layout (capture 26 and driver-facts §1):
  /sys/devices/pci0000:00/0000:00:1a.7/{class,vendor,device,driver -> ../../../bus/pci/drivers/ehci-pci}
  /sys/bus/pci/devices/0000:00:1a.7 -> ../../../devices/pci0000:00/0000:00:1a.7
  /sys/bus/pci/drivers/ehci-pci/{0000:00:1a.7 -> ...,bind,new_id,remove_id,uevent,unbind}
The kernel reacts to writes into bind/unbind; here the files just keep what was written, and
:meth:`FakePciSysfs.kernel_unbinds` plays the kernel's part when a test needs it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

EHCI = "0x0c0320"
XHCI = "0x0c0330"
UHCI = "0x0c0300"
AUDIO = "0x040300"


@dataclass
class FakePciSysfs:
    root: Path

    @classmethod
    def create(cls, root: Path) -> FakePciSysfs:
        for sub in ("devices/pci0000:00", "bus/pci/devices", "bus/pci/drivers"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        return cls(root)

    def driver_dir(self, driver: str) -> Path:
        path = self.root / "bus/pci/drivers" / driver
        if not path.exists():
            path.mkdir(parents=True)
            for name in ("bind", "unbind", "new_id", "remove_id", "uevent"):
                (path / name).write_text("")
        return path

    def add_device(self, address: str, pci_class: str, driver: str | None = None) -> Path:
        device = self.root / "devices/pci0000:00" / address
        device.mkdir(parents=True)
        (device / "class").write_text(pci_class + "\n")
        (device / "vendor").write_text("0x8086\n")
        (self.root / "bus/pci/devices" / address).symlink_to(
            f"../../../devices/pci0000:00/{address}"
        )
        if driver is not None:
            self.bind(address, driver)
        return device

    def bind(self, address: str, driver: str) -> None:
        driver_dir = self.driver_dir(driver)
        device = self.root / "devices/pci0000:00" / address
        (device / "driver").symlink_to(f"../../../bus/pci/drivers/{driver}")
        (driver_dir / address).symlink_to(f"../../../../devices/pci0000:00/{address}")

    def kernel_unbinds(self, address: str, driver: str) -> None:
        """What the kernel does after a successful write to drivers/<driver>/unbind."""
        (self.root / "devices/pci0000:00" / address / "driver").unlink()
        (self.root / "bus/pci/drivers" / driver / address).unlink()

    def written(self, driver: str, name: str) -> str:
        return (self.root / "bus/pci/drivers" / driver / name).read_text()


def standard_machine(root: Path) -> FakePciSysfs:
    """An ICH-style laptop: EHCI (bound), an unbound EHCI, UHCI, xHCI and HDA audio."""
    sysfs = FakePciSysfs.create(root)
    sysfs.add_device("0000:00:1a.7", EHCI, "ehci-pci")
    sysfs.add_device("0000:00:1d.7", EHCI, None)
    sysfs.add_device("0000:00:1d.0", UHCI, "uhci_hcd")
    sysfs.add_device("0000:00:14.0", XHCI, "xhci_hcd")
    sysfs.add_device("0000:00:1b.0", AUDIO, "snd_hda_intel")
    os.chmod(root, 0o755)
    return sysfs
