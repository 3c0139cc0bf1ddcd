"""Single rules of the detector, each on a small machine built with tests/fakeroot.py."""

from __future__ import annotations

import json
from pathlib import Path

from stagebox.core.detect import detect_live
from stagebox.core.model import Access, Kind
from stagebox.core.sysroot import SystemRoot

from tests.fakeroot import FakeMachine, Pcm


def _detect(machine: FakeMachine):
    machine.finish()
    return detect_live(SystemRoot.at(machine.path))


def _codes(result) -> dict[str, object]:
    return {f.code: f for f in result.findings}


def _onboard(m: FakeMachine) -> None:
    pci = m.pci_device("0000:00:1f.3", "040300", "8086:a348", driver="snd_hda_intel")
    m.alsa_card(0, "PCH", "HDA-Intel", "HDA Intel PCH", "HDA Intel PCH at 0xa1210000 irq 137",
                module="snd_hda_intel", pci=pci, pcms=[Pcm(0, "ALC257 Analog", True, True)])  # fmt: skip


def test_teac_card_reader_is_not_audio(tmp_path: Path) -> None:
    m = FakeMachine(tmp_path / "m")
    ehci = m.pci_controller("0000:00:1d.7", "ehci")
    m.usb_device(ehci, usb_id="0644:0200", product="All-In-One Multi-Card Reader",
                 drivers=["usb-storage"], interface_class="08")  # fmt: skip
    _onboard(m)
    result = _detect(m)
    reader = _codes(result)["card_reader_not_audio"]
    assert reader.usb_id == "0644:0200" and "memory-card reader" in reader.message
    assert result.usb_audio_without_card == []
    assert "no_external_interface" in _codes(result)


def test_usx2y_without_firmware(tmp_path: Path) -> None:
    m = FakeMachine(tmp_path / "m")
    ehci = m.pci_controller("0000:00:1d.7", "ehci")
    m.usb_device(ehci, usb_id="1604:8000", speed="12", product="US-428", drivers=[None])
    _onboard(m)
    result = _detect(m)
    (missing,) = result.usb_audio_without_card
    assert missing.usb_id == "1604:8000" and missing.model == "Tascam US-428"
    assert "1604:8001" in missing.reason
    firmware = _codes(result)["firmware_required"]
    assert firmware.usb_id == "1604:8000" and "usx2yloader" in firmware.fix


def test_us144mkii_with_618_kernel_but_no_card(tmp_path: Path) -> None:
    m = FakeMachine(tmp_path / "m", kernel="6.18.2-arch1-1")
    xhci = m.pci_controller("0000:00:14.0", "xhci")
    m.usb_device(xhci, usb_id="0644:8020", product="US-144MKII", drivers=[None])
    _onboard(m)
    codes = _codes(_detect(m))
    assert "modprobe snd-usb-us144mkii" in codes["native_driver_not_loaded"].fix
    assert not {"xhci_only", "ehci_unbind_required", "newer_driver_available"} & set(codes)


def test_unknown_kernel_does_not_claim_a_newer_driver(tmp_path: Path) -> None:
    m = FakeMachine(tmp_path / "m", kernel=None)
    ehci = m.pci_controller("0000:00:1a.7", "ehci")
    m.usb_device(ehci, usb_id="0644:8020", product="US-144MKII", drivers=[None])
    result = _detect(m)
    assert result.kernel is None  # a fake root without proc/sys/kernel/osrelease
    codes = _codes(result)
    assert "newer_driver_available" not in codes
    assert "before Linux 6.18; the kernel is unknown" in result.usb_audio_without_card[0].reason
    assert "ehci_unbind_required" in codes


def test_us122l_at_full_speed_has_doubled_minimum_period(tmp_path: Path) -> None:
    m = FakeMachine(tmp_path / "m")
    uhci = m.pci_controller("0000:00:1d.0", "uhci")
    dev = m.usb_device(uhci, usb_id="0644:800e", speed="12", drivers=["snd-usb-us122l"])
    m.alsa_card(0, "US122L", "USB US-122L", "TASCAM US-122L",
                f"TASCAM US-122L (644:800e if 0 at {dev.busnum:03d}/{dev.devnum:03d})",
                module="snd_usb_us122l", usb=dev, hwdeps=["USB STREAM"], midi=True)  # fmt: skip
    result = _detect(m)
    card = result.card(0)
    assert card.access is Access.USB_STREAM and card.usb_speed == "full"
    assert "96 frames" in _codes(result)["full_speed_limits"].message
    assert "newer_driver_available" not in _codes(result)  # 0x800E has no newer driver


def test_two_identical_usb_stream_cards_get_distinct_pcm_names(tmp_path: Path) -> None:
    m = FakeMachine(tmp_path / "m")
    ehci = m.pci_controller("0000:00:1d.7", "ehci")
    for index in (1, 2):
        dev = m.usb_device(ehci, usb_id="0644:800e", port=str(index), drivers=["snd-usb-us122l"])
        m.alsa_card(index, "US122L" if index == 1 else "US122L_1", "USB US-122L", "TASCAM US-122L",
                    f"TASCAM US-122L (644:800e if 0 at 001/{dev.devnum:03d})",
                    module="snd_usb_us122l", usb=dev, midi=True)  # fmt: skip
    result = _detect(m)
    assert [c.jack_device for c in result.cards] == ["us-122l", "us-122l-2"]


