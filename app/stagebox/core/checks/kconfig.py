"""The running kernel's build configuration: /proc/config.gz, else /boot/config-<release>."""

from __future__ import annotations

import gzip
import logging
import re
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


_SET = re.compile(r"^(CONFIG_\w+)=(.*)$", re.MULTILINE)
_NOT_SET = re.compile(r"^# (CONFIG_\w+) is not set$", re.MULTILINE)


def parse_kernel_config(text: str) -> dict[str, str]:
    """``CONFIG_X=y`` lines -> {"CONFIG_X": "y"}; ``# CONFIG_X is not set`` -> "n"."""
    options = {name: "n" for name in _NOT_SET.findall(text)}
    options.update((name, value.strip().strip('"')) for name, value in _SET.findall(text))
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
