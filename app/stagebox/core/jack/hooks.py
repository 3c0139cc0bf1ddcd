"""Commands run after Stagebox starts or stops JACK, with QjackCtl's script macros.

``%P`` preset/profile, ``%N`` server name, ``%s`` server path, ``%d`` driver, ``%i``
interface, ``%r`` rate, ``%p`` period, ``%n`` periods (QjackCtl's ``startJack`` macros).
Values are shell-quoted; the command runs through ``/bin/sh`` as QjackCtl's scripts do.
"""

from __future__ import annotations

import logging
import re
import shlex
import subprocess
from typing import IO

from stagebox.core.jack import system
from stagebox.core.jack.settings import JackSettings

log = logging.getLogger(__name__)

HOOK_TIMEOUT_S = 30


def macro_values(settings: JackSettings, preset: str = "") -> dict[str, str]:
    return {
        "P": preset,
        "N": system.effective_server_name(settings.server_name),
        "s": settings.server_path,
        "d": settings.driver,
        "i": settings.device or settings.capture_device or settings.playback_device,
        "r": str(settings.rate),
        "p": str(settings.period),
        "n": str(settings.periods),
    }


def expand_macros(command: str, settings: JackSettings, preset: str = "") -> str:
    values = macro_values(settings, preset)

    def one(match: re.Match[str]) -> str:
        key = match[1]
        if key == "%":
            return "%"
        return shlex.quote(values[key]) if key in values else match[0]

    return re.sub(r"%([PNsdirpn%])", one, command)


def run_hook(
    command: str, settings: JackSettings, preset: str = "", log_file: IO[str] | None = None
) -> int:
    """Run one hook; its output goes to the JACK log. Returns its exit code (never raises)."""
    if not command.strip():
        return 0
    expanded = expand_macros(command, settings, preset)
    try:
        done = subprocess.run(
            ["/bin/sh", "-c", expanded],
            capture_output=True,
            text=True,
            timeout=HOOK_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning("hook %r failed: %s", expanded, exc)
        return 1
    if log_file is not None:
        log_file.write(f"# stagebox hook: {expanded} (exit {done.returncode})\n")
        log_file.write(done.stdout + done.stderr)
    if done.returncode != 0:
        log.warning("hook %r exited with %d", expanded, done.returncode)
    return done.returncode
