"""One test per rule for the copy noise and format variants real pastes carry."""

from __future__ import annotations

import textwrap

import pytest
from stagebox.core.capture import parse_capture
from stagebox.core.facts import (
    FACTS_SECTION_TITLE,
    CardFacts,
    Direction,
    HostControllerType,
    MachineFacts,
    PcmDevice,
    StreamInfo,
    facts_to_json,
)

from tests.conftest import capture_path

CARDS = """\
 0 [Intel          ]: HDA-Intel - HDA Intel
                      HDA Intel at 0xfdff8000 irq 16
 1 [US122L         ]: USB US-122L - TASCAM US-122L
                      TASCAM US-122L (644:800e if 0 at 001/007)
"""


def ids(facts: MachineFacts) -> list[tuple[int, str]]:
    return [(c.index, c.id) for c in facts.cards]


def test_mail_quoting_one_and_two_levels() -> None:
    quoted = "Hi, here it is:\n" + "".join(f"> {line}\n" for line in CARDS.splitlines())
    double = "".join(f">> {line}\n" for line in CARDS.splitlines())
    tight = "".join(f">{line}\n" for line in CARDS.splitlines())
    for text in (quoted, double, tight):
        facts = parse_capture(text)
        assert ids(facts) == [(0, "Intel"), (1, "US122L")]
        assert facts.cards[1].usb_id == "0644:800e"
        assert facts.cards[1].longname == "TASCAM US-122L (644:800e if 0 at 001/007)"


def test_markdown_fences_and_four_space_indentation() -> None:
    fenced = f"my cards:\n```\n{CARDS}```\nthat's it\n"
    indented = "    $ cat /proc/asound/cards\n" + textwrap.indent(CARDS, "    ")
    for text in (fenced, indented):
        assert ids(parse_capture(text)) == [(0, "Intel"), (1, "US122L")]


def test_lost_leading_space_and_lost_longname_indentation() -> None:
    lost = (
        "0 [Intel          ]: HDA-Intel - HDA Intel\n"
        "                     HDA Intel at 0xfdff8000 irq 16\n"
        "1 [USB            ]: USB-Audio - Scarlett 2i2 USB\n"
        "Focusrite Scarlett 2i2 USB at usb-0000:00:1a.0-1.1, high speed\n"
    )
    facts = parse_capture(lost)
    assert ids(facts) == [(0, "Intel"), (1, "USB")]
    assert facts.cards[1].usb_speed == "high"
    assert facts.cards[1].controller == "0000:00:1a.0"


def test_extra_leading_space() -> None:
    extra = "".join(f"  {line}\n" for line in CARDS.splitlines())
    assert ids(parse_capture(extra)) == [(0, "Intel"), (1, "US122L")]


GERMAN = """\
$ aplay -l
**** Liste der Hardware-Geräte (PLAYBACK) ****
Karte 0: Intel [HDA Intel], Gerät 0: ALC662 rev1 Analog [ALC662 rev1 Analog]
  Sub-Geräte: 1/1
  Sub-Gerät #0: subdevice #0
Karte 1: UA25EX [UA-25EX], Gerät 0: USB Audio [USB Audio]
  Sub-Geräte: 0/1
  Sub-Gerät #0: subdevice #0
$ arecord -l
**** Liste der Hardware-Geräte (CAPTURE) ****
Karte 1: UA25EX [UA-25EX], Gerät 0: USB Audio [USB Audio]
  Sub-Geräte: 1/1
  Sub-Gerät #0: subdevice #0
"""


def test_german_aplay_and_arecord() -> None:
    facts = parse_capture(GERMAN)
    assert [(c.index, c.id, c.name) for c in facts.cards] == [
        (0, "Intel", "HDA Intel"),
        (1, "UA25EX", "UA-25EX"),
    ]
    ua = facts.cards[1]
    assert ua.pcms is not None and len(ua.pcms) == 1
    pcm = ua.pcms[0]
    assert (pcm.playback, pcm.capture, pcm.name) == (True, True, "USB Audio")
    assert (pcm.subdevices, pcm.subdevices_available) == (1, 0)
    intel = facts.cards[0]
    assert intel.pcms is not None and not intel.pcms[0].capture


def test_card_absent_from_both_whole_listings_has_no_pcm() -> None:
    text = CARDS + GERMAN.replace("UA25EX [UA-25EX]", "Intel [HDA Intel]").replace(
        "Karte 1", "Karte 0"
    )
    facts = parse_capture(text)
    assert facts.cards[1].pcms == []  # US122L: known to have none
    assert facts.cards[0].pcms is not None and facts.cards[0].pcms != []


