"""Property tests: no text, random or a mangled real capture, makes the parser raise."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stagebox.core.capture import parse_capture
from stagebox.core.capture.sections import split_blocks
from stagebox.core.facts import MachineFacts, facts_from_json, facts_to_json

from tests.conftest import CAPTURES

REAL = [path.read_text() for path in sorted(CAPTURES.glob("*.txt"))]
# Lines the parsers look for, so random text hits the interesting branches.
FRAGMENTS = [
    " 1 [US122L         ]: USB US-122L - TASCAM US-122L",
    "                      TASCAM US-122L (644:800e if 0 at 001/003)",
    "card 0: Audigy2 [SB Audigy 2 ZS [SB0350]], device 0: emu10k1 [x]",
    "  Subdevices: 31/32",
    "**** List of CAPTURE Hardware Devices ****",
    "Bus 001 Device 003: ID 0644:800e TEAC Corp.",
    "/:  Bus 02.Port 1: Dev 1, Class=root_hub, Driver=ehci-pci/6p, 480M",
    "    |__ Port 4: Dev 3, If 0, Class=Audio, Driver=snd-usb-audio, 480M",
    "00:1d.7 USB Controller: Intel Corporation USB2 EHCI Controller (rev 02)",
    "\tKernel driver in use: ehci-pci",
    "T:  Bus=02 Lev=01 Prnt=01 Port=01 Cnt=01 Dev#=  5 Spd=12  MxCh= 0",
    "P:  Vendor=0582 ProdID=00e6 Rev= 1.00",
    "!!Soundcards recognised by ALSA",
    "!!-----------------------------",
    "!!Stagebox machine facts (JSON)",
    "--startcollapse--",
    "--endcollapse--",
    "Playback:",
    "    Implicit Feedback Mode: Yes",
    "X : USB Audio",
    "$ cat /proc/asound/card1/stream0",
    "$ ls /sys/bus/pci/drivers/ehci-pci/",
    "0000:00:1a.7  bind  new_id  remove_id  uevent  unbind",
    "[  250.16] usb 8-2: new full speed USB device using uhci_hcd and address 8",
    " 1 snd_usb_us122l",
    "snd_usb_audio (card 7)",
    "USB Mixer: usb_id=0x07632030, ctrlif=1, ctlerr=0",
    "Card: X",
    "```",
    "> > ",
    "...",
    "Kernel release:    #1-NixOS",
    "Driver version:     k6.1.31",
    "lrwxrwxrwx 1 root root 5 Jul 14 18:25 USB -> card2",
    "crw-rw---- 1 root audio 116, 6 Sep 17 17:11 /dev/snd/hwC1D0",
    "{",
    "}",
    "x !!Soundcards recognised by ALSA !!----   0 [A   ]: D - N            L at usb-0000:00:1d.7-1, high speed",
    " !! !!-- !!",
]


def check(text: str) -> MachineFacts:
    facts = parse_capture(text)
    assert isinstance(facts, MachineFacts) and facts.source == "capture"
    assert not any("could not be read" in note for note in facts.notes), facts.notes
    # whatever was read must survive Stagebox's own JSON form
    assert facts_from_json(facts_to_json(facts)) == facts
    return facts


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_random_text(text: str) -> None:
    check(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=40))
def test_random_mixes_of_format_lines(lines: list[str]) -> None:
    check("\n".join(lines))


mutation = st.sampled_from(
    ["drop", "duplicate", "shuffle", "bytes", "truncate", "indent", "dedent"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(REAL), st.lists(mutation, min_size=1, max_size=4), st.randoms())
def test_mutated_real_captures(text: str, mutations: list[str], rnd) -> None:  # type: ignore[no-untyped-def]
    lines = text.split("\n")
    for kind in mutations:
        if not lines:
            break
        i = rnd.randrange(len(lines))
        if kind == "drop":
            del lines[i : i + rnd.randint(1, 5)]
        elif kind == "duplicate":
            lines[i:i] = lines[i : i + rnd.randint(1, 8)]
        elif kind == "shuffle":
            chunk = lines[i : i + 10]
            rnd.shuffle(chunk)
            lines[i : i + 10] = chunk
        elif kind == "bytes":
            line = lines[i]
            pos = rnd.randrange(len(line) + 1)
            noise = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 8)))
            lines[i] = line[:pos] + noise.decode("latin-1") + line[pos:]
        elif kind == "truncate":
            cut = rnd.randrange(len("\n".join(lines)) + 1)
            lines = "\n".join(lines)[:cut].split("\n")
        elif kind == "indent":
            lines = [" " * rnd.randint(1, 6) + line for line in lines]
        else:
            lines = [line.lstrip() for line in lines]
    check("\n".join(lines))


def test_whole_real_captures_survive_indentation_changes() -> None:
    for text in REAL:
        plain = check(text)
        if not plain.cards:
            continue
        body = text.split("\n---\n", 1)[1]
        indented = check("\n".join("    " + line for line in body.split("\n")))
        assert [(c.index, c.id) for c in indented.cards] == [(c.index, c.id) for c in plain.cards]


def test_blocks_cover_every_line_once() -> None:
    for text in REAL:
        numbers = [line.number for block in split_blocks(text) for line in block.lines]
        assert len(numbers) == len(set(numbers))


# Shapes that make careless patterns backtrack for minutes; each must simply parse.
HOSTILE = {
    "brackets": "card 0: a [" + "], d 1" * 5000,
    "open card header": " 0 [" + "a" * 50000,
    "whitespace": " " * 100000 + "x",
    "lsusb words": "Bus 001 Device 001: ID " * 5000,
    "colons": "00:1d.7 " + "a:" * 30000,
    "dashes": " 0 [x]: " + "a - " * 20000,
    "many listings": "\n".join(f" {i % 100} [X{i}]: D - N\n   L" for i in range(3000)),
    "device nodes": "$ ls /dev/snd\n" + " ".join(f"pcmC{i}D{i}p" for i in range(5000)),
    "prompt": "user@host:" + "~" * 50000 + "$ ls",
    "usb port": "[ 1.0] usb 1-" + "1." * 20000 + ": new full speed",
    "rates": "x : USB Audio\nPlayback:\n" + "Rates: " + "1, " * 30000,
    "modules": "!!Loaded ALSA modules\n" + "\n".join(f"snd_x{i}" for i in range(5000)),
    "json nesting": "!!Stagebox machine facts (JSON)\n--startcollapse--\n" + "[" * 100000,
    "spaced module": "!!Loaded ALSA modules\nsnd" + " " * 50000 + "x",
    "no such file": "a" * 50000 + ": No such file or directory",
}


def test_hostile_shapes_parse_and_keep_notes_short() -> None:
    for name, text in HOSTILE.items():
        facts = check(text)
        assert len(facts.notes) <= 40, name
        assert all(len(note) <= 300 for note in facts.notes), name
