"""Machine-level lines: ``lsmod``, kernel release (``uname``, dmesg banner), dmesg USB lines,
``ls`` of sysfs PCI driver folders and ``echo ... > .../unbind``, jackd logs, and
"No such file or directory" answers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from stagebox.core.capture.listing import Listing, runs
from stagebox.core.capture.sections import Block
from stagebox.core.facts import ProbeFailure
from stagebox.core.procfs import normalize_module, normalize_usb_id

# -- lsmod ------------------------------------------------------------------------------------

_LSMOD_LINE = re.compile(r"^\s*([A-Za-z_][\w-]*)\s+(\d+)\s+(\d+|-)(?:\s+\S+)?\s*$")
_LSMOD_HEADER = re.compile(r"^\s*Module\s+Size\s+Used by\s*$")
_BARE_MODULE = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*$")


def find_lsmod_listings(blocks: list[Block]) -> list[Listing[list[str]]]:
    """lsmod output, and alsa-info "All Loaded Modules" (bare names in old versions).
    A listing filtered through grep is marked incomplete."""
    found: list[Listing[list[str]]] = []
    for block in blocks:
        bare_ok = block.origin == "alsa-info" and block.says(r"^All Loaded Modules")

        def member(text: str, bare_ok: bool = bare_ok) -> bool:
            return bool(
                _LSMOD_LINE.match(text)
                or _LSMOD_HEADER.match(text)
                or (bare_ok and _BARE_MODULE.match(text))
            )

        for lines, cut in runs(block.lines, member):
            names = []
            for line in lines:
                m = _LSMOD_LINE.match(line.text) or (bare_ok and _BARE_MODULE.match(line.text))
                if m and not _LSMOD_HEADER.match(line.text) and m.group(1) != "Module":
                    names.append(normalize_module(m.group(1)))
            if len(names) < 2 and not bare_ok and not block.says(r"\blsmod\b"):
                continue  # one "word 123 0" line is no module list
            listing = Listing("lsmod", lines[0].number, names, not cut, block.title)
            if block.says(r"\|\s*grep"):
                listing.complete = False
            found.append(listing)
    return found


# -- kernel release ------------------------------------------------------------------------------

_RELEASE = r"(\d+\.\d+(?:\.\d+)?(?:[-+~_][\w.+~-]*)?)"
_RELEASE_LINE = re.compile(rf"^\s*{_RELEASE}\s*$")
_STANDALONE_RELEASE = re.compile(r"^\s*([2-9]\.\d+\.\d+-[\w.+~-]+)\s*$")
_UNAME_A = re.compile(rf"^\s*Linux\s+\S+\s+{_RELEASE}\s+#")
_BANNER = re.compile(rf"Linux version {_RELEASE}\s")
# /proc/asound/version, second line: "Compiled on Oct  4 2010 for kernel 2.6.32-25-generic-pae (SMP)."
_COMPILED_FOR = re.compile(rf"^\s*Compiled on .*? for kernel {_RELEASE}")
_KERNEL_RELEASE = re.compile(r"^\s*Kernel release:(.*)$")
# A release written in prose: three numbers, with the distribution's suffix if any
# ("2.6.32-24-generic", "6.1.0-13-amd64", "2.6.31-rc9"), ending the word (a full stop too)
_PROSE_NUMBER = r"v?(\d+\.\d+\.\d+(?:-[\w.+~-]*[\w+~])?)(?=$|[\s,;)!?]|\.(?:\s|$))"
# "Using kernel 2.6.32-24-generic", "kernel version: 5.15.0-76-generic", "Linux 6.1.0-13-amd64"
# (not "linux-image-...", "Linux Mint 21.1", "kernel module ...", an ALSA or package version)
_PROSE_KERNEL = re.compile(
    r"(?<![\w./-])(?:[Kk]ernel|KERNEL|Linux)(?:\s+(?:version|release|is|now))*\s*:?\s+"
    + _PROSE_NUMBER
)
# "uname -r says 5.15.0-76-generic", "uname -a: Linux box 6.1.0-13-amd64 #1 SMP ..."
_UNAME_INLINE = re.compile(r"\buname\s+-r\b[^\d\n]{0,12}?" + _PROSE_NUMBER)
_UNAME_A_INLINE = re.compile(rf"(?<![\w-])Linux\s+\S+\s+{_RELEASE}\s+#\d")


@dataclass
class KernelFact:
    release: str
    source: str  # "uname", "alsa-info", "dmesg", "bare line", "prose"


def find_kernel_facts(blocks: list[Block], notes: list[str]) -> list[Listing[KernelFact]]:
    found: list[Listing[KernelFact]] = []
    for block in blocks:
        uname = block.says(r"\buname\b")
        for line in block.lines:
            text = line.text
            fact: KernelFact | None = None
            stated = _KERNEL_RELEASE.match(text)
            if stated:
                # the release is one word (a paste that lost its line breaks goes on)
                value = (stated.group(1).split() or [""])[0]
                if re.match(rf"^{_RELEASE}$", value):
                    fact = KernelFact(value, "alsa-info")
                elif value:
                    notes.append(
                        f"'Kernel release: {value[:60]}' is not a kernel release; not used"
                    )
            elif (m := _UNAME_A.match(text)) or (uname and (m := _RELEASE_LINE.match(text))):
                fact = KernelFact(m.group(1), "uname")
            elif (m := _BANNER.search(text)) or (m := _COMPILED_FOR.match(text)):
                fact = KernelFact(m.group(1), "dmesg")
            elif block.origin in ("start", "mention", "fence") and (
                m := _STANDALONE_RELEASE.match(text)
            ):
                fact = KernelFact(m.group(1), "bare line")
            elif (m := _UNAME_A_INLINE.search(text)) or (m := _UNAME_INLINE.search(text)):
                fact = KernelFact(m.group(1), "uname")
            elif m := _PROSE_KERNEL.search(text):
                fact = KernelFact(m.group(1), "prose")
            if fact:
                found.append(Listing("kernel", line.number, fact, title=block.title))
    return found


# -- dmesg ---------------------------------------------------------------------------------------

_TIMESTAMP = re.compile(r"^\s*(?:<\d>)?\[\s*\d+\.\d+\]\s*")
# "usb 8-2: new full speed USB device using uhci_hcd and address 8"
# "usb 1-4: new high-speed USB device number 3 using ehci-pci"
_NEW_DEVICE = re.compile(
    r"usb (\d+)-([\d.]+): new (low|full|high|super|SuperSpeed(?: Plus)?|wireless)[ -]speed "
    r"(?:\w+ )?(?:USB )?device (?:number (\d+) )?using ([\w-]+)(?: and address (\d+))?",
    re.IGNORECASE,
)
_NEW_IDS = re.compile(
    r"usb (\d+)-([\d.]+): New USB device found, idVendor=([0-9a-fA-F]{4}), idProduct=([0-9a-fA-F]{4})"
)
# "usb 1-1.2: Product: US-144MKII", "usb 1-1.2: Manufacturer: TASCAM"
_STRING = re.compile(r"usb (\d+)-([\d.]+): (Product|Manufacturer): (.+?)\s*$")
_BUS_CONTROLLER = re.compile(
    r"(?<![\w-])([\w-]+) ((?:[0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]): "
    r"(?:new USB bus registered, assigned bus number|USB bus) (\d+)"
)
_SYSFS_BUS = re.compile(
    r"/devices/pci[\w:]+/(?:[\w:.]+/)*?([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])/usb(\d+)/"
)
_HCD_REMOVE = re.compile(
    r"(?<![\w-])([\w-]+) ((?:[0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]): remove\b"
)
_DRIVER_HINT = re.compile(r"disable ehci[-_]hcd", re.IGNORECASE)
# "snd-usb-us122l: probe of 1-6:1.1 failed with error -22" (drivers/base/dd.c, older kernels)
_PROBE_OF = re.compile(r"(?<![\w-])([\w-]+): probe of (\S+) failed with error (-?\d+)")
# "snd-usb-us122l 1-6:1.1: probe with driver snd-usb-us122l failed with error -22" (newer)
_PROBE_WITH = re.compile(
    r"(?<![\w-])[\w-]+ (\S+): probe with driver ([\w-]+) failed with error (-?\d+)"
)
# a USB audio driver's own complaint before it gives up: "8: cannot set freq 44100 to ep
# 0x81" (us122l.c, the device number first), "usb 1-6: cannot set freq ...",
# "us122l_set_sample_rate error"
_PROBE_DETAIL = re.compile(
    r"^(?:\d+(?::\d+){0,2}: |usb \d+-[\d.]+: |[\w-]+ \d+-[\d.]+:[\d.]+: )?"
    r"(cannot (?:set|get|init|create|find|submit|claim|allocate)\b.*|\w+_set_sample_rate error)\s*$"
)


@dataclass
class DmesgUsbDevice:
    bus: int
    port_path: str  # "8-2"
    speed: str | None = None
    address: int | None = None
    hcd: str | None = None
    usb_id: str | None = None
    product: str | None = None
    manufacturer: str | None = None

    @property
    def name(self) -> str | None:
        """ "TASCAM US-144MKII", as lsusb would name it from the device's own strings."""
        words = [w for w in (self.manufacturer, self.product) if w]
        return " ".join(words) or None


