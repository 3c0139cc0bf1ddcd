"""``stagebox report``: alsa-info layout, redaction, atomic --output, JACK files."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from stagebox import __version__
from stagebox.core.facts import FACTS_SECTION_TITLE, CardFacts, MachineFacts, UsbDeviceFacts
from stagebox.core.paths import UserPaths
from stagebox.core.report import Redactor, _facts_json, build_report, find_jack_log
from stagebox.core.sysroot import SystemRoot

from tests.checks.tree import Tree

SECTIONS = (
    "Linux Distribution",
    "Kernel Information",
    "ALSA Version",
    "Loaded ALSA modules",
    "Sound Servers on this system",
    "Soundcards recognised by ALSA",
    "Stagebox detection result",
    "Stagebox checks",
    "JACK settings and command line",
    "Last JACK log",
    "ALSA and JACK configuration files",
    "Packages installed",
)
CARDS = (
    " 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n"
    "                      HDA Intel PCH at 0xf7f10000 irq 32\n"
)


def sections(text: str) -> dict[str, str]:
    """Section title -> body, split on alsa-info's ``!!Title`` + ``!!---`` pairs."""
    found: dict[str, str] = {}
    parts = re.split(r"^!!([^#\-\n].*)\n!!(-+)\n", text, flags=re.MULTILINE)
    for title, rule, body in zip(parts[1::3], parts[2::3], parts[3::3], strict=True):
        assert len(rule) == len(title), title
        found[title] = body.lstrip("\n")
    return found


