"""The running kernel's build configuration: /proc/config.gz, else /boot/config-<release>."""

from __future__ import annotations

import gzip
import logging
import zlib

from stagebox.core.checks.base import KernelConfig
from stagebox.core.sysroot import MAX_READ_BYTES, SystemRoot

log = logging.getLogger(__name__)


def read_kernel_config(root: SystemRoot) -> KernelConfig:
    text = _read_gzip(root, "/proc/config.gz")
    source = "/proc/config.gz"
    release = root.kernel_release()
    if text is None and release:
        source = f"/boot/config-{release}"
        text = root.read_text(source, limit=4 * MAX_READ_BYTES)
    if text is None:
        return KernelConfig(None, {})
    return KernelConfig(source, parse_kernel_config(text))


def parse_kernel_config(text: str) -> dict[str, str]:
    """``CONFIG_X=y`` lines -> {"CONFIG_X": "y"}; ``# CONFIG_X is not set`` -> "n"."""
    options: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("CONFIG_") and "=" in line:
            name, _, value = line.partition("=")
            options[name] = value.strip('"')
        elif line.startswith("# CONFIG_") and line.endswith(" is not set"):
            options[line[2:].split()[0]] = "n"
    return options


def _read_gzip(root: SystemRoot, abs_path: str) -> str | None:
    real = root.resolve(abs_path)
    if real is None:
        return None
    try:
        with gzip.open(root.path(real), "rb") as handle:
            data = handle.read(8 * MAX_READ_BYTES)
    except (OSError, EOFError, zlib.error) as exc:
        log.debug("cannot read %s: %s", abs_path, exc)
        return None
    return data.decode("utf-8", errors="replace")