def test_longname_cut_at_79_characters() -> None:
    line = "Focusrite Scarlett 18i20 USB with a long vendor name at usb-0000:00:14.0-1.4, full s"
    text = f" 2 [USB            ]: USB-Audio - Scarlett 18i20 USB\n                      {line}\n"
    (card,) = parse_capture(text).cards
    assert card.longname == line
    assert card.controller == "0000:00:14.0" and card.usb_bus_path == "usb-0000:00:14.0-1.4"
    assert card.usb_speed is None  # "full s" is cut: unknown, not guessed


def test_nested_brackets_in_short_name_in_cards_and_aplay() -> None:
    text = (
        " 0 [Audigy2        ]: Audigy2 - SB Audigy 2 ZS [SB0350]\n"
        "                      SB Audigy 2 ZS [SB0350] (rev.4, serial:0x20021102) at 0xd800, irq 17\n"
        "Output of iplay -l is:\n"
        "card 0: Audigy2 [SB Audigy 2 ZS [SB0350]], device 3: emu10k1 [Multichannel Playback]\n"
        "  Subdevices: 1/1\n"
    )
    (card,) = parse_capture(text).cards
    assert card.name == "SB Audigy 2 ZS [SB0350]"
    assert card.pcms is not None and card.pcms[0].device == 3 and card.pcms[0].playback
    # without the header line or the command, the direction is unknown: not used, said so
    facts = parse_capture(text.replace("Output of iplay -l is:\n", ""))
    assert facts.cards[0].pcms is None
    assert any("without their PLAYBACK/CAPTURE line" in note for note in facts.notes)


def test_card_id_that_looks_like_a_keyword() -> None:
    text = (
        "$ cat /proc/asound/cards\n"
        " 0 [default        ]: USB-Audio - USB Audio CODEC\n"
        "                      Burr-Brown from TI USB Audio CODEC at usb-0000:00:12.0-2, full speed\n"
        "$ aplay -l\n"
        "**** List of PLAYBACK Hardware Devices ****\n"
        "card 0: default [USB Audio CODEC], device 0: USB Audio [USB Audio]\n"
        "  Subdevices: 1/1\n"
    )
    (card,) = parse_capture(text).cards
    assert (card.index, card.id, card.usb_speed) == (0, "default", "full")
    assert card.pcms is not None and card.pcms[0].playback


def test_no_such_file_instead_of_content() -> None:
    text = (
        "$ cat /proc/asound/cards\n"
        "cat: /proc/asound/cards: No such file or directory\n"
        "$ ls /sys/bus/pci/drivers/ehci-pci/\n"
        "ls: cannot access '/sys/bus/pci/drivers/ehci-pci/': No such file or directory\n"
    )
    facts = parse_capture(text)
    assert facts.cards == []
    assert facts.alsa_loaded is False
    assert facts.hcd_bindings == {"ehci-pci": []}
    assert any("/proc/asound/cards does not exist" in note for note in facts.notes)


def test_repeated_card_listing_last_complete_wins() -> None:
    before = " 0 [Intel          ]: HDA-Intel - HDA Intel\n                      HDA Intel at 0x1 irq 16\n"
    after = CARDS
    cut = " 0 [Intel          ]: HDA-Intel - HDA Intel\n"  # pasted without its longname
    facts = parse_capture(f"$ cat /proc/asound/cards\n{before}\n$ cat /proc/asound/cards\n{after}")
    assert ids(facts) == [(0, "Intel"), (1, "US122L")]
    assert any("appears 2 times" in note for note in facts.notes)
    facts = parse_capture(f"$ cat /proc/asound/cards\n{after}\n$ cat /proc/asound/cards\n{cut}")
    assert ids(facts) == [(0, "Intel"), (1, "US122L")]  # the cut one is not whole


def test_repeated_lsusb_prefers_the_one_holding_the_card_device() -> None:
    with_card = "Bus 001 Device 007: ID 0644:800e TEAC Corp.\n"
    swapped = "Bus 004 Device 003: ID 0582:0025 Roland Corp. EDIROL UA-20\n"
    text = f"{CARDS}\n$ lsusb\n{with_card}\nafter the swap:\n{swapped}"
    facts = parse_capture(text)
    assert [d.usb_id for d in facts.usb_devices or []] == ["0644:800e"]
    without_cards = parse_capture(f"$ lsusb\n{with_card}\nafter the swap:\n{swapped}")
    assert [d.usb_id for d in without_cards.usb_devices or []] == ["0582:0025"]


