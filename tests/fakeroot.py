"""Build fake machine trees (``proc/`` + ``sys/``) that mirror a real Linux sysfs layout.

Used by ``tests/fixtures/make_roots.py`` to (re)generate the checked-in trees under
``tests/fixtures/roots/`` and by tests that need a machine of their own::

    m = FakeMachine(tmp_path / "root", kernel="6.1.0-13-amd64")
    ehci = m.pci_controller("0000:00:1a.7", "ehci")
    dev = m.usb_device(ehci, port="1", usb_id="0644:8020", speed="480",
                       product="US-144MKII", manufacturer="TASCAM", drivers=[])
    m.alsa_card(0, "Intel", "HDA-Intel", "HDA Intel", "HDA Intel at 0xf7ff8000 irq 31",
                module="snd_hda_intel", pci=m.pci_device("0000:00:1b.0", "040300",
                "8086:1c20", driver="snd_hda_intel"),
                pcms=[Pcm(0, "ALC662 rev1 Analog", playback=True, capture=True)])
    m.finish()   # writes /proc/asound/{cards,devices,pcm,hwdep,modules,version}

Layout written (relative symlinks, as the kernel makes them):
``sys/devices/pci0000:00/<slot>/{class,vendor,device,driver->../../../bus/pci/drivers/X}``,
``.../usbN/N-P/{idVendor,idProduct,speed,busnum,devnum,product,manufacturer,serial}``,
``.../N-P/N-P:1.0/{bInterfaceClass,driver->.../bus/usb/drivers/X}``,
``sys/bus/{pci,usb}/devices/*`` links, ``sys/bus/*/drivers/X/{<dev> links,bind,unbind,module}``,
``sys/class/sound/cardN -> ../../devices/.../sound/cardN`` with ``id``, ``number``, ``device``,
``proc/asound/...``, ``proc/PID/comm`` and ``proc/sys/kernel/osrelease``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

HCD_DRIVERS = {"ehci": "ehci-pci", "uhci": "uhci_hcd", "ohci": "ohci-pci", "xhci": "xhci_hcd"}
HCD_CLASS = {"ehci": "0x0c0320", "uhci": "0x0c0300", "ohci": "0x0c0310", "xhci": "0x0c0330"}
ROOT_HUB = {"ehci": ("0002", "480"), "uhci": ("0001", "12"), "ohci": ("0001", "12")}
# driver name (as in sysfs) -> kernel module, when they differ only by - and _ we derive it
_DRIVER_MODULES = {"ehci-pci": "ehci_pci", "ohci-pci": "ohci_pci"}


@dataclass
class Pcm:
    device: int
    name: str
    playback: bool = False
    capture: bool = False
    subdevices: int = 1
    owner_pid: int | None = None  # holds the playback (else capture) substream open


@dataclass
class PciController:
    slot: str
    kind: str
    bus: int | None  # USB bus number of its root hub (None when no driver is bound)
    sys_path: str  # machine path under /sys/devices


@dataclass
class UsbDevice:
    name: str  # "1-1"
    usb_id: str
    busnum: int
    devnum: int
    sys_path: str
    interfaces: list[str] = field(default_factory=list)  # sysfs paths of its interfaces


@dataclass
class _Card:
    index: int
    id: str
    driver: str
    shortname: str
    longname: str
    module: str
    pcms: list[Pcm]
    hwdeps: list[str]
    midi: bool
    usb: UsbDevice | None


class FakeMachine:
    def __init__(
        self, path: Path, *, kernel: str | None = "6.1.0-13-amd64", alsa: bool = True
    ) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.alsa = alsa
        self.cards: list[_Card] = []
        self._next_bus = 1
        self._next_devnum: dict[int, int] = {}
        self.kernel = kernel
        if kernel is not None:
            self.write("/proc/sys/kernel/osrelease", kernel + "\n")
        self.mkdir("/sys/devices")
        self.mkdir("/sys/class/sound")
        self.mkdir("/sys/bus/pci/devices")
        self.mkdir("/sys/bus/usb/devices")

    # -- low-level file helpers -----------------------------------------------------------
    def real(self, machine_path: str) -> Path:
        return self.path / machine_path.lstrip("/")

    def write(self, machine_path: str, text: str) -> Path:
        target = self.real(machine_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def mkdir(self, machine_path: str) -> Path:
        target = self.real(machine_path)
        target.mkdir(parents=True, exist_ok=True)
        return target

    def link(self, machine_path: str, machine_target: str) -> None:
        """A relative symlink at ``machine_path`` to ``machine_target`` (both machine paths)."""
        link = self.real(machine_path)
        link.parent.mkdir(parents=True, exist_ok=True)
        relative = os.path.relpath(machine_target, os.path.dirname(machine_path))
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(relative)

    def _attrs(self, directory: str, attrs: dict[str, str | None]) -> None:
        for name, value in attrs.items():
            if value is not None:
                self.write(f"{directory}/{name}", f"{value}\n")

    def _driver(self, bus: str, driver: str, device_path: str, device_name: str) -> None:
        drv = f"/sys/bus/{bus}/drivers/{driver}"
        for control in ("bind", "unbind", "uevent") + (
            ("new_id", "remove_id") if bus == "pci" else ()
        ):
            if not self.real(f"{drv}/{control}").exists():
                self.write(f"{drv}/{control}", "")
        module = _DRIVER_MODULES.get(driver, driver.replace("-", "_"))
        # a loaded module's sysfs folder always holds initstate ("live"); it also keeps the
        # folder in git, which does not track empty directories
        self.write(f"/sys/module/{module}/initstate", "live\n")
        self.link(f"{drv}/module", f"/sys/module/{module}")
        self.link(f"{drv}/{device_name}", device_path)
        self.link(f"{device_path}/driver", drv)

    # -- PCI ------------------------------------------------------------------------------
    def pci_device(
        self, slot: str, class_code: str, vendor_device: str, driver: str | None = None
    ) -> str:
        """A PCI function; returns its machine path under /sys/devices."""
        path = f"/sys/devices/pci{slot[:7]}/{slot}"
        vendor, device = vendor_device.split(":")
        klass = class_code if class_code.startswith("0x") else "0x" + class_code
        self._attrs(path, {"class": klass, "vendor": "0x" + vendor, "device": "0x" + device})
        self.link(f"/sys/bus/pci/devices/{slot}", path)
        if driver:
            self._driver("pci", driver, path, slot)
        return path

    def pci_controller(
        self,
        slot: str,
        kind: str,
        vendor_device: str = "8086:1c2d",
        *,
        bound: bool = True,
        driver: str | None = None,
        bus: int | None = None,
    ) -> PciController:
        """A USB host controller (ehci/uhci/ohci/xhci); bound ones get a root hub (bus)."""
        driver = driver or HCD_DRIVERS[kind]
        path = self.pci_device(slot, HCD_CLASS[kind], vendor_device, driver if bound else None)
        if not bound:
            self.mkdir(f"/sys/bus/pci/drivers/{driver}")
            for control in ("bind", "unbind", "new_id", "remove_id", "uevent"):
                self.write(f"/sys/bus/pci/drivers/{driver}/{control}", "")
            return PciController(slot, kind, None, path)
        if bus is not None:
            self._next_bus = bus
        buses = [self._root_hub(path, kind, "0002" if kind == "xhci" else None)]
        if kind == "xhci":  # xHCI registers a USB 2 and a USB 3 root hub
            buses.append(self._root_hub(path, kind, "0003"))
        return PciController(slot, kind, buses[0], path)

    def _root_hub(self, controller_path: str, kind: str, product: str | None) -> int:
        bus = self._next_bus
        self._next_bus += 1
        self._next_devnum[bus] = 2
        hub_product, speed = ROOT_HUB.get(kind, ("0002", "480"))
        if product == "0003":
            hub_product, speed = "0003", "5000"
        elif product:
            hub_product = product
        path = f"{controller_path}/usb{bus}"
        self._attrs(
            path,
            {
                "idVendor": "1d6b",
                "idProduct": hub_product,
                "speed": speed,
                "busnum": str(bus),
                "devnum": "1",
                "bDeviceClass": "09",
                "product": f"{kind.upper()} Host Controller",
            },
        )
        self.link(f"/sys/bus/usb/devices/usb{bus}", path)
        self._driver("usb", "usb", path, f"usb{bus}")
        return bus

    # -- USB ------------------------------------------------------------------------------
    def usb_device(
        self,
        controller: PciController,
        *,
        usb_id: str,
        port: str = "1",
        speed: str = "480",
        product: str | None = None,
        manufacturer: str | None = None,
        serial: str | None = None,
        drivers: list[str] | None = None,
        interface_class: str = "01",
        devnum: int | None = None,
        bus: int | None = None,
    ) -> UsbDevice:
        """A USB device on ``controller``'s root hub at ``port`` ("1" or "1.4" behind a hub).

        ``drivers`` lists the driver bound to each interface (None entries: unbound).
        """
        bus = bus if bus is not None else controller.bus
        if bus is None:
            raise ValueError(f"controller {controller.slot} has no driver, so no USB bus")
        name = f"{bus}-{port}"
        parent = f"{controller.sys_path}/usb{bus}"
        for depth in range(1, port.count(".") + 1):  # hubs in between
            parent = f"{parent}/{bus}-{'.'.join(port.split('.')[:depth])}"
        path = f"{parent}/{name}"
        if devnum is None:
            devnum = self._next_devnum.get(bus, 2)
        self._next_devnum[bus] = max(self._next_devnum.get(bus, 2), devnum) + 1
        vendor, prod = usb_id.split(":")
        self._attrs(
            path,
            {
                "idVendor": vendor,
                "idProduct": prod,
                "speed": speed,
                "busnum": str(bus),
                "devnum": str(devnum),
                "product": product,
                "manufacturer": manufacturer,
                "serial": serial,
                "bDeviceClass": "00",
            },
        )
        self.link(f"/sys/bus/usb/devices/{name}", path)
        self._driver("usb", "usb", path, name)
        device = UsbDevice(name, usb_id, bus, devnum, path)
        for number, driver in enumerate(drivers if drivers is not None else [None]):
            iface = f"{name}:1.{number}"
            iface_path = f"{path}/{iface}"
            self._attrs(
                iface_path,
                {"bInterfaceClass": interface_class, "bInterfaceNumber": f"{number:02x}"},
            )
            self.link(f"/sys/bus/usb/devices/{iface}", iface_path)
            if driver:
                self._driver("usb", driver, iface_path, iface)
            device.interfaces.append(iface_path)
        return device

    # -- ALSA -----------------------------------------------------------------------------
    def usb_audio_card(
        self,
        controller: PciController,
        index: int,
        card_id: str,
        *,
        usb_id: str,
        port: str,
        shortname: str,
        longname: str,
        playback: bool = True,
    ) -> None:
        """A snd-usb-audio card with one "USB Audio" PCM on a high-speed device at ``port``;
        ``longname`` is the text before snd-usb-audio's " at usb-<controller>-<port>"."""
        device = self.usb_device(controller, usb_id=usb_id, port=port, product=shortname)
        self.alsa_card(
            index,
            card_id,
            "USB-Audio",
            shortname,
            f"{longname} at usb-{controller.slot}-{port}, high speed",
            module="snd_usb_audio",
            usb=device,
            pcms=[Pcm(0, "USB Audio", playback, True)],
        )

    def alsa_card(
        self,
        index: int,
        card_id: str,
        driver: str,
        shortname: str,
        longname: str,
        *,
        module: str,
        usb: UsbDevice | None = None,
        pci: str | None = None,
        pcms: list[Pcm] | None = None,
        hwdeps: list[str] | None = None,
        midi: bool = False,
        usbid_file: bool | None = None,
        stream0: str | None = None,
    ) -> None:
        """An ALSA card: /proc/asound/cardN/... and /sys/class/sound/cardN.

        ``usbid_file`` defaults to True for snd_usb_audio (only that driver writes
        /proc/asound/cardN/usbid and usbbus).
        """
        pcms = pcms or []
        card = _Card(
            index, card_id, driver, shortname, longname, module, pcms, hwdeps or [], midi, usb
        )
        self.cards.append(card)
        proc = f"/proc/asound/card{index}"
        self.write(f"{proc}/id", card_id + "\n")
        self.link(f"/proc/asound/{card_id}", proc)
        if usbid_file is None:
            usbid_file = module == "snd_usb_audio"
        if usb is not None and usbid_file:
            self.write(f"{proc}/usbid", usb.usb_id + "\n")
            self.write(f"{proc}/usbbus", f"{usb.busnum:03d}/{usb.devnum:03d}\n")
        if stream0 is not None:
            self.write(f"{proc}/stream0", stream0)
        for pcm in pcms:
            for direction, present in (("p", pcm.playback), ("c", pcm.capture)):
                if present:
                    self._pcm_dir(index, pcm, direction)
        if midi:
            self.write(f"{proc}/midi0", f"{shortname}\n\nOutput 0\n  Tx bytes     : 0\n")
        parent = usb.interfaces[0] if usb is not None and usb.interfaces else pci
        if parent is None:
            parent = "/sys/devices/virtual"
        sound = f"{parent}/sound/card{index}"
        self._attrs(sound, {"id": card_id, "number": str(index)})
        if parent != "/sys/devices/virtual":
            self.link(f"{sound}/device", parent)
        self.link(f"/sys/class/sound/card{index}", sound)
        for pcm in pcms:
            for direction, present in (("p", pcm.playback), ("c", pcm.capture)):
                if present:
                    node = f"pcmC{index}D{pcm.device}{direction}"
                    self._attrs(f"{sound}/{node}", {"dev": "116:0"})
                    self.link(f"/sys/class/sound/{node}", f"{sound}/{node}")

    def _pcm_dir(self, index: int, pcm: Pcm, direction: str) -> None:
        base = f"/proc/asound/card{index}/pcm{pcm.device}{direction}"
        stream = "PLAYBACK" if direction == "p" else "CAPTURE"
        owner = pcm.owner_pid if direction == ("p" if pcm.playback else "c") else None
        self.write(
            f"{base}/info",
            f"card: {index}\ndevice: {pcm.device}\nsubdevice: 0\nstream: {stream}\n"
            f"id: {pcm.name}\nname: {pcm.name}\nsubname: subdevice #0\nclass: 0\n"
            f"subclass: 0\nsubdevices_count: {pcm.subdevices}\n"
            f"subdevices_avail: {pcm.subdevices - (1 if owner else 0)}\n",
        )
        for sub in range(pcm.subdevices):
            status = "closed\n"
            if owner and sub == 0:
                status = (
                    "state: RUNNING\n"
                    f"owner_pid   : {owner}\n"
                    "trigger_time: 1234.567890123\ntstamp      : 1240.000000000\n"
                    "delay       : 512\navail       : 512\navail_max   : 1024\n-----\n"
                    "hw_ptr      : 262144\nappl_ptr    : 262656\n"
                )
            self.write(f"{base}/sub{sub}/status", status)

    def process(self, pid: int, comm: str) -> None:
        self.write(f"/proc/{pid}/comm", comm + "\n")

    # -- global /proc/asound files ------------------------------------------------------------
    def finish(self) -> Path:
        """Write the global /proc/asound files from the cards added so far."""
        if not self.alsa:
            return self.path
        cards = sorted(self.cards, key=lambda c: c.index)
        lines = []
        for c in cards:
            lines.append(f"{c.index:2d} [{c.id:<15s}]: {c.driver} - {c.shortname}")
            lines.append(" " * 22 + c.longname[:79])
        self.write(
            "/proc/asound/cards", "\n".join(lines) + "\n" if lines else "--- no soundcards ---\n"
        )
        self.write("/proc/asound/modules", "".join(f"{c.index:2d} {c.module}\n" for c in cards))
        self.write(
            "/proc/asound/version",
            f"Advanced Linux Sound Architecture Driver Version k{self.kernel or '6.1.0'}.\n",
        )
        pcm_lines, hwdep_lines, device_lines = [], [], ["  1:        : sequencer"]
        minor = 2
        for c in cards:
            device_lines.append(f"{minor:3d}: [{c.index:2d}]   : control")
            minor += 1
            for h, name in enumerate(c.hwdeps):
                hwdep_lines.append(f"{c.index:02d}-{h:02d}: {name}")
                device_lines.append(f"{minor:3d}: [{c.index:2d}-{h:2d}]: hardware dependent")
                minor += 1
            if c.midi:
                device_lines.append(f"{minor:3d}: [{c.index:2d}- 0]: raw midi")
                minor += 1
            for p in c.pcms:
                parts = [f"{c.index:02d}-{p.device:02d}: {p.name} : {p.name}"]
                if p.playback:
                    parts.append(f"playback {p.subdevices}")
                    device_lines.append(
                        f"{minor:3d}: [{c.index:2d}-{p.device:2d}]: digital audio playback"
                    )
                    minor += 1
                if p.capture:
                    parts.append(f"capture {p.subdevices}")
                    device_lines.append(
                        f"{minor:3d}: [{c.index:2d}-{p.device:2d}]: digital audio capture"
                    )
                    minor += 1
                pcm_lines.append(" : ".join(parts))
        device_lines.append(f"{minor:3d}:        : timer")
        self.write("/proc/asound/pcm", "".join(line + "\n" for line in pcm_lines))
        self.write("/proc/asound/hwdep", "".join(line + "\n" for line in hwdep_lines))
        self.write("/proc/asound/devices", "".join(line + "\n" for line in device_lines))
        return self.path
