"""Odd /proc and /sys, unusable files: a clear message and exit 2, or a graceful result."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from stagebox.core.detect import detect_live
from stagebox.core.sysroot import SystemRoot

from tests.conftest import FIXTURES, REPO

ROOTS = FIXTURES / "roots"


@pytest.fixture
def tree(tmp_path: Path):
    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(ROOTS / name, target, symlinks=True)
        return target

    return copy


def _codes(result) -> set[str]:
    return {f.code for f in result.findings}


def test_dead_symlinks_are_skipped(tree) -> None:
    root = tree("us122l-ich5")
    device = root / "sys/class/sound/card1/device"
    device.unlink()
    device.symlink_to("../../../no/such/interface")
    (root / "sys/bus/usb/devices/1-7").symlink_to("../../../devices/pci0000:00/gone/usb1/1-7")
    (root / "proc/asound/card1/id").unlink()
    (root / "proc/asound/card1/id").symlink_to("/nowhere")
    result = detect_live(SystemRoot.at(root))
    card = result.card(1)
    # the card's sysfs link is dead; the long name still says 644:800e at 001/003, and
    # that bus/device number finds the device under /sys/bus/usb/devices
    assert card.id == "US122L" and card.usb_id == "0644:800e"
    assert card.access.value == "usb_stream" and card.controller == "0000:00:1d.7"


def test_unreadable_file_is_reported_not_fatal(tree, run_cli) -> None:
    root = tree("onboard-only")
    pcm = root / "proc/asound/pcm"
    pcm.unlink()
    pcm.mkdir()  # reading it fails like a permission error does
    cli = run_cli("detect", "--root", str(root), "--json")
    assert cli.code == 0
    data = json.loads(cli.out)
    unreadable = next(f for f in data["findings"] if f["code"] == "proc_unreadable")
    assert "/proc/asound/pcm" in unreadable["message"]
    assert data["cards"][0]["id"] == "PCH"


@pytest.mark.skipif(not shutil.which("setpriv"), reason="needs setpriv to drop root")
def test_permission_denied_as_an_ordinary_user(tmp_path: Path) -> None:
    """A real EACCES: the tree is readable by 'nobody' except one file."""
    if os.geteuid() != 0:
        pytest.skip("drops privileges with setpriv, which needs root")
    top = Path("/tmp") / f"stagebox-perm-{os.getpid()}"
    shutil.rmtree(top, ignore_errors=True)
    top.mkdir(mode=0o755)
    try:
        root = top / "m"
        shutil.copytree(ROOTS / "scarlett-18i20-xhci", root, symlinks=True)
        (root / "proc/asound/card2/pcm0p/sub0/status").chmod(0)
        (root / "proc/asound/modules").chmod(0)
        done = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
             sys.executable, "-m", "stagebox", "detect", "--root", str(root), "--json"],
            capture_output=True, text=True, cwd="/", timeout=60,
            env={**os.environ, "PYTHONPATH": str(REPO / "app"), "HOME": str(top)},
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        data = json.loads(done.stdout)
        unreadable = next(f for f in data["findings"] if f["code"] == "proc_unreadable")
        assert "/proc/asound/modules" in unreadable["message"]
        assert "/proc/asound/card2/pcm0p/sub0/status" in unreadable["message"]
        # the module still comes from the sysfs driver link
        assert [c["module"] for c in data["cards"]] == ["snd_hda_intel"] * 2 + ["snd_usb_audio"]
        assert "device_busy" not in {f["code"] for f in data["findings"]}
    finally:
        shutil.rmtree(top, ignore_errors=True)


@pytest.mark.parametrize(
    "content",
    [
        b" 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n                      HDA Intel PC",
        b" 0 [PC",
        b"\x00\x01\x02ELF binary\x00",
        b"complete garbage\n\n\n]]]: [[[ - -\n",
        b"",
        "\u00e4\u00f6\u00fc [\u00df]: - \ufffd\n".encode(),
    ],
    ids=["truncated-longname", "truncated-header", "binary", "garbage", "empty", "unicode"],
)
def test_odd_proc_asound_cards(tree, run_cli, content: bytes) -> None:
    root = tree("onboard-only")
    (root / "proc/asound/cards").write_bytes(content)
    cli = run_cli("detect", "--root", str(root), "--json")
    assert cli.code == 0, cli.err
    data = json.loads(cli.out)
    assert data["alsa"] == "loaded"
    assert all(isinstance(c["index"], int) for c in data["cards"])
    text = run_cli("detect", "--root", str(root))
    assert text.code == 0 and "Traceback" not in text.err


def test_no_proc_asound_at_all(tree) -> None:
    root = tree("us144mkii-ehci-nocard")
    shutil.rmtree(root / "proc/asound")
    result = detect_live(SystemRoot.at(root))
    assert result.alsa.value == "not_loaded" and "alsa_not_loaded" in _codes(result)
    # the USB side is still read: the device and its fix are still reported
    assert [u.usb_id for u in result.usb_audio_without_card] == ["0644:8020"]


def test_root_that_is_not_a_directory(run_cli, tmp_path: Path) -> None:
    cli = run_cli("detect", "--root", str(tmp_path / "missing"))
    assert cli.code == 2
    assert "not a directory" in cli.err and "Traceback" not in cli.err


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: None, "no such file"),
        (lambda p: p.write_text(""), "empty"),
        (lambda p: p.write_bytes(b"\x7fELF\x00\x00\x01" * 100), "binary"),
        (lambda p: p.write_text("x" * (64 * 1024 * 1024)), "large"),
        (lambda p: p.mkdir(), "folder"),
    ],
    ids=["missing", "empty", "binary", "huge", "directory"],
)
def test_unusable_capture_file_exits_2(run_cli, tmp_path: Path, make, words: str) -> None:
    path = tmp_path / "paste.txt"
    make(path)
    cli = run_cli("detect", "--capture", str(path))
    assert cli.code == 2
    assert words in cli.err.lower() and "Traceback" not in cli.err
    assert cli.err.startswith("stagebox: ")


def test_capture_and_root_together_is_bad_input(run_cli, tmp_path: Path) -> None:
    paste = tmp_path / "paste.txt"
    paste.write_text(" 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n")
    cli = run_cli("detect", "--capture", str(paste), "--root", str(tmp_path))
    assert cli.code == 2 and "only one" in cli.err