def test_prompts_of_many_shapes() -> None:
    for prompt in ("user@host:~$ ", "[user@host ~]$ ", "root@box:/home/me# ", "$ ", "# "):
        facts = parse_capture(f"{prompt}uname -r\n6.1.0-13-amd64\n{prompt}lsmod\n")
        assert facts.kernel == "6.1.0-13-amd64", prompt


def test_asoundrc_comment_is_not_a_prompt() -> None:
    text = (
        "$ cat ~/.asoundrc\n"
        "# The usb_stream plugin configuration\n"
        "pcm.!usb_stream {\n"
        "\ttype usb_stream\n"
        "\tcard US122L\n"
        "}\n"
    )
    facts = parse_capture(text)
    assert facts.user_asoundrc is not None
    assert facts.user_asoundrc.startswith("# The usb_stream plugin configuration\n")
    assert "card US122L" in facts.user_asoundrc


def test_alsa_info_loaded_modules_with_and_without_card_numbers() -> None:
    new = (
        "!!Loaded ALSA modules\n!!-------------------\n\n"
        "snd_hda_intel (card 0)\nsnd_usb_audio (card 1)\n\n"
        "!!Soundcards recognised by ALSA\n!!-----------------------------\n\n" + CARDS
    )
    facts = parse_capture(new)
    assert [c.module for c in facts.cards] == ["snd_hda_intel", "snd_usb_audio"]
    old = new.replace(" (card 0)", "").replace("snd_usb_audio (card 1)", "snd-usb-us122l")
    facts = parse_capture(old)
    assert [c.module for c in facts.cards] == ["snd_hda_intel", "snd_usb_us122l"]


def test_proc_asound_devices_pcm_hwdep_and_old_kernel_spacing() -> None:
    text = (
        "$ cat /proc/asound/devices\n"
        "0: [0- 0]: ctl\n"
        "4: [0- 0]: digital audio playback\n"
        "8: [1- 0]: ctl\n"
        "9: [1- 0]: hardware dependent\n"
        "$ cat /proc/asound/hwdep\n"
        "01-00: USB STREAM\n" + CARDS
    )
    facts = parse_capture(text)
    intel, tascam = facts.cards
    assert intel.pcms is not None and intel.pcms[0].playback
    assert tascam.pcms == [] and tascam.hwdeps == ["USB STREAM"]
    pcm_text = (
        "$ cat /proc/asound/pcm\n00-00: ALC662 Analog : ALC662 Analog : playback 1 : capture 1\n"
    )
    facts = parse_capture(CARDS + pcm_text)
    assert facts.cards[0].pcms == [PcmDevice(0, "ALC662 Analog", True, True, 1)]
    assert facts.cards[1].pcms == []


def test_stream_file_attached_by_card_number() -> None:
    text = CARDS.replace(
        "US122L         ]: USB US-122L - TASCAM US-122L",
        "C400           ]: USB-Audio - Fast Track C400",
    ) + (
        "$ cat /proc/asound/card1/stream0\n"
        "M-Audio Fast Track C400 at usb-0000:0c:00.3-1, high speed : USB Audio\n\n"
        "Playback:\n  Status: Stop\n  Interface 2\n    Altset 1\n    Format: S24_3LE\n"
        "    Channels: 6\n    Rates: 44100, 48000\n    Implicit Feedback Mode: Yes\n"
    )
    facts = parse_capture(text)
    (stream,) = facts.cards[1].streams
    assert stream.direction is Direction.PLAYBACK and stream.implicit_feedback is True
    assert stream.rates == [44100, 48000]


def test_lsusb_tree_and_proc_bus_usb_devices_give_speed() -> None:
    text = (
        "$ lsusb\nBus 002 Device 003: ID 0644:8020 TEAC Corp. US-144MKII\n"
        "$ lsusb -t\n"
        "/:  Bus 02.Port 1: Dev 1, Class=root_hub, Driver=ehci-pci/6p, 480M\n"
        "    |__ Port 4: Dev 3, If 0, Class=Vendor Specific Class, Driver=, 480M\n"
    )
    (device,) = parse_capture(text).usb_devices or []
    assert (device.usb_id, device.bus, device.device, device.speed) == ("0644:8020", 2, 3, "high")
    devices_file = (
        "T:  Bus=01 Lev=01 Prnt=01 Port=00 Cnt=01 Dev#=  2 Spd=480  MxCh= 0\n"
        "P:  Vendor=0644 ProdID=8020 Rev= 1.00\n"
        "S:  Product=US-144MKII\n"
        "I:* If#= 0 Alt= 0 #EPs= 0 Cls=ff(vend.) Sub=00 Prot=00 Driver=(none)\n"
    )
    (device,) = parse_capture(devices_file).usb_devices or []
    assert (device.usb_id, device.speed, device.name, device.drivers) == (
        "0644:8020",
        "high",
        "US-144MKII",
        [],
    )


