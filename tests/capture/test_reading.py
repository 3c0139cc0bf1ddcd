"""read_capture_file refuses what cannot be a paste with one clear line (InputError, exit 2)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from stagebox.core.capture import MAX_CAPTURE_BYTES, read_capture_file
from stagebox.core.errors import ExitCode, InputError

from tests.conftest import capture_path


def refused(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        read_capture_file(path)
    error = info.value
    assert error.exit_code is ExitCode.BAD_INPUT
    assert "\n" not in error.message and error.fix
    assert str(path) in error.message
    return error


def test_reads_a_real_capture() -> None:
    text = read_capture_file(capture_path("02"))
    assert "ALSA Information Script" in text


def test_missing_file(tmp_path: Path) -> None:
    assert "no such file" in refused(tmp_path / "nope.txt").message


def test_empty_and_blank_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert "is empty" in refused(empty).message
    blank = tmp_path / "blank.txt"
    blank.write_text("\n  \n\t\n")
    assert "is empty" in refused(blank).message


def test_directory(tmp_path: Path) -> None:
    assert "is a folder" in refused(tmp_path).message


def test_binary_files(tmp_path: Path) -> None:
    with_nul = tmp_path / "image.png"
    with_nul.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert "binary" in refused(with_nul).message
    noise = tmp_path / "noise.bin"
    noise.write_bytes(bytes((i * 37 + 11) % 255 + 1 for i in range(4096)))
    assert "binary" in refused(noise).message


def test_latin1_paste_is_text(tmp_path: Path) -> None:
    german = tmp_path / "karte.txt"
    german.write_bytes("Karte 0: Intel [HDA Intel], Gerät 0: ALC662 [ALC662]\n".encode("latin-1"))
    assert "Gerät 0" in read_capture_file(german)


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as stream:
        stream.truncate(MAX_CAPTURE_BYTES + 1)  # sparse: no 4 MiB written
    error = refused(huge)
    assert "larger than 4 MiB" in error.message


def test_stream_without_size_is_capped(tmp_path: Path) -> None:
    # /dev/zero reports size 0 and never ends: the cap still stops it
    error = refused(Path("/dev/zero"))
    assert "larger than" in error.message or "binary" in error.message


def _unreadable_file(tmp_path: Path) -> Path | None:
    if os.geteuid() != 0:
        locked = tmp_path / "locked.txt"
        locked.write_text(" 0 [Intel ]: HDA-Intel - HDA Intel\n")
        locked.chmod(0)
        return locked
    # root reads any mode-000 file; a write-only sysfs attribute refuses reading even to root
    for candidate in ("/sys/bus/pci/rescan", "/sys/bus/pci/drivers_probe"):
        path = Path(candidate)
        try:
            path.open("rb").close()
        except PermissionError:
            return path
        except OSError:
            continue
    return None


def test_permission_denied(tmp_path: Path) -> None:
    path = _unreadable_file(tmp_path)
    if path is None:
        pytest.skip("running as root without a write-only sysfs file: cannot deny reading")
    assert "permission denied" in refused(path).message


def test_utf16_paste_from_a_windows_editor(tmp_path: Path) -> None:
    saved = tmp_path / "notepad.txt"
    saved.write_bytes(" 1 [USB            ]: USB-Audio - Scarlett 2i2 USB\r\n".encode("utf-16"))
    assert "Scarlett 2i2 USB" in read_capture_file(saved)
