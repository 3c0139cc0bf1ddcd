"""``stagebox alsa check``: is the config Stagebox wrote still read the way it should be?"""

from __future__ import annotations

from dataclasses import dataclass, field

from stagebox.core.alsaconf import block, libasound
from stagebox.core.alsaconf.conflicts import definitions
from stagebox.core.alsaconf.plan import decode_config, read_config
from stagebox.core.alsaconf.validate import Validation, syntax_validation, validate_names
from stagebox.core.paths import UserPaths


@dataclass
class CheckReport:
    ok: bool
    lines: list[str] = field(default_factory=list)  # plain words, one finding per line
    validations: dict[str, Validation] = field(default_factory=dict)


def managed_names(text: str) -> list[str]:
    """The PCM names inside Stagebox's block of ``text`` (read by alsa-lib, not by regex)."""
    parts = block.split(text)
    if parts.block is None:
        return []
    parsed = libasound.parse(parts.block)
    return sorted(definitions(parsed.tree or {}, "pcm"))


def check_current(paths: UserPaths) -> CheckReport:
    """Open every device of Stagebox's block with the real alsa-lib, as JACK would."""
    text = decode_config(read_config(paths.asoundrc))
    whole = libasound.parse(text)
    if whole.problem is not None:
        bad = syntax_validation("~/.asoundrc", whole.problem)
        return CheckReport(False, [f"~/.asoundrc: {bad.message}", f"  fix: {bad.fix}"])
    names = managed_names(text)
    if not names:
        return CheckReport(
            True,
            [
                "Stagebox has not written a usb_stream device into ~/.asoundrc here.",
                "Run `stagebox alsa plan` to see whether one is needed.",
            ],
        )
    checks = validate_names(names, paths)
    report = CheckReport(all(c.accepted for c in checks.values()), validations=checks)
    for name, check in checks.items():
        mark = "ok" if check.accepted else "PROBLEM"
        report.lines.append(f"{name}: {mark}: {check.message}")
        if not check.accepted and check.fix:
            report.lines.append(f"  fix: {check.fix}")
        report.lines += [f"    {line}" for line in check.alsa_log if not check.accepted]
    return report
