"""The shared foundation: root path, atomic writes, the change journal, the CLI spine."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from stagebox.core.atomic import atomic_write
from stagebox.core.errors import StageboxError
from stagebox.core.journal import Journal
from stagebox.core.naming import pcm_name_for_model
from stagebox.core.paths import UserPaths
from stagebox.core.sysroot import SystemRoot


def test_sysroot_resolves_absolute_links_inside_the_root(tmp_path: Path) -> None:
    dev = tmp_path / "sys/devices/pci0000:00/0000:00:1d.7"
    dev.mkdir(parents=True)
    (dev / "class").write_text("0x0c0320\n")
    drivers = tmp_path / "sys/bus/pci/drivers/ehci-pci"
    drivers.mkdir(parents=True)
    os.symlink("/sys/devices/pci0000:00/0000:00:1d.7", drivers / "0000:00:1d.7")
    os.symlink("/nowhere", drivers / "dead")
    root = SystemRoot(tmp_path)
    assert root.read_attr("/sys/bus/pci/drivers/ehci-pci/0000:00:1d.7/class") == "0x0c0320"
    assert root.resolve("/sys/bus/pci/drivers/ehci-pci/0000:00:1d.7") == (
        "/sys/devices/pci0000:00/0000:00:1d.7"
    )
    assert root.resolve("/sys/bus/pci/drivers/ehci-pci/dead") is None
    assert root.read_text("/sys/bus/pci/drivers/ehci-pci/dead") is None


def test_sysroot_refuses_binary_and_caps_huge_files(tmp_path: Path) -> None:
    (tmp_path / "bin").write_bytes(b"abc\0def")
    (tmp_path / "big").write_bytes(b"x" * 5000)
    root = SystemRoot(tmp_path)
    assert root.read_text("/bin") is None
    assert root.read_text("/big", limit=100) == "x" * 100


def test_atomic_write_follows_symlink_and_keeps_mode(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "asoundrc"
    real.parent.mkdir()
    real.write_text("old\n")
    real.chmod(0o600)
    link = tmp_path / ".asoundrc"
    link.symlink_to(real)
    atomic_write(link, b"new\n")
    assert link.is_symlink() and real.read_text() == "new\n"
    assert real.stat().st_mode & 0o777 == 0o600


def test_journal_backup_and_undo_restore_bytes_exactly(tmp_path: Path) -> None:
    journal = Journal(UserPaths.from_env())
    target = tmp_path / "file"
    original = b"user text\r\nwith CRLF \xc3\xa9\n"
    target.write_bytes(original)
    entry = journal.write_file(target, "stagebox text\n", feature="test", summary="test write")
    assert target.read_text() == "stagebox text\n"
    assert journal.last("test") == entry
    journal.undo_file(entry)
    assert target.read_bytes() == original
    assert journal.last("test") is None


def test_journal_refuses_undo_after_user_edit_unless_forced(tmp_path: Path) -> None:
    journal = Journal(UserPaths.from_env())
    target = tmp_path / "file"
    entry = journal.write_file(target, "ours\n", feature="test", summary="create")
    target.write_text("edited by the user\n")
    with pytest.raises(StageboxError, match="changed after Stagebox wrote it"):
        journal.undo_file(entry)
    journal.undo_file(entry, force=True)
    assert not target.exists()  # it did not exist before Stagebox created it
    backups = list(UserPaths.from_env().backup_dir.iterdir())
    assert any(b.read_text() == "edited by the user\n" for b in backups)  # nothing lost


def test_pcm_names_are_readable_and_unique() -> None:
    assert pcm_name_for_model("Tascam US-144MKII", "US122L") == "us-144mkii"
    assert pcm_name_for_model("Tascam US-122L", "US122L", {"us-122l"}) == "us-122l-2"
    assert pcm_name_for_model(None, "US122L") == "us122l"


def test_cli_accepts_root_after_the_command(run_cli, tmp_path: Path) -> None:
    result = run_cli("journal", "--root", str(tmp_path))
    assert result.code == 0 and "not changed anything" in result.out
    bad = run_cli("--root", str(tmp_path / "missing"), "journal")
    assert bad.code == 2 and "not a directory" in bad.err


def test_facts_json_round_trip() -> None:
    from stagebox.core.facts import (
        CardFacts,
        Direction,
        HostControllerType,
        MachineFacts,
        PciDeviceFacts,
        PcmDevice,
        StreamInfo,
        UsbDeviceFacts,
        facts_from_json,
        facts_to_json,
    )

    facts = MachineFacts(
        source="live",
        alsa_loaded=True,
        kernel="6.1.0-13-amd64",
        cards=[
            CardFacts(
                index=1,
                id="C400",
                pcms=[PcmDevice(0, "USB Audio", True, True)],
                streams=[StreamInfo(Direction.PLAYBACK, rates=[48000], implicit_feedback=True)],
            )
        ],
        usb_devices=[UsbDeviceFacts("0644:8020", speed="high", controller="0000:00:1a.7")],
        pci_devices=[PciDeviceFacts("0000:00:1a.7", controller_type=HostControllerType.EHCI)],
        hcd_bindings={"ehci-pci": ["0000:00:1a.7"]},
    )
    assert facts_from_json(facts_to_json(facts)) == facts
