"""Read a pasted report from a file, refusing what cannot be a paste with one clear line."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from stagebox.core.errors import InputError

#: A pasted report is a few KiB; alsa-info of a big machine stays well under 1 MiB.
MAX_CAPTURE_BYTES = 4 * 1024 * 1024
_TEXT_CONTROLS = {0x09, 0x0A, 0x0C, 0x0D, 0x1B}
_MAX_CONTROL_SHARE = 0.05


def read_capture_file(path: Path) -> str:
    """The text of a saved paste. Raises InputError for a missing, unreadable, empty,
    binary or huge file, or a directory."""
    shown = str(path)
    try:
        with open(path, "rb") as stream:
            if os.fstat(stream.fileno()).st_size > MAX_CAPTURE_BYTES:
                raise _huge(shown)
            data = stream.read(MAX_CAPTURE_BYTES + 1)
    except FileNotFoundError:
        raise InputError(
            f"{shown}: no such file", "check the path (save the pasted text to a file first)"
        ) from None
    except IsADirectoryError:
        raise InputError(
            f"{shown} is a folder, not a file", "give the file that holds the pasted text"
        ) from None
    except PermissionError:
        raise InputError(
            f"{shown}: permission denied", "make the file readable for you (chmod u+r) or copy it"
        ) from None
    except OSError as exc:
        raise InputError(
            f"{shown} cannot be read ({exc.strerror or exc})", "copy the text into a plain file"
        ) from None
    if len(data) > MAX_CAPTURE_BYTES:
        raise _huge(shown)
    if not data.strip():
        raise InputError(f"{shown} is empty", "paste the command output into the file and save it")
    return _decode(data, shown)


def _huge(shown: str) -> InputError:
    return InputError(
        f"{shown} is larger than {MAX_CAPTURE_BYTES // (1024 * 1024)} MiB: not a pasted report",
        "keep only the command output (alsa-info, /proc/asound/cards, lsusb, ...) in the file",
    )


def _decode(data: bytes, shown: str) -> str:
    binary = InputError(
        f"{shown} is a binary file, not pasted text",
        "save the report as plain text (for alsa-info: alsa-info.sh --stdout > report.txt)",
    )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:  # saved as "Unicode" by a Windows editor
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise binary from None
    if b"\x00" in data:
        raise binary
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    controls = sum(1 for byte in data if byte < 0x20 and byte not in _TEXT_CONTROLS or byte == 0x7F)
    high = sum(1 for byte in data if byte >= 0x80)
    if controls > _MAX_CONTROL_SHARE * len(data) or high > 0.3 * len(data):
        raise binary
    # Old pastes in Latin-1 ("Gerät"): every byte decodes, the few high ones are letters.
    return data.decode("latin-1")
