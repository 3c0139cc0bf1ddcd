"""Pastes in forms the real captures do not show: only a kernel log and the card list (no
lsusb), lsusb -t of newer usbutils, a pro PCI card known only by its driver field.

Forum posts often show just ``dmesg | tail`` after plugging the interface in. The lines are
the kernel's own formats (drivers/usb/core/hub.c announces every device: "new high-speed
USB device number N using <hcd>", "New USB device found, idVendor=..., idProduct=...",
"Product: ...", "Manufacturer: ..."); the refusal is snd-usb-us122l's dev_err
("disable ehci-hcd to run US-144", shared/docs/driver-facts.md section 3).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

CARDS = """\
$ cat /proc/asound/cards
 0 [PCH            ]: HDA-Intel - HDA Intel PCH
                      HDA Intel PCH at 0xf7f10000 irq 30
"""


def kernel_log(hcd: str, *, bus_line: str = "") -> str:
    return f"""\
$ dmesg | tail
{bus_line}[ 1234.567890] usb 1-1.2: new high-speed USB device number 5 using {hcd}
[ 1234.700000] usb 1-1.2: New USB device found, idVendor=0644, idProduct=8020, bcdDevice= 1.00
[ 1234.700010] usb 1-1.2: New USB device strings: Mfr=1, Product=2, SerialNumber=0
[ 1234.700020] usb 1-1.2: Product: US-144MKII
[ 1234.700030] usb 1-1.2: Manufacturer: TASCAM
[ 1234.800000] snd-usb-us122l 1-1.2:1.0: disable ehci-hcd to run US-144
[ 1234.800100] snd-usb-us122l: probe of 1-1.2:1.0 failed with error -19
"""


@pytest.fixture
def detect_paste(run_cli, tmp_path: Path):
    def run(text: str) -> dict[str, Any]:
        paste = tmp_path / "paste.txt"
        paste.write_text(text)
        result = run_cli("detect", "--capture", str(paste), "--json")
        assert result.code == 0, result.err
        return json.loads(result.out)

    return run


def test_a_refused_us144mkii_is_found_in_the_kernel_log(detect_paste) -> None:
    data = detect_paste(kernel_log("ehci-pci") + CARDS)
    [missing] = data["usb_audio_without_card"]
    assert (missing["usb_id"], missing["model"]) == ("0644:8020", "Tascam US-144MKII")
    assert (missing["speed"], missing["port_path"]) == ("high", "1-1.2")
    assert "disable ehci-hcd" in missing["reason"] and "before Linux 6.18" in missing["reason"]
    codes = [f["code"] for f in data["findings"]]
    assert "ehci_unbind_required" in codes and "no_external_interface" not in codes


def test_the_bus_line_names_the_controller_to_unbind(detect_paste) -> None:
    bus = "[    1.000000] ehci-pci 0000:00:1a.0: new USB bus registered, assigned bus number 1\n"
    data = detect_paste(kernel_log("ehci-pci", bus_line=bus) + CARDS)
    assert data["usb_audio_without_card"][0]["controller"] == "0000:00:1a.0"
    fix = next(f["fix"] for f in data["findings"] if f["code"] == "ehci_unbind_required")
    assert "echo -n 0000:00:1a.0 > /sys/bus/pci/drivers/ehci-pci/unbind" in fix


def test_on_an_xhci_port_the_unbind_is_not_offered(detect_paste) -> None:
    """ "using xhci_hcd": a USB 3 controller, which has no USB 1.1 companion to fall back to."""
    data = detect_paste(kernel_log("xhci_hcd") + CARDS)
    codes = [f["code"] for f in data["findings"]]
    assert "xhci_only" in codes and "ehci_unbind_required" not in codes
    assert "USB 3 (xHCI)" in data["usb_audio_without_card"][0]["reason"]


def test_lsusb_stays_the_authority_when_present(detect_paste) -> None:
    """The kernel log may name devices unplugged since: with lsusb, only lsusb counts."""
    lsusb = "$ lsusb\nBus 001 Device 002: ID 8087:0024 Intel Corp. Integrated Rate Matching Hub\n"
    data = detect_paste(kernel_log("ehci-pci") + lsusb + CARDS)
    assert data["usb_audio_without_card"] == []


def lsusb_tree(root_driver: str) -> str:
    """lsusb -tv of usbutils >= 016: three-digit ports, "Driver=[none]", an ID line per node."""
    return f"""\
