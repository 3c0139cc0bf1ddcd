"""Swappiness, file systems, IRQ sharing and /dev/cpu_dma_latency."""

from __future__ import annotations

from stagebox.core.checks.base import Status
from stagebox.core.checks.irq import check_irq_sharing, parse_interrupts
from stagebox.core.checks.power import check_cpu_dma_latency
from stagebox.core.checks.storage import check_filesystems, check_swappiness
from stagebox.core.model import Access, AlsaState, Card, DetectionResult, Kind

from tests.checks.tree import AUDIO_GID, Tree, assert_status

SWAPS_HEADER = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
SWAP_LINE = "/dev/nvme0n1p3                          partition\t8388604\t\t0\t\t-2\n"

# Old ICH chipset: the interface's EHCI shares IRQ 23 with a network card; MSI for xHCI.
INTERRUPTS = """\
           CPU0       CPU1
  0:         40          0   IO-APIC   2-edge      timer
 16:       1234          0   IO-APIC  16-fasteoi   uhci_hcd:usb3, i915
 23:      99999         12   IO-APIC  23-fasteoi   ehci_hcd:usb1, eth0
 27:          0       4211   PCI-MSI 327680-edge      xhci_hcd
 31:        600          0   PCI-MSI 442368-edge      snd_hda_intel:card0
NMI:          0          0   Non-maskable interrupts
"""


def _card(controller: str) -> DetectionResult:
    card = Card(
        index=1,
        id="US122L",
        driver="USB US-122L",
        name="TASCAM US-122L",
        longname=None,
        module="snd_usb_us122l",
        usb_id="0644:800e",
        model="Tascam US-122L",
        kind=Kind.INTERFACE,
        access=Access.USB_STREAM,
        playback=True,
        capture=True,
        jack_device="usb_stream_us122l",
        family="us122l",
        controller=controller,
    )
    return DetectionResult(alsa=AlsaState.LOADED, kernel="6.1.0", cards=[card])


def test_swappiness(tree: Tree) -> None:
    tree.write("/proc/swaps", SWAPS_HEADER + SWAP_LINE)
    tree.write("/proc/sys/vm/swappiness", "60\n")
    result = assert_status(check_swappiness(tree.context()), Status.WARNING)
    assert result.reading == "swappiness 60, 1 swap area in use"
    assert "vm.swappiness = 10" in (result.fix or "")
    tree.write("/proc/sys/vm/swappiness", "10\n")
    assert_status(check_swappiness(tree.context()), Status.OK)


def test_swappiness_skipped_without_swap(tree: Tree) -> None:
    unreadable = assert_status(check_swappiness(tree.context()), Status.NOT_APPLICABLE)
    assert "not readable" in unreadable.reading
    tree.write("/proc/swaps", SWAPS_HEADER)
    tree.write("/proc/sys/vm/swappiness", "60\n")
    assert_status(check_swappiness(tree.context()), Status.NOT_APPLICABLE)


def test_filesystems(tree: Tree) -> None:
    local = (
        "/dev/nvme0n1p2 / ext4 rw,relatime 0 0\nproc /proc proc rw 0 0\n"
        "gvfsd-fuse /run/user/1000/gvfs fuse.gvfsd-fuse rw 0 0\n"
    )
    tree.write("/proc/mounts", local)
    assert_status(check_filesystems(tree.context()), Status.OK)
    tree.write(
        "/proc/mounts",
        local
        + "nas:/music /mnt/My\\040Music nfs4 rw 0 0\n/dev/sdb1 /srv/old reiserfs rw 0 0\n"
        + "/dev/sdc1 /media/usb fuseblk rw 0 0\n",
    )
    result = assert_status(check_filesystems(tree.context()), Status.WARNING)
    assert result.reading == (
        "mounted: /mnt/My Music (nfs4), /srv/old (reiserfs), /media/usb (fuseblk)"
    )


def test_parse_interrupts() -> None:
    lines = {line.number: line.handlers for line in parse_interrupts(INTERRUPTS)}
    assert lines[23] == ("ehci_hcd:usb1", "eth0")
    assert lines[27] == ("xhci_hcd",)
    assert lines[0] == ("timer",)
    assert "NMI" not in str(lines)


def test_irq_sharing_generic(tree: Tree) -> None:
    tree.write("/proc/interrupts", INTERRUPTS)
    result = assert_status(check_irq_sharing(tree.context()), Status.WARNING)
    assert "IRQ 23: ehci_hcd:usb1, eth0" in result.reading
    assert "IRQ 16: uhci_hcd:usb3, i915" in result.reading
    clean = "\n".join(
        line for line in INTERRUPTS.splitlines() if not line.startswith((" 16", " 23"))
    )
    tree.write("/proc/interrupts", clean + "\n")
    assert_status(check_irq_sharing(tree.context()), Status.OK)


def test_irq_sharing_of_the_interfaces_controller(tree: Tree) -> None:
    tree.write("/proc/interrupts", INTERRUPTS)
    tree.write("/sys/bus/pci/devices/0000:00:1d.7/irq", "23\n")
    tree.write("/sys/bus/pci/devices/0000:00:14.0/irq", "19\n")
    tree.write("/sys/bus/pci/devices/0000:00:14.0/msi_irqs/27", "msi\n")
    shared = assert_status(
        check_irq_sharing(tree.context(result=_card("0000:00:1d.7"))), Status.WARNING
    )
    assert shared.reading == "IRQ 23: ehci_hcd:usb1, eth0"  # IRQ 16 is not the interface's
    alone = assert_status(check_irq_sharing(tree.context(result=_card("0000:00:14.0"))), Status.OK)
    assert "IRQ 27" in alone.reading


def test_irq_not_readable(tree: Tree) -> None:
    assert_status(check_irq_sharing(tree.context()), Status.NOT_APPLICABLE)


def test_cpu_dma_latency(tree: Tree) -> None:
    assert_status(check_cpu_dma_latency(tree.context()), Status.NOT_APPLICABLE)
    path = tree.write("/dev/cpu_dma_latency", "", mode=0o600)
    import os

    owner = os.stat(path).st_uid
    group = os.stat(path).st_gid
    # not the owner, not in the file's group: mode 0600 keeps the user out
    result = assert_status(
        check_cpu_dma_latency(tree.context(uid=owner + 4242, gids=(group + 4242,))),
        Status.WARNING,
    )
    assert "udev" in (result.fix or "") and result.needs_root
    os.chmod(path, 0o660)
    assert_status(
        check_cpu_dma_latency(tree.context(uid=owner + 4242, gids=(group, AUDIO_GID))), Status.OK
    )
    assert_status(check_cpu_dma_latency(tree.context(uid=0)), Status.OK)