def test_lspci_k_and_nn() -> None:
    text = (
        "$ lspci -nnk\n"
        "00:1a.7 USB controller [0c03]: Intel Corporation 82801I (ICH9 Family) USB2 EHCI "
        "Controller #2 [8086:293c] (rev 03)\n"
        "\tSubsystem: Lenovo ThinkPad T400 [17aa:20f1]\n"
        "\tKernel driver in use: ehci-pci\n"
        "00:14.0 USB controller [0c03]: Intel Corporation Sunrise Point-LP USB 3.0 xHCI "
        "Controller [8086:9d2f] (rev 21)\n"
        "\tKernel driver in use: xhci_hcd\n"
    )
    facts = parse_capture(text)
    ehci, xhci = sorted(facts.pci_devices or [], key=lambda d: d.slot, reverse=True)
    assert (ehci.slot, ehci.controller_type, ehci.driver, ehci.vendor_device) == (
        "0000:00:1a.7",
        HostControllerType.EHCI,
        "ehci-pci",
        "8086:293c",
    )
    assert (xhci.slot, xhci.controller_type, xhci.driver) == (
        "0000:00:14.0",
        HostControllerType.XHCI,
        "xhci_hcd",
    )
    assert facts.hcd_bindings == {"ehci-pci": ["0000:00:1a.7"], "xhci_hcd": ["0000:00:14.0"]}


def test_dmesg_speed_and_banner_kernel() -> None:
    text = (
        "[    0.000000] Linux version 6.1.0-13-amd64 (debian-kernel@lists.debian.org) (gcc)\n"
        "[    2.1] ehci-pci 0000:00:1a.7: new USB bus registered, assigned bus number 1\n"
        "[ 1234.5] usb 1-4: new high-speed USB device number 3 using ehci-pci\n"
        "[ 1234.6] usb 1-4: New USB device found, idVendor=0644, idProduct=8020, bcdDevice= 1.00\n"
        "$ lsusb\nBus 001 Device 003: ID 0644:8020 TEAC Corp.\n"
    )
    facts = parse_capture(text)
    assert facts.kernel == "6.1.0-13-amd64"
    (device,) = facts.usb_devices or []
    assert (device.speed, device.port_path, device.controller) == ("high", "1-4", "0000:00:1a.7")


def test_dev_snd_listing() -> None:
    text = CARDS + "$ ls /dev/snd\ncontrolC0  controlC1  hwC1D0  pcmC0D0c  pcmC0D0p  seq  timer\n"
    intel, tascam = parse_capture(text).cards
    assert intel.pcms == [PcmDevice(0, playback=True, capture=True)]
    assert tascam.pcms == [] and tascam.hwdeps == ["hwC1D0"] and tascam.has_midi is False


def test_jack_log_lines_are_kept() -> None:
    text = (
        "$ jackd -d alsa -d hw:US122L -p 64\n"
        "jackdmp 1.9.21\n"
        "ALSA: Cannot open PCM device alsa_pcm for playback. Falling back to capture-only mode\n"
        "$ lsusb\n"
    )
    log = parse_capture(text).jack_log
    assert log[0] == "$ jackd -d alsa -d hw:US122L -p 64"
    assert log[1:] == [
        "jackdmp 1.9.21",
        "ALSA: Cannot open PCM device alsa_pcm for playback. Falling back to capture-only mode",
    ]


def _report_with(facts: MachineFacts, body: str | None = None) -> str:
    json_text = facts_to_json(facts) if body is None else body
    return (
        "!!################################\n!!Stagebox report\n!!################################\n\n"
        + CARDS
        + f"\n!!{FACTS_SECTION_TITLE}\n!!-----------------------------\n--startcollapse--\n"
        + json_text
        + "\n--endcollapse--\n\n!!Something else\n!!--------\n"
    )