$ lsusb -tv
/:  Bus 001.Port 001: Dev 001, Class=root_hub, Driver={root_driver}, 480M
    ID 1d6b:0002 Linux Foundation 2.0 root hub
    |__ Port 002: Dev 005, If 0, Class=Vendor Specific Class, Driver=[none], 480M
        ID 0644:8020 TASCAM US-144MKII
    |__ Port 002: Dev 005, If 1, Class=Vendor Specific Class, Driver=[none], 480M
        ID 0644:8020 TASCAM US-144MKII
"""


def test_a_new_lsusb_tree_with_no_driver_bound(detect_paste) -> None:
    data = detect_paste(lsusb_tree("ehci-pci/3p") + CARDS)
    [missing] = data["usb_audio_without_card"]
    assert (missing["usb_id"], missing["speed"]) == ("0644:8020", "high")
    assert "ehci_unbind_required" in {f["code"] for f in data["findings"]}


def test_the_root_hub_driver_tells_an_xhci_bus(detect_paste) -> None:
    data = detect_paste(lsusb_tree("xhci_hcd/12p") + CARDS)
    codes = {f["code"] for f in data["findings"]}
    assert "xhci_only" in codes and "ehci_unbind_required" not in codes
    message = next(f["message"] for f in data["findings"] if f["code"] == "xhci_only")
    assert "EHCI" not in message  # no EHCI placeholder where there is no EHCI controller


def test_a_pro_pci_card_known_by_its_driver_field(detect_paste) -> None:
    """/proc/asound/cards alone (no module list): snd-ice1712 names its cards "ICE1712"."""
    cards = """\
$ cat /proc/asound/cards
 0 [M1010          ]: ICE1712 - M Audio Delta 1010
                      M Audio Delta 1010 at 0xb800, irq 20
 1 [Intel          ]: HDA-Intel - HDA Intel
                      HDA Intel at 0xfebf8000 irq 22
"""
    data = detect_paste(cards)
    kinds = {c["id"]: (c["kind"], c["family"]) for c in data["cards"]}
    assert kinds == {"M1010": ("interface", "pro_pci_card"), "Intel": ("onboard", "onboard")}
    assert data["cards"][0]["jack_device"] == "hw:M1010"


def test_a_firewire_interface_known_by_its_driver_field(detect_paste) -> None:
    """snd-dice names its cards "DICE"; without a module list that is what tells."""
    cards = """\
 0 [PCH            ]: HDA-Intel - HDA Intel PCH
                      HDA Intel PCH at 0xf7f10000 irq 30
 1 [SaffirePro40   ]: DICE - Saffire PRO 40
                      Focusrite Saffire PRO 40 (serial 12345) at fw1.0, S400