def machine(tree: Tree) -> Tree:
    tree.write("/etc/os-release", 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n')
    tree.write("/proc/sys/kernel/osrelease", "6.1.0-13-amd64\n")
    tree.write("/proc/cmdline", "BOOT_IMAGE=/vmlinuz ro quiet\n")
    tree.write("/proc/asound/cards", CARDS)
    tree.write("/proc/asound/version", "Advanced Linux Sound Architecture Driver Version k6.1.0.\n")
    tree.write("/proc/asound/modules", " 0 snd_hda_intel\n")
    tree.write(
        "/var/lib/dpkg/status",
        "Package: jackd2\nStatus: install ok installed\nVersion: 1.9.21~dfsg-3\n\n"
        "Package: libasound2\nStatus: install ok installed\nVersion: 1.2.8-1+b1\n",
    )
    tree.write("/proc/4242/comm", "pipewire\n")
    return tree


def test_report_layout(tree: Tree) -> None:
    text = build_report(machine(tree).root, UserPaths.from_env(), now=0)
    lines = text.splitlines()
    assert lines[:3] == [
        "!!################################",
        f"!!Stagebox report v{__version__}",
        "!!################################",
    ]
    assert "!!Script ran on: Thu Jan 01 00:00:00 UTC 1970" in lines
    assert "sent nowhere" in text
    found = sections(text)
    assert [t for t in found if t in SECTIONS] == list(SECTIONS)  # all, in this order
    assert CARDS in found["Soundcards recognised by ALSA"]  # verbatim
    assert "snd_hda_intel" in found["Loaded ALSA modules"]
    assert "k6.1.0" in found["ALSA Version"] and "1.2.8-1+b1" in found["ALSA Version"]
    assert "pipewire: running (pid 4242)" in found["Sound Servers on this system"]
    assert "Debian GNU/Linux 12" in found["Linux Distribution"]
    assert "6.1.0-13-amd64" in found["Kernel Information"]
    packages = found["Packages installed"]
    assert re.search(r"^jackd2 +1\.9\.21~dfsg-3$", packages, re.MULTILINE)
    assert re.search(r"^libasound2-plugins +not installed$", packages, re.MULTILINE)
    assert "Nothing was changed." in found["Stagebox checks"]
    config = found["ALSA and JACK configuration files"]
    assert config.startswith("--startcollapse--\n") and "--endcollapse--" in config


def test_report_on_this_machine() -> None:
    text = build_report(SystemRoot(), UserPaths.from_env())
    found = sections(text)
    assert set(SECTIONS) <= set(found)


def test_jack_files_are_in_the_report(tree: Tree) -> None:
    paths = UserPaths.from_env()
    paths.jackdrc.write_text("/usr/bin/jackd -P75 -dalsa -dhw:USB -r48000 -p256 -n2\n")
    paths.asoundrc.write_text(
        '# >>> stagebox: managed block >>>\npcm.us122l { type usb_stream card "US122L" }\n'
        "# <<< stagebox <<<\n"
    )
    log_dir = paths.state_dir / "jack"
    log_dir.mkdir(parents=True)
    (log_dir / "old.log").write_text("old run\n")
    os.utime(log_dir / "old.log", (1, 1))
    (log_dir / "default.log").write_text(
        "# stagebox: jackd -dalsa\n" + "".join(f"line {n}\n" for n in range(300))
    )
    assert find_jack_log(paths) == log_dir / "default.log"
    found = sections(build_report(machine(tree).root, paths))
    jack = found["JACK settings and command line"]
    assert "~/.jackdrc command line: /usr/bin/jackd -P75 -dalsa -dhw:USB -r48000 -p256 -n2" in jack
    assert "rate 48000, period 256 frames, 2 periods" in jack
    assert "latency 10.7 ms" in jack
    log = found["Last JACK log"]
    assert log.startswith("--startcollapse--\n~/.local/state/stagebox/jack/default.log")
    assert "\nline 299\n" in log and "\nline 99\n" not in log  # the last 200 lines only
    config = found["ALSA and JACK configuration files"]
    assert "~/.asoundrc (with a Stagebox block)" in config
    assert 'card "US122L"' in config


def test_redactor_is_consistent_and_keeps_json_valid() -> None:
    redactor = Redactor(home="/home/alice", users=["alice"], hosts=["studio-pc"])
    facts = MachineFacts(
        source="live",
        cards=[CardFacts(index=1, id="USB", usb_id="1235:8014", serial="00031337")],
        usb_devices=[
            UsbDeviceFacts(usb_id="1235:8014", serial="00031337", name="alice's Scarlett"),
            UsbDeviceFacts(usb_id="046d:0825", serial="ABCDEF01"),
        ],
    )
    for serial in ("00031337", "ABCDEF01"):
        redactor.serial(serial)
    data = json.loads(_facts_json(facts, redactor))
    assert data["cards"][0]["serial"] == data["usb_devices"][0]["serial"] == "<serial-1>"
    assert data["usb_devices"][1]["serial"] == "<serial-2>"
    assert data["usb_devices"][0]["name"] == "<user>'s Scarlett"
    text = redactor.text(
        "/home/alice/x on studio-pc by alice, serial 00031337; alicea, /home/alice2, studio-pcs"
    )
    assert text == "~/x on <host> by <user>, serial <serial-1>; alicea, /home/alice2, studio-pcs"
    assert Redactor(home="/home/alice", users=["alice"], enabled=False).text("/home/alice") == (
        "/home/alice"
    )


@pytest.fixture
def private_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A machine with a Scarlett carrying a serial, a host name, and a user's home."""
    from tests.fakeroot import FakeMachine

    home = tmp_path / "alice-musician"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USER", "alice-musician")
    m = FakeMachine(tmp_path / "root", kernel="6.8.0-45-generic")
    xhci = m.pci_controller("0000:00:14.0", "xhci")
    usb = m.usb_device(
        xhci,
        usb_id="1235:8215",
        product="Scarlett 18i20 USB",
        manufacturer="Focusrite",
        serial="P9EAC6K0912345",
        drivers=["snd-usb-audio", "snd-usb-audio"],
    )
    m.alsa_card(
        1,
        "USB",
        "USB-Audio",
        "Scarlett 18i20 USB",
        "Focusrite Scarlett 18i20 USB at usb-0000:00:14.0-1, high speed",
        module="snd_usb_audio",
        usb=usb,
    )
    m.finish()
    m.write("/etc/hostname", "stage-laptop\n")
    m.write("/proc/sys/kernel/hostname", "stage-laptop\n")
    (home / ".jackdrc").write_text(f"/usr/bin/jackd -dalsa -dhw:USB -r48000 # {home}/jack\n")
    (home / ".asoundrc").write_text(f"# alice-musician's file on stage-laptop: {home}/x\n")
    return m.path


def test_report_redacts_home_user_host_and_serials(private_machine: Path) -> None:
    root = SystemRoot.at(private_machine)
    paths = UserPaths.from_env()
    secrets = ("alice-musician", "stage-laptop", "P9EAC6K0912345", str(paths.home))
    redacted = build_report(root, paths)
    for secret in secrets:
        assert secret not in redacted, secret
    assert "<user>" in redacted and "<host>" in redacted and "~/jack" in redacted
    facts = json.loads(_facts_block(redacted))
    serials = {d["serial"] for d in facts["usb_devices"] if d["serial"]}
    assert serials == {"<serial-1>"}
    kept = build_report(root, paths, redact=False)
    for secret in secrets:
        assert secret in kept, secret
    assert "may contain your user name" in kept


def _facts_block(text: str) -> str:
    body = sections(text)[FACTS_SECTION_TITLE]
    inner = body.split("--startcollapse--\n", 1)[1].split("\n--endcollapse--", 1)[0]
    return inner


def test_report_output_is_written_atomically(run_cli, tree: Tree, tmp_path: Path) -> None:
    machine(tree)
    target = tmp_path / "out" / "report.txt"
    target.parent.mkdir()
    target.write_text("an older report\n")
    old_inode = target.stat().st_ino
    result = run_cli("report", "--root", str(tree.path), "--output", str(target))
    assert result.code == 0, result.err
    assert result.out == ""
    assert "Nothing was uploaded" in result.err
    text = target.read_text()
    assert text.startswith("!!################################\n!!Stagebox report v")
    assert target.stat().st_ino != old_inode  # replaced by rename, never rewritten in place
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.txt"]  # no temp left
    new = tmp_path / "out" / "new.txt"
    run_cli("report", "--root", str(tree.path), "-o", str(new))
    assert (new.stat().st_mode & 0o777) == 0o600  # private: it describes the machine


def test_report_to_stdout_and_bad_output(run_cli, tree: Tree, tmp_path: Path) -> None:
    machine(tree)
    result = run_cli("report", "--root", str(tree.path), "--no-redact")
    assert result.code == 0 and result.out.startswith("!!####")
    assert run_cli("report", "--root", str(tree.path), "--output", str(tmp_path)).code == 2


def test_report_help_says_never_uploaded(run_cli) -> None:
    result = run_cli("report", "--help")
    assert "never uploads" in " ".join(result.out.split())