def test_stagebox_report_reads_back_exactly() -> None:
    original = MachineFacts(
        source="live",
        alsa_loaded=True,
        kernel="6.18.0",
        cards=[
            CardFacts(
                1,
                "US144MKII",
                driver="US144MKII",
                module="snd_usb_us144mkii",
                usb_id="0644:8020",
                pcms=[PcmDevice(0, "US-144MKII", True, True)],
                streams=[StreamInfo(Direction.CAPTURE, rates=[48000])],
            )
        ],
        hcd_bindings={"ehci-pci": []},
        pci_devices=[],
        notes=["from the live machine"],
    )
    facts = parse_capture(_report_with(original))
    original.source = "capture"
    assert facts == original
    quoted = "".join(f"> {line}\n" for line in _report_with(original).splitlines())
    assert parse_capture(quoted) == original


def test_damaged_stagebox_facts_fall_back_to_the_text() -> None:
    facts = parse_capture(_report_with(MachineFacts("live"), body='{"cards": [ {"index": '))
    assert any("section is damaged" in note for note in facts.notes)
    assert ids(facts) == [(0, "Intel"), (1, "US122L")]


def test_capture_header_lines_are_skipped() -> None:
    text = capture_path("10").read_text()
    assert text.startswith("source:")
    facts = parse_capture(text)
    assert not any("source" in note for note in facts.notes)
    assert len(facts.cards) == 3


def test_lsusb_verbose_and_alsa_info_usb_descriptors_are_one_listing() -> None:
    dump = (
        "Bus 001 Device 003: ID 0763:2030 M-Audio Fast Track C400\n"
        "Device Descriptor:\n  bLength                18\n  idVendor           0x0763 M-Audio\n"
        "Bus 001 Device 004: ID 1235:8006 Focusrite-Novation Focusrite Scarlett 2i2\n"
        "Device Descriptor:\n  bLength                18\n"
    )
    facts = parse_capture("$ lsusb -v\n" + dump)
    assert [d.usb_id for d in facts.usb_devices or []] == ["0763:2030", "1235:8006"]
    facts = parse_capture("!!USB Descriptors\n!!---------------\n--startcollapse--\n" + dump)
    assert [d.usb_id for d in facts.usb_devices or []] == ["0763:2030", "1235:8006"]
    assert any("lsusb listing is cut" in note for note in facts.notes)


def test_listings_of_another_moment_never_prove_absence() -> None:
    other_boot = (
        "$ aplay -l\n**** List of PLAYBACK Hardware Devices ****\n"
        "card 1: UA20 [UA-20], device 0: USB Audio [USB Audio]\n  Subdevices: 1/1\n"
        "$ arecord -l\n**** List of CAPTURE Hardware Devices ****\n"
        "card 1: UA20 [UA-20], device 0: USB Audio [USB Audio]\n  Subdevices: 1/1\n"
    )
    facts = parse_capture(CARDS + other_boot)
    assert [c.pcms for c in facts.cards] == [None, None]
    assert any("lists card 1 as 'UA20'" in note for note in facts.notes)


def test_cut_alsa_info_without_card_list_uses_amixer_headers() -> None:
    text = (
        "!!Amixer output\n!!-------------\n\n!!-------Mixer controls for card 1 [US122L]\n\n"
        "Card hw:1 'US122L'/'TASCAM US-122L (644:800e if 0 at 001/004)'\n"
        "  Mixer name\t: ''\n"
    )
    (card,) = parse_capture(text).cards
    assert (card.index, card.id, card.usb_id, card.usb_busdev) == (
        1,
        "US122L",
        "0644:800e",
        "001/004",
    )


# alsa-info 0.4.59 posted through a web form that joined all lines with spaces
FLATTENED = (
    "!################################ !!ALSA Information Script v 0.4.59 "
    "!!################################  !!Kernel Information !!------------------  "
    "Kernel release:    2.6.32-25-generic Operating System:  GNU/Linux Architecture:      i686 "
    "  !!ALSA Version !!------------  Driver version:     1.0.23 Library version:    1.0.23   "
    "!!Loaded ALSA modules !!-------------------  snd_hda_intel   "
    "!!Soundcards recognised by ALSA !!-----------------------------   "
    "0 [Intel          ]: HDA-Intel - HDA Intel                       "
    "HDA Intel at 0x6a080000 irq 28   "
    "1 [USB            ]: USB-Audio - Scarlett 2i2 USB                       "
    "Focusrite Scarlett 2i2 USB at usb-0000:00:1a.0-1.1, high speed   "
    "!!PCI Soundcards installed in the system !!--------------------------------------  "
    "00:1b.0 Audio device: Intel Corporation N10/ICH 7 Family High Definition Audio Controller"
)