"""
    data = detect_paste(cards)
    assert {c["id"]: c["family"] for c in data["cards"]} == {
        "PCH": "onboard",
        "SaffirePro40": "firewire_interface",
    }


PROBE_FAILED_NEW_KERNEL = """\
$ sudo dmesg | tail
[  101.000000] usb 3-2: new high-speed USB device number 4 using xhci_hcd
[  101.200000] usb 3-2: New USB device found, idVendor=0644, idProduct=800e, bcdDevice= 1.00
[  101.200020] usb 3-2: Product: US-122L
[  103.300000] usb 3-2: cannot set freq 48000 to ep 0x81
[  103.400000] snd-usb-us122l 3-2:1.1: probe with driver snd-usb-us122l failed with error -110
"""


def test_a_failed_probe_in_the_newer_kernel_words(detect_paste) -> None:
    data = detect_paste(PROBE_FAILED_NEW_KERNEL + CARDS)
    [failed] = [f for f in data["findings"] if f["code"] == "driver_not_bound"]
    assert failed["usb_id"] == "0644:800e" and "Tascam US-122L (USB 0644:800e)" in failed["message"]
    assert "probe with driver snd-usb-us122l failed with error -110" in failed["message"]
    assert "ETIMEDOUT" in failed["message"] and "did not answer in time" in failed["message"]
    assert "cannot set freq 48000 to ep 0x81" in failed["message"]
    [missing] = data["usb_audio_without_card"]
    assert (missing["usb_id"], missing["port_path"]) == ("0644:800e", "3-2")
    assert "snd-usb-us122l failed to set it up (error -110" in missing["reason"]


def test_a_failed_probe_is_no_problem_once_its_card_is_shown(detect_paste) -> None:
    cards = CARDS + (
        " 1 [US122L         ]: USB US-122L - TASCAM US-122L\n"
        "                      TASCAM US-122L (644:800e if 0 at 003/005)\n"
    )
    data = detect_paste(PROBE_FAILED_NEW_KERNEL + cards)
    assert "driver_not_bound" not in {f["code"] for f in data["findings"]}
    assert data["usb_audio_without_card"] == []


def test_probe_failures_of_other_drivers_are_only_noted() -> None:
    from stagebox.core.capture import parse_capture

    text = (
        "[ 5.1] snd_hda_intel 0000:00:1f.3: probe with driver snd_hda_intel failed with error -16\n"
    )
    facts = parse_capture(text)
    [failure] = facts.probe_failures
    assert (failure.driver, failure.device, failure.error) == ("snd_hda_intel", "0000:00:1f.3", -16)
    assert failure.usb_port_path is None
    assert any("snd_hda_intel failed to set up 0000:00:1f.3" in n for n in facts.notes)


DAC_CARDS = CARDS + (
    " 1 [DAC            ]: USB-Audio - USB Audio DAC\n"
    "                      Burr-Brown from TI USB Audio DAC at usb-0000:00:14.0-2, full speed\n"
)
DAC_APLAY = """\
$ aplay -l
**** List of PLAYBACK Hardware Devices ****
card 0: PCH [HDA Intel PCH], device 0: ALC892 Analog [ALC892 Analog]
  Subdevices: 1/1
  Subdevice #0: subdevice #0
card 1: DAC [USB Audio DAC], device 0: USB Audio [USB Audio]
  Subdevices: 1/1
  Subdevice #0: subdevice #0
"""
DAC_ARECORD = """\
$ arecord -l
**** List of CAPTURE Hardware Devices ****
card 0: PCH [HDA Intel PCH], device 0: ALC892 Analog [ALC892 Analog]
  Subdevices: 1/1
  Subdevice #0: subdevice #0
"""


def test_a_usb_dac_is_output_only_when_a_whole_arecord_leaves_it_out(detect_paste) -> None:
    data = detect_paste(DAC_CARDS + DAC_APLAY + DAC_ARECORD)
    dac = data["cards"][1]
    assert (dac["kind"], dac["family"], dac["jack_device"]) == (
        "interface",
        "usb_audio_output",
        "hw:DAC",
    )
    assert dac["description"] == "output-only USB audio device"
    assert (dac["playback"], dac["capture"]) == (True, False)
    assert "It only plays" in data["recommended"]["reason"]


def test_without_arecord_a_usb_card_that_plays_is_not_called_output_only(detect_paste) -> None:
    data = detect_paste(DAC_CARDS + DAC_APLAY)
    dac = data["cards"][1]
    assert (dac["family"], dac["description"], dac["capture"]) == ("usb_audio", None, None)