@dataclass
class DmesgFacts:
    devices: dict[str, DmesgUsbDevice] = field(default_factory=dict)  # port path -> device
    bus_controllers: dict[int, str] = field(default_factory=dict)  # bus -> PCI address
    removed_controllers: list[tuple[str, str]] = field(default_factory=list)  # (driver, pci)
    messages: list[str] = field(default_factory=list)
    probe_failures: list[ProbeFailure] = field(default_factory=list)


_SPEED_WORD = {"superspeed": "super", "superspeed plus": "super_plus"}


def find_dmesg(blocks: list[Block]) -> DmesgFacts:
    """USB facts from kernel log lines, wherever they are in the paste (later lines win,
    the kernel re-announces a device after a re-plug)."""
    facts = DmesgFacts()
    for block in blocks:
        said: list[str] = []  # a driver's complaints since the last probe failure
        for line in block.lines:
            text = _TIMESTAMP.sub("", line.text)
            if m := _PROBE_DETAIL.match(text.strip()):
                said.append(m.group(1).strip())
            elif failure := _probe_failure(text, "; ".join(said[-2:]) or None):
                facts.probe_failures.append(failure)
                said = []
            if m := _NEW_DEVICE.search(text):
                bus, port = int(m.group(1)), f"{m.group(1)}-{m.group(2)}"
                word = m.group(3).lower()
                address = m.group(4) or m.group(6)
                facts.devices[port] = DmesgUsbDevice(
                    bus,
                    port,
                    _SPEED_WORD.get(word, word if word != "wireless" else None),
                    int(address) if address else None,
                    m.group(5),
                )
            elif m := _NEW_IDS.search(text):
                port = f"{m.group(1)}-{m.group(2)}"
                device = facts.devices.setdefault(port, DmesgUsbDevice(int(m.group(1)), port))
                device.usb_id = normalize_usb_id(m.group(3), m.group(4))
            elif m := _STRING.search(text):
                port = f"{m.group(1)}-{m.group(2)}"
                device = facts.devices.setdefault(port, DmesgUsbDevice(int(m.group(1)), port))
                setattr(device, m.group(3).lower(), m.group(4))
            if m := _BUS_CONTROLLER.search(text):
                facts.bus_controllers[int(m.group(3))] = _domain(m.group(2))
            if m := _SYSFS_BUS.search(text):
                facts.bus_controllers[int(m.group(2))] = m.group(1)
            if m := _HCD_REMOVE.search(text):
                facts.removed_controllers.append((m.group(1), _domain(m.group(2))))
            if _DRIVER_HINT.search(text):
                facts.messages.append(text.strip())
    return facts