def test_alsa_info_that_lost_its_line_breaks() -> None:
    facts = parse_capture(f"have the same problem:\n\n```\n{FLATTENED}\n```\n")
    assert [(c.index, c.id, c.name) for c in facts.cards] == [
        (0, "Intel", "HDA Intel"),
        (1, "USB", "Scarlett 2i2 USB"),
    ]
    assert facts.cards[0].longname == "HDA Intel at 0x6a080000 irq 28"
    assert facts.cards[1].usb_speed == "high"
    assert facts.kernel == "2.6.32-25-generic"
    assert facts.alsa_driver_version == "1.0.23"


def test_alsa_info_with_empty_card_section_means_alsa_not_loaded() -> None:
    section = "!!Soundcards recognised by ALSA\n!!-----------------------------\n\n\n\n"
    after = "!!PCI Soundcards installed in the system\n!!------------------\n\n00:1b.0 Audio device: X\n"
    assert parse_capture(section + after).alsa_loaded is False
    assert parse_capture(section).alsa_loaded is None  # cut right there: cannot tell
    no_cards = section.replace("\n\n\n\n", "\n\n--- no soundcards ---\n\n") + after
    facts = parse_capture(no_cards)
    assert facts.alsa_loaded is True and facts.cards == []


# an ALSA 1.0.9 era bug report: no space padding, "ctl", a version line that wraps
OLD_KERNEL_REPORT = """\
Proc Asound -----------------------------------------------
Advanced Linux Sound Architecture Driver Version 1.0.9rc2  (Thu Mar 24
10:33:392005 UTC).
0 [PCI            ]: Allegro - ESS Allegro PCI
                        ESS Allegro PCI at 0x1400, irq 5
     1:       : sequencer
    16: [0- 0]: digital audio playback
    24: [0- 0]: digital audio capture
     0: [0- 0]: ctl
    33:       : timer
00-00: Allegro : Allegro : playback 2 : capture 1

Dev Snd ---------------------------------------------------
controlC0  pcmC0D0c  pcmC0D0p  seq  timer
"""


def test_old_alsa_report_with_bare_dev_snd_listing() -> None:
    facts = parse_capture(OLD_KERNEL_REPORT)
    (card,) = facts.cards
    assert (card.index, card.id, card.driver, card.name) == (0, "PCI", "Allegro", "ESS Allegro PCI")
    assert card.pcms == [PcmDevice(0, "Allegro", True, True, 2)]
    assert card.hwdeps == [] and card.has_midi is False
    assert facts.alsa_driver_version == "1.0.9rc2"


def test_proc_asound_version_names_the_kernel_and_empty_pcm_names() -> None:
    text = (
        "linux@ubuntu:~$ cat /proc/asound/version\n"
        "Advanced Linux Sound Architecture Driver Version 1.0.23.\n"
        "Compiled on Oct  4 2010 for kernel 2.6.32-25-generic-pae (SMP).\n"
        "# aplay -l\n"
        "**** Liste der Hardware-Geräte (PLAYBACK) ****\n"
        "Karte 0: sndrpihifiberry [snd_rpi_hifiberry_dac], Gerät 0: HifiBerry DAC HiFi pcm5102a-hifi-0 []\n"
        "  Sub-Geräte: 1/1\n"
    )
    facts = parse_capture(text)
    assert facts.kernel == "2.6.32-25-generic-pae" and facts.alsa_driver_version == "1.0.23"
    (card,) = facts.cards
    assert card.id == "sndrpihifiberry" and card.pcms == [PcmDevice(0, None, True, False, 1, 1)]


def test_lsusb_tree_verbose_alone_lists_devices() -> None:
    text = (
        "$ lsusb -tv\n"
        "/:  Bus 001.Port 001: Dev 001, Class=root_hub, Driver=xhci_hcd/12p, 480M\n"
        "    ID 1d6b:0002 Linux Foundation 2.0 root hub\n"
        "    /sys/bus/usb/devices/usb1  /dev/bus/usb/001/001\n"
        "    |__ Port 002: Dev 002, If 0, Class=Audio, Driver=snd-usb-audio, 480M\n"
        "        ID 1235:8211 Focusrite-Novation Scarlett Solo (3rd Gen.)\n"
        "        /sys/bus/usb/devices/1-2  /dev/bus/usb/001/002\n"
        "    |__ Port 002: Dev 002, If 1, Class=Audio, Driver=snd-usb-audio, 480M\n"
    )
    facts = parse_capture(text)
    solo = next(d for d in facts.usb_devices or [] if d.usb_id == "1235:8211")
    assert (solo.bus, solo.device, solo.speed, solo.port_path) == (1, 2, "high", "1-2")
    assert (
        solo.drivers == ["snd-usb-audio"]
        and solo.name == "Focusrite-Novation Scarlett Solo (3rd Gen.)"
    )


