"""PCI recording cards named from lspci: the card a loaded driver did not set up, the card
whose driver is not loaded, and the PCI slot of a card the card list shows. The pastes are
put together from line shapes of real reports (forum capture 18, lspci -k, lspci -nn)."""

from __future__ import annotations

from stagebox.core.capture import parse_capture
from stagebox.core.detect import detect_facts

CARDS = """\
$ cat /proc/asound/cards
 0 [Intel          ]: HDA-Intel - HDA Intel
                      HDA Intel at 0xfe9f8000 irq 22
 1 [M44            ]: ICE1712 - M Audio Delta 44
                      M Audio Delta 44 at 0xdc00, irq 17
"""
LSPCI_K = """\
$ lspci -k
00:1b.0 Audio device: Intel Corporation 82801I (ICH9 Family) HD Audio Controller (rev 02)
	Subsystem: ASUSTeK Computer Inc. Device 829f
	Kernel driver in use: snd_hda_intel
05:01.0 Multimedia audio controller: VIA Technologies Inc. ICE1712 [Envy24] PCI Multi-Channel I/O Controller (rev 02)
	Subsystem: VIA Technologies Inc. M-Audio Delta 44
	Kernel driver in use: snd_ice1712
"""


def test_a_card_of_the_list_gets_the_slot_of_its_pci_device() -> None:
    result = detect_facts(parse_capture(CARDS + LSPCI_K))
    delta = result.card(1)
    assert delta is not None and delta.pci_slot == "0000:05:01.0"
    assert result.card(0).pci_slot is None  # no known PCI driver entry for HDA
    assert '"pci_slot": "0000:05:01.0"' in result.to_json()
    assert not [f for f in result.findings if f.code == "driver_not_bound"]


def test_a_pci_card_whose_driver_is_not_loaded_is_named() -> None:
    cards = CARDS.split(" 1 [M44")[0]
    lsmod = "$ lsmod | grep snd\nsnd_hda_intel          28358  2\nsnd_pcm                91964  2 snd_hda_intel\n"
    result = detect_facts(parse_capture(cards + LSPCI_K.replace("snd_ice1712", "") + lsmod))
    found = [f for f in result.findings if f.code == "driver_not_bound"]
    assert len(found) == 1
    assert "M-Audio Delta 44" in found[0].message and "0000:05:01.0" in found[0].message
    assert "the module is not loaded" in found[0].message
    assert "sudo modprobe snd-ice1712" in (found[0].fix or "")


def test_a_loaded_driver_without_its_card_beside_other_cards() -> None:
    cards = CARDS.split(" 1 [M44")[0]
    lsmod = "$ lsmod\nModule                  Size  Used by\nsnd_ice1712            70040  0\nsnd_hda_intel          28358  2\n"
    result = detect_facts(parse_capture(cards + LSPCI_K + lsmod))
    # the contract's code for "a known PCI/USB interface present, no ALSA card"
    loaded = [f for f in result.findings if f.code == "driver_not_bound"]
    assert len(loaded) == 1 and "M-Audio Delta 44" in loaded[0].message
    assert "its driver snd_ice1712 is loaded" in loaded[0].message
    assert "sudo modprobe -r snd-ice1712 && sudo modprobe snd-ice1712" in (loaded[0].fix or "")
    assert not [f for f in result.findings if f.code == "driver_loaded_without_card"]
    assert [c.id for c in result.cards] == ["Intel"]


def test_rme_by_pci_id_alone_in_lspci_nn() -> None:
    cards = CARDS.split(" 1 [M44")[0]
    nn = "$ lspci -nn\n03:00.0 Multimedia audio controller [0401]: Xilinx Corporation Device [10ee:3fc5] (rev 32)\n"
    result = detect_facts(parse_capture(cards + nn))
    found = [f for f in result.findings if f.code == "driver_not_bound"]
    assert len(found) == 1 and "snd_hdsp" in found[0].message
    assert "not loaded" not in found[0].message  # no lsmod: not said


def test_a_loaded_driver_without_any_card_and_no_lspci_is_still_told() -> None:
    """Without lspci nothing says the card is there: only that its driver made no card."""
    text = (
        "!!Soundcards recognised by ALSA\n!!-----------------------------\n\n"
        "--- no soundcards ---\n\n"
        "$ lsmod\nModule                  Size  Used by\nsnd_hdsp               50000  0\n"
    )
    result = detect_facts(parse_capture(text))
    codes = [f.code for f in result.findings]
    assert "driver_not_bound" not in codes
    (loaded,) = [f for f in result.findings if f.code == "driver_loaded_without_card"]
    assert "snd_hdsp" in loaded.message and "for the PCI card" not in loaded.message