def _probe_failure(text: str, detail: str | None) -> ProbeFailure | None:
    if m := _PROBE_OF.search(text):
        driver, device, error = m.group(1), m.group(2), m.group(3)
    elif m := _PROBE_WITH.search(text):
        device, driver, error = m.group(1), m.group(2), m.group(3)
    else:
        return None
    return ProbeFailure(driver, device, -abs(int(error)), detail, m.group(0).strip())


def _domain(slot: str) -> str:
    return slot if slot.count(":") == 2 else "0000:" + slot


# -- sysfs PCI driver folders and unbind -------------------------------------------------------

_DRIVER_DIR = re.compile(r"/sys/bus/pci/drivers/([\w.-]+)/?(?:\s|$)")
_PCI_ADDR = re.compile(r"(?<![\w:])([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])(?![\w.])")
_UNBIND = re.compile(
    r"echo\s+(?:-n\s+)?[\"']?([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])[\"']?.*?"
    r"/sys/bus/pci/drivers/([\w.-]+)/(unbind|bind)"
)
_NO_SUCH = re.compile(r"'?(/[^\s':]+)'?:\s*No such file or directory")


@dataclass
class DriverFolder:
    driver: str
    addresses: list[str]
    missing: bool = False  # "No such file or directory": the driver is not loaded