def test_lsusb_tree_fragment_without_its_root_hub_line() -> None:
    """A node copied out of a longer ``lsusb -tv``: the bus comes from /dev/bus/usb/BBB/DDD,
    the id from the ID line, and the card's "at usb-<controller>-4" meets the node's "1-4"."""
    text = (
        " 2 [U192k          ]: USB-Audio - UMC404HD 192k\n"
        "                      BEHRINGER UMC404HD 192k at usb-0000:08:00.1-4, high speed\n"
        "Also lsusb shows this...\n"
        "    |__ Port 4: Dev 5, If 0, Class=Audio, Driver=snd-usb-audio, 480M\n"
        "       ID 1397:0509 BEHRINGER International GmbH\n"
        "       /sys/bus/usb/devices/1-4  /dev/bus/usb/001/005\n"
        "   |__ Port 4: Dev 5, If 5, Class=Vendor Specific Class, Driver=, 480M\n"
        "       ID 1397:0509 BEHRINGER International GmbH\n"
        "       /sys/bus/usb/devices/1-4  /dev/bus/usb/001/005\n"
    )
    facts = parse_capture(text)
    (device,) = facts.usb_devices or []
    assert (device.usb_id, device.bus, device.device, device.port_path) == (
        "1397:0509",
        1,
        5,
        "1-4",
    )
    assert (device.speed, device.drivers) == ("high", ["snd-usb-audio"])
    assert facts.cards[0].usb_id == "1397:0509" and facts.cards[0].usb_port_path == "1-4"
    # older usbutils print no paths: the id is still read, the bus stays unknown
    old = "\n".join(line for line in text.splitlines() if "/sys/bus" not in line)
    (device,) = parse_capture(old).usb_devices or []
    assert (device.usb_id, device.bus, device.device, device.speed) == (
        "1397:0509",
        None,
        5,
        "high",
    )


def test_a_port_chain_on_two_buses_links_no_card() -> None:
    text = (
        " 2 [U192k          ]: USB-Audio - UMC404HD 192k\n"
        "                      BEHRINGER UMC404HD 192k at usb-0000:08:00.1-4, high speed\n"
        "$ lsusb -tv\n"
        "    |__ Port 4: Dev 5, If 0, Class=Audio, Driver=snd-usb-audio, 480M\n"
        "       ID 1397:0509 BEHRINGER International GmbH\n"
        "       /sys/bus/usb/devices/1-4  /dev/bus/usb/001/005\n"
        "/:  Bus 03.Port 1: Dev 1, Class=root_hub, Driver=xhci_hcd/4p, 480M\n"
        "    |__ Port 4: Dev 2, If 0, Class=Audio, Driver=snd-usb-audio, 480M\n"
        "       ID 0d8c:0014 C-Media Electronics, Inc. Audio Adapter\n"
        "       /sys/bus/usb/devices/3-4  /dev/bus/usb/003/002\n"
    )
    facts = parse_capture(text)
    assert {(d.usb_id, d.bus) for d in facts.usb_devices or []} == {
        ("1397:0509", 1),
        ("0d8c:0014", 3),
    }
    assert facts.cards[0].usb_id is None  # port 4 on bus 1 or on bus 3: not certain


def test_aplay_capital_l_hw_names_give_playback_devices_without_aplay_l() -> None:
    text = CARDS + (
        "$ aplay -L | grep CARD\nhw:CARD=Intel,DEV=0\nhw:CARD=Intel,DEV=3\nplughw:CARD=Intel,DEV=0\n"
        "usbstream:CARD=Intel\nusbstream:CARD=US122L\n"
    )
    facts = parse_capture(text)
    intel, tascam = facts.cards
    assert intel.pcms == [PcmDevice(0, playback=True), PcmDevice(3, playback=True)]
    assert tascam.pcms is None  # absent from the hints: unknown, not "none"
    assert any(note.startswith("no arecord -l listing") for note in facts.notes)
    assert any(note.startswith("no aplay -l listing") for note in facts.notes)
    assert sorted(facts.unlisted_pcm_directions) == ["capture", "playback"]


def _body(name: str) -> list[str]:
    text = capture_path(name).read_text(encoding="utf-8")
    return text.split("\n---\n", 1)[1].splitlines()