def test_scarlett_in_msd_mode(tmp_path: Path) -> None:
    m = FakeMachine(tmp_path / "m")
    xhci = m.pci_controller("0000:00:14.0", "xhci")
    m.usb_device(xhci, usb_id="1235:8210", product="Scarlett 2i2 USB",
                 drivers=["snd-usb-audio", "usb-storage"])  # fmt: skip
    _onboard(m)
    assert "scarlett_msd_mode" in _codes(_detect(m))


def test_capture_only_usb_headset_is_not_an_interface(tmp_path: Path) -> None:
    m = FakeMachine(tmp_path / "m")
    xhci = m.pci_controller("0000:00:14.0", "xhci")
    dev = m.usb_device(xhci, usb_id="0c76:161f", product="USB PnP Audio Device",
                       drivers=["snd-usb-audio"])  # fmt: skip
    _onboard(m)
    m.alsa_card(1, "Device", "USB-Audio", "USB PnP Audio Device",
                "USB PnP Audio Device at usb-0000:00:14.0-1, full speed",
                module="snd_usb_audio", usb=dev, pcms=[Pcm(0, "USB Audio", capture=True)])  # fmt: skip
    result = _detect(m)
    assert result.card(1).kind is Kind.WEBCAM_OR_HEADSET
    assert {"webcam_not_interface", "no_external_interface"} <= set(_codes(result))


def test_usb_midi_keyboard_without_pcm(tmp_path: Path) -> None:
    m = FakeMachine(tmp_path / "m")
    xhci = m.pci_controller("0000:00:14.0", "xhci")
    dev = m.usb_device(xhci, usb_id="09e8:0076", product="Some Keys 49", speed="12",
                       drivers=["snd-usb-audio"])  # fmt: skip
    _onboard(m)
    m.alsa_card(1, "Keys49", "USB-Audio", "Some Keys 49",
                "Vendor Some Keys 49 at usb-0000:00:14.0-1, full speed",
                module="snd_usb_audio", usb=dev, midi=True)  # fmt: skip
    result = _detect(m)
    card = result.card(1)
    assert (card.kind, card.access, card.jack_device) == (Kind.MIDI_ONLY, Access.NONE, None)
    assert "card_without_pcm" not in _codes(result)


def test_paste_without_card_list_does_not_claim_missing_cards(run_cli, tmp_path: Path) -> None:
    lsusb = "Bus 001 Device 004: ID 0644:8020 TEAC Corp. \n"
    only_usb = tmp_path / "lsusb.txt"
    only_usb.write_text(lsusb)
    data = json.loads(run_cli("detect", "--capture", str(only_usb), "--json").out)
    assert data["usb_audio_without_card"] == [] and data["alsa"] == "unknown"
    with_cards = tmp_path / "both.txt"
    with_cards.write_text(
        " 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n"
        "                      HDA Intel PCH at 0xf7f10000 irq 29\n\n" + lsusb
    )
    data = json.loads(run_cli("detect", "--capture", str(with_cards), "--json").out)
    (missing,) = data["usb_audio_without_card"]
    assert missing["usb_id"] == "0644:8020" and "speed is unknown" in missing["reason"]
    assert "driver_not_bound" in {f["code"] for f in data["findings"]}


def test_jack_log_second_opener_with_other_settings(run_cli, tmp_path: Path) -> None:
    paste = tmp_path / "paste.txt"
    paste.write_text(
        " 1 [US122L         ]: USB US-122L - TASCAM US-122L\n"
        "                      TASCAM US-122L (644:800e if 0 at 001/003)\n"
        "$ jackd -d alsa -d usb_stream:CARD=US122L -r 48000 -p 128 -n 2\n"
        "Couldn't configure usb_stream : Input/output error\n"
    )
    data = json.loads(run_cli("detect", "--capture", str(paste), "--json").out)
    codes = {f["code"] for f in data["findings"]}
    assert "jack_usb_stream_settings_differ" in codes
    assert not {"jack_usb_stream_refused", "jack_wrong_card"} & codes  # CARD=US122L is right


def test_vsl_on_xhci_gets_the_usb3_note(tmp_path: Path) -> None:
    m = FakeMachine(tmp_path / "m")
    xhci = m.pci_controller("0000:00:14.0", "xhci")
    dev = m.usb_device(xhci, usb_id="194f:0102", product="AudioBox 44 VSL",
                       drivers=["snd-usb-audio"] * 2)  # fmt: skip
    m.alsa_card(0, "VSL", "USB-Audio", "AudioBox 44 VSL",
                "PreSonus AudioBox 44 VSL at usb-0000:00:14.0-1, high speed",
                module="snd_usb_audio", usb=dev, pcms=[Pcm(0, "USB Audio", True, True)])  # fmt: skip
    result = _detect(m)
    assert result.card(0).family == "presonus_vsl"
    assert "0000:00:14.0" in _codes(result)["usb3_crackle"].message


def test_firewire_interface_is_not_built_in(tmp_path: Path) -> None:
    m = FakeMachine(tmp_path / "m")
    _onboard(m)
    ohci = m.pci_device("0000:05:00.0", "0c0010", "1106:3044", driver="firewire_ohci")
    m.alsa_card(1, "Saffire", "BeBoB", "Saffire", "Focusrite Saffire (ID 0x130e...)",
                module="snd_bebob", pci=ohci, pcms=[Pcm(0, "Saffire", True, True)])  # fmt: skip
    result = _detect(m)
    assert result.card(1).kind is Kind.INTERFACE and result.card(1).jack_device == "hw:Saffire"
    assert result.card(0).kind is Kind.ONBOARD