def find_driver_folders(blocks: list[Block]) -> list[Listing[DriverFolder]]:
    found: list[Listing[DriverFolder]] = []
    for block in blocks:
        m = _DRIVER_DIR.search(block.title + " ") if block.says(r"^(sudo\s+)?ls\b") else None
        if not m:
            continue
        addresses: list[str] = []
        missing = False
        for line in block.lines:
            if "No such file or directory" in line.text:
                missing = True
            for address in _PCI_ADDR.findall(line.text.split("->")[0]):
                if address not in addresses:
                    addresses.append(address)
        start = block.lines[0].number if block.lines else block.number
        found.append(Listing("driver_folder", start, DriverFolder(m.group(1), addresses, missing)))
    return found


def find_unbinds(blocks: list[Block]) -> list[Listing[tuple[str, str, str]]]:
    """``echo ADDR > /sys/bus/pci/drivers/DRV/unbind`` -> (driver, address, "unbind"|"bind")."""
    found: list[Listing[tuple[str, str, str]]] = []
    for block in blocks:
        for text, number in [(block.title, block.number)] + [
            (line.text, line.number) for line in block.lines
        ]:
            m = _UNBIND.search(text)
            if m:
                found.append(Listing("unbind", number, (m.group(2), m.group(1), m.group(3))))
    return found


def find_missing_files(blocks: list[Block]) -> list[Listing[str]]:
    """Paths a command answered with "No such file or directory"."""
    found: list[Listing[str]] = []
    for block in blocks:
        for line in block.lines:
            if "No such file or directory" not in line.text:
                continue
            m = _NO_SUCH.search(line.text)
            if m and m.group(1).startswith(("/proc", "/sys", "/dev", "/etc", "/home", "~")):
                found.append(Listing("missing", line.number, m.group(1)))
    return found


# -- firmware loaders (hdsploader, usx2yloader, fxload) --------------------------------------------

_FIRMWARE_LINE = re.compile(
    r"^\s*(Firmware uploaded for card \S+|Unable to open file '[^']*firmware[^']*'.*"
    r"|Upload firmware for card \S+)\s*$"
)


def find_firmware_messages(blocks: list[Block]) -> list[str]:
    """What a firmware loader said, in paste order (the last line tells the outcome)."""
    return [
        m.group(1)
        for block in blocks
        for line in block.lines
        if (m := _FIRMWARE_LINE.match(line.text))
    ]


# -- jackd logs ----------------------------------------------------------------------------------

_JACK_COMMAND = re.compile(r"(?:^|[\s/])jackd(?:bus)?\b")
_JACK_LINE = re.compile(
    r"^\s*(?:\d\d:\d\d:\d\d\.\d+\s+)?(?:jackd(?:mp)? \d|JACK server|Jack: |creating alsa driver"
    r"|Couldn't configure usb_stream|cannot load driver module|ALSA: |Cannot open PCM device)"
)


def find_jack_log(blocks: list[Block]) -> list[str]:
    """Output of jackd/jackdbus commands (with the command as first line), plus stray jackd
    log lines pasted without their command."""
    log: list[str] = []
    for block in blocks:
        body = [line.text for line in block.lines if line.number != block.number]
        if block.origin in ("prompt", "mention") and _JACK_COMMAND.search(block.title):
            content = [text for text in body if text.strip()]
            if content:
                log.append(f"$ {block.title}")
                log.extend(content)
            continue
        log.extend(text for text in body if _JACK_LINE.match(text))
    return log