def _numbered(lines: list[str], style: str) -> str:
    width = len(str(len(lines)))
    shapes = {
        "cat -n": lambda n, line: f"{n:6d}\t{line}",
        "pastebin": lambda n, line: f"{n:>{width}}  {line}",
        "dotted": lambda n, line: f"{n}. {line}" if line else f"{n}.",
        "zero-padded colon": lambda n, line: f"{n:0{width}d}: {line}",
    }
    return "\n".join(shapes[style](n, line) for n, line in enumerate(lines, 1)) + "\n"


def _summary(facts: MachineFacts) -> list[tuple[object, ...]]:
    return [
        (c.index, c.id, c.driver, c.module, c.usb_id, c.usb_speed, c.longname) for c in facts.cards
    ]


def test_line_numbers_of_a_pastebin_or_cat_n_are_removed() -> None:
    for name in (
        "01",
        "02",
        "07",
        "22",
    ):
        lines = _body(name)
        plain = parse_capture("\n".join(lines) + "\n")
        assert plain.cards, name
        for style in ("cat -n", "pastebin", "dotted", "zero-padded colon"):
            facts = parse_capture(_numbered(lines, style))
            assert _summary(facts) == _summary(plain), (name, style)
            assert facts.usb_devices == plain.usb_devices, (name, style)


def test_line_numbers_after_a_line_of_prose_are_removed() -> None:
    lines = _body("05")
    text = "Here is my output, copied from pastebin:\n\n" + _numbered(lines, "dotted")
    assert [(c.index, c.id) for c in parse_capture(text).cards] == [
        (0, "Intel"),
        (1, "U0x46d0x804"),
        (2, "US122L"),
    ]


def test_listings_that_start_with_numbers_are_not_line_numbers() -> None:
    from stagebox.core.capture.numbered import strip_line_numbers

    devices = [
        "  1:        : sequencer",
        "  2: [ 0- 3]: digital audio playback",
        "  3: [ 0- 0]: digital audio playback",
        "  4: [ 0- 0]: digital audio capture",
        "  5: [ 0- 0]: hardware dependent",
        "  6: [ 0]   : control",
        " 33:        : timer",
    ]
    assert strip_line_numbers(devices) == devices
    cards = CARDS.splitlines() + [
        " 2 [Live           ]: EMU10K1 - SB Live! Value [CT4832]",
        "                      SB Live! Value [CT4832] (rev.8) at 0xe800, irq 11",
        " 3 [UA25EX         ]: USB-Audio - UA-25EX",
        "                      EDIROL UA-25EX at usb-0000:00:1d.0-2, full speed",
    ]
    assert strip_line_numbers(cards) == cards
    three = ["1. first", "2. second", "3. third"]  # too few lines to be sure
    assert strip_line_numbers(three) == three


@pytest.mark.parametrize(
    ("text", "kernel"),
    [
        ("Using kernel 2.6.32-24-generic\nand alsa-firmware from medibuntu", "2.6.32-24-generic"),
        ("I'm on kernel 5.15.0-76-generic.", "5.15.0-76-generic"),
        ("Debian 12, Linux 6.1.0-13-amd64, PipeWire", "6.1.0-13-amd64"),
        ("kernel version: 4.15.0-20-lowlatency", "4.15.0-20-lowlatency"),
        ("uname -r says 5.15.0-76-lowlatency", "5.15.0-76-lowlatency"),
        (
            "uname -a: Linux studio 6.8.0-45-generic #45-Ubuntu SMP PREEMPT_DYNAMIC",
            "6.8.0-45-generic",
        ),
        # never an ALSA, package or distribution version, nor a bare major.minor
        ("ALSA version 1.0.23, alsa-utils 1.2.6", None),
        ("installed linux-image-5.15.0-76-generic and alsa-base 1.0.25", None),
        ("Linux Mint 21.1 with kernel 6.1", None),
        ("the kernel module snd-usb-audio 1.2.3 is loaded", None),
        ("Advanced Linux Sound Architecture Driver Version 1.0.23.", None),
        ("kernel: usb 1-7: new high speed USB device using ehci_hcd and address 4", None),
        ("Ubuntu 10.04.4 LTS", None),
    ],
)
def test_a_kernel_release_in_the_prose(text: str, kernel: str | None) -> None:
    assert parse_capture(text).kernel == kernel


def test_prose_kernel_gives_way_to_a_stated_one() -> None:
    text = "I run kernel 5.15.0-76-generic, I think\n$ uname -r\n6.1.0-13-amd64\n"
    assert parse_capture(text).kernel == "6.1.0-13-amd64"
