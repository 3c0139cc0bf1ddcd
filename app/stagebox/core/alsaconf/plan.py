"""Plan, apply and undo Stagebox's usb_stream block in ``~/.asoundrc``.

``plan_alsa`` only reads: it works out the exact new file, the diff, the conflicts and
checks the proposed text with the real alsa-lib. ``apply_alsa`` writes exactly that plan
through the change journal (backup, atomic replace) and checks the written file again.
``undo_alsa`` restores the file from the last backup.
"""

from __future__ import annotations

import difflib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stagebox.core.alsaconf import block, libasound
from stagebox.core.alsaconf.conflicts import Conflict, defined_names, find_conflicts
from stagebox.core.alsaconf.plugins import PACKAGE_HINT, PluginSupport, plugin_support
from stagebox.core.alsaconf.render import DeviceSpec, check_stream_settings, render_device
from stagebox.core.alsaconf.validate import Status, Validation, validate_names
from stagebox.core.atomic import real_target
from stagebox.core.errors import StageboxError
from stagebox.core.journal import Entry, Journal
from stagebox.core.model import Access, Card, DetectionResult, Severity
from stagebox.core.naming import pcm_name_for_model
from stagebox.core.paths import UserPaths
from stagebox.core.sysroot import SystemRoot

FEATURE = "alsa"
SYSTEM_CONFIG = "/etc/asound.conf"


@dataclass
class AlsaPlan:
    paths: UserPaths
    path: Path  # ~/.asoundrc as the user knows it (may be a symlink)
    before: bytes | None  # the file now; None = it does not exist
    after: bytes | None  # the file Stagebox would write; None when blocked
    changes_needed: bool
    diff: str
    explanation: list[str]
    conflicts: list[Conflict]
    blocked_reason: str | None
    blocked_fix: str | None = None
    pcm_names: dict[int, str] = field(default_factory=dict)  # card index -> PCM name
    devices: list[DeviceSpec] = field(default_factory=list)
    plugins: PluginSupport | None = None
    validations: dict[str, Validation] = field(default_factory=dict)  # of the proposed file

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "changes_needed": self.changes_needed,
            "blocked_reason": self.blocked_reason,
            "blocked_fix": self.blocked_fix,
            "pcm_names": {str(k): v for k, v in self.pcm_names.items()},
            "explanation": self.explanation,
            "conflicts": [c.to_dict() for c in self.conflicts],
            "diff": self.diff,
            "checks": {
                name: {"status": v.status.value, "message": v.message, "card": v.card}
                for name, v in self.validations.items()
            },
            "plugins": None
            if self.plugins is None
            else {
                "installed": self.plugins.installed,
                "version": self.plugins.version,
                "card_by_id": self.plugins.card_by_id,
                "source": self.plugins.source,
            },
        }


# -- plan ------------------------------------------------------------------------------


def plan_alsa(
    result: DetectionResult,
    paths: UserPaths,
    *,
    rate: int | None = None,
    period_size: int | None = None,
    root: SystemRoot | None = None,
    plugins_version: str | None = None,
) -> AlsaPlan:
    """What Stagebox would change in ``~/.asoundrc`` for the usb_stream cards in ``result``.

    Raises InputError for a rate/period the device cannot run; everything else that stands
    in the way is reported in the plan (``blocked_reason``, ``conflicts``).
    """
    root = root or SystemRoot()
    cards = sorted(
        (c for c in result.cards if c.access is Access.USB_STREAM), key=lambda c: c.index
    )
    for card in cards:
        check_stream_settings(card, rate, period_size)
    path = paths.asoundrc
    before = read_config(path)
    text = decode_config(before)
    plugins = plugin_support(root, plugins_version)
    plan = AlsaPlan(paths, path, before, None, False, "", [], [], None, plugins=plugins)

    whole = libasound.parse(text)
    if whole.problem is not None:
        _block_unparsable(plan, text, whole.problem)
        return plan
    try:
        parts = block.split(text)
    except StageboxError as exc:
        plan.blocked_reason, plan.blocked_fix = exc.message, exc.fix
        return plan

    user_tree = libasound.parse(parts.user_text).tree or {}
    taken = defined_names(user_tree)
    card_ids = {c.index: c.id for c in result.cards}
    # line numbers are looked up in the whole file: the ones the user sees in an editor
    plan.conflicts += find_conflicts(user_tree, text, "~/.asoundrc", card_ids)
    taken |= _other_files(plan, root, card_ids)

    if not cards:
        _nothing_to_do(plan, parts, result)
        return plan
    _note_plugin_state(plan, plugins)
    plan.devices = _device_specs(plan, cards, taken, rate, period_size)
    plan.pcm_names = {card.index: spec.name for card, spec in zip(cards, plan.devices, strict=True)}
    body = _header(cards, plan.devices)
    for spec in plan.devices:
        body += render_device(spec)
    new_text = parts.with_block(block.render(body, parts.newline))
    plan.after = new_text.encode("utf-8", "surrogateescape")
    plan.changes_needed = plan.after != before
    plan.diff = unified_diff(path, text if before is not None else None, new_text)
    _check_proposed(plan, new_text)
    _explain(plan, cards, parts.block is not None)
    return plan


def read_config(path: Path) -> bytes | None:
    target = real_target(path)
    try:
        return target.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError as exc:
        raise StageboxError(f"{path} is a directory, not a file", f"move {path} away") from exc
    except OSError as exc:
        raise StageboxError(
            f"cannot read {path}: {exc.strerror}", f"check the owner and mode of {path}"
        ) from exc


def decode_config(data: bytes | None) -> str:
    # surrogateescape: any byte that is not UTF-8 comes back unchanged when we write
    return "" if data is None else data.decode("utf-8", "surrogateescape")


def _block_unparsable(plan: AlsaPlan, text: str, problem: libasound.SyntaxProblem) -> None:
    where = f"line {problem.line}, column {problem.column}"
    lines = text.splitlines()
    if problem.file not in ("", "_toplevel_"):
        where += f" of the file it includes, {problem.file}"
    elif problem.line > len(lines) or (problem.line == len(lines) and not text.endswith("\n")):
        where += " (the end of the file: a { or [ is never closed)"
    elif problem.line >= 1:
        where += f", which reads: {lines[problem.line - 1].strip()[:80]}"
    plan.blocked_reason = (
        f"alsa-lib cannot read ~/.asoundrc: {problem.reason} at {where}. Stagebox does not "
        "touch a file alsa-lib cannot read. Right now every ALSA program on this machine "
        "fails to read its config because of it."
    )
    plan.blocked_fix = (
        f"open {plan.path} at line {problem.line} and fix it (often a missing or extra "
        "{ or }), or move the file away; then run `stagebox alsa plan` again"
    )
    plan.conflicts.append(
        Conflict(
            "asoundrc_unparsable",
            Severity.ERROR,
            plan.blocked_reason,
            plan.blocked_fix,
            line=problem.line,
        )
    )


def _other_files(plan: AlsaPlan, root: SystemRoot, card_ids: dict[int, str]) -> set[str]:
    """Names and conflicts from /etc/asound.conf (via the system root) and XDG asoundrc."""
    names: set[str] = set()
    xdg = plan.paths.xdg_config_home / "alsa" / "asoundrc"
    sources = [(SYSTEM_CONFIG, root.read_text(SYSTEM_CONFIG)), (str(xdg), _xdg_text(xdg))]
    for source, text in sources:
        if not text:
            continue
        parsed = libasound.parse(text)
        if parsed.problem is not None:
            plan.conflicts.append(
                Conflict(
                    "system_config_unparsable",
                    Severity.WARNING,
                    f"alsa-lib cannot read {source}: {parsed.problem.reason} at line "
                    f"{parsed.problem.line}, column {parsed.problem.column}; ALSA programs "
                    "skip or fail on it",
                    f"fix line {parsed.problem.line} of {source}",
                    source=source,
                    line=parsed.problem.line,
                )
            )
            continue
        tree = parsed.tree or {}
        names |= defined_names(tree)
        plan.conflicts += find_conflicts(tree, text, source, card_ids)
    return names


def _xdg_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return None


def _device_specs(
    plan: AlsaPlan, cards: list[Card], taken: set[str], rate: int | None, period_size: int | None
) -> list[DeviceSpec]:
    assert plan.plugins is not None
    specs: list[DeviceSpec] = []
    used: set[str] = set()
    for card in cards:
        name = _name_for(plan, card, taken, used)
        used.add(name)
        if plan.plugins.card_by_id:
            card_value = card.id
        else:
            card_value = str(card.index)
            plan.conflicts.append(_plugins_too_old(plan.plugins, card, name))
        model = card.model or card.name or card.id
        specs.append(
            DeviceSpec(
                name=name,
                card_value=card_value,
                description=f"{model} (usb_stream, card {card.id})",
                hint=plan.plugins.hint_accepted,
                rate=rate,
                period_size=period_size,
            )
        )
    return specs


def _note_plugin_state(plan: AlsaPlan, plugins: PluginSupport) -> None:
    if plugins.installed is False:
        plan.conflicts.append(
            Conflict(
                "plugin_missing",
                Severity.WARNING,
                "alsa-plugins (with the usb_stream plugin) is not installed, so JACK cannot "
                "open the device even with this config",
                f"install it: sudo apt install {PACKAGE_HINT} (Fedora/Arch: alsa-plugins)",
            )
        )
    elif plugins.version is None and plugins.installed is None:
        plan.conflicts.append(
            Conflict(
                "plugins_version_unknown",
                Severity.INFO,
                "Stagebox could not find out which alsa-plugins is installed and assumes "
                "1.2.5 or newer (2021), which finds the card by its name",
                'if JACK then reports "Invalid type for card", update alsa-plugins',
            )
        )


def _name_for(plan: AlsaPlan, card: Card, taken: set[str], used: set[str]) -> str:
    """Detection's name (``Card.jack_device``) unless the user's config already has it."""
    preferred = card.jack_device
    if not preferred or preferred.startswith("hw:"):
        preferred = pcm_name_for_model(card.model, card.id, used)
    if preferred not in taken and preferred not in used:
        return preferred
    name = pcm_name_for_model(card.model, card.id, taken | used)
    if preferred in taken:
        plan.conflicts.append(
            Conflict(
                "name_taken",
                Severity.WARNING,
                f"your ALSA config already defines a device named '{preferred}' that is not "
                f"Stagebox's; Stagebox leaves it alone and names card {card.id} '{name}' "
                "instead. Use that name in JACK.",
                f"if your '{preferred}' is an older setup for this card, you can remove it "
                "and run `stagebox alsa plan` again to get the usual name",
            )
        )
    return name


def _plugins_too_old(plugins: PluginSupport, card: Card, name: str) -> Conflict:
    version = plugins.version or "this version"
    return Conflict(
        "plugins_too_old",
        Severity.WARNING,
        f"alsa-plugins {version} is older than 1.2.5, whose usb_stream plugin cannot find a "
        f"card by its name, so '{name}' names card {card.id} by its number ({card.index}). "
        "That breaks when the order of the cards changes (another USB audio device, "
        "plugged in differently): then run `stagebox alsa apply` again.",
        f"update alsa-plugins ({PACKAGE_HINT}) to 1.2.5 or newer; Stagebox then writes the "
        "card name",
    )


def _header(cards: list[Card], specs: list[DeviceSpec]) -> list[str]:
    lines = ["# Written by Stagebox for JACK. Each device is a usb_stream PCM + its ctl twin."]
    for card, spec in zip(cards, specs, strict=True):
        lines.append(f"# {card.model or card.id} (card {card.id}): JACK device '{spec.name}'")
    return lines


def _nothing_to_do(plan: AlsaPlan, parts: block.SplitFile, result: DetectionResult) -> None:
    say = plan.explanation.append
    for device in result.usb_audio_without_card:
        say(
            f"{device.model or device.usb_id} is connected but has no ALSA card yet "
            f"({device.reason}); once it has one, run `stagebox alsa plan` again."
        )
    if parts.block is not None:
        say(
            "No usb_stream interface is plugged in now. Stagebox's block in ~/.asoundrc stays "
            "as it is, so the device works when it is back; `stagebox alsa undo` removes it."
        )
    else:
        say(
            "No sound card here needs an ALSA config: only the Tascam US-122L/US-144 family "
            "(snd-usb-us122l, usb_stream) does. ~/.asoundrc stays as it is."
        )


def unified_diff(path: Path, old: str | None, new: str) -> str:
    """The exact change as a unified diff (line breaks shown as plain lines)."""
    old_lines = [] if old is None else [line.rstrip("\r\n") for line in old.splitlines(True)]
    new_lines = [line.rstrip("\r\n") for line in new.splitlines(True)]
    label = _as_user_writes_it(path)
    return "\n".join(
        difflib.unified_diff(
            old_lines,
            new_lines,
            fromfile="/dev/null" if old is None else label,
            tofile=label,
            lineterm="",
        )
    )


def _as_user_writes_it(path: Path) -> str:
    """``~/.asoundrc`` rather than ``/home/ana/.asoundrc``: the name users know."""
    home = Path(os.path.expanduser("~"))
    return f"~/{path.relative_to(home)}" if path.is_relative_to(home) else str(path)


def _check_proposed(plan: AlsaPlan, new_text: str) -> None:
    """Open every proposed name with the real alsa-lib before anything is written."""
    plan.validations = validate_names([d.name for d in plan.devices], new_text)
    for name, check in plan.validations.items():
        if check.status is Status.PLUGIN_MISSING:
            if not any(c.code == "plugin_missing" for c in plan.conflicts):
                plan.conflicts.append(
                    Conflict("plugin_missing", Severity.WARNING, check.message, check.fix)
                )
        elif not check.accepted:
            plan.blocked_reason = (
                f"alsa-lib does not accept the config Stagebox made for '{name}': "
                f"{check.message}. Nothing was written."
            )
            plan.blocked_fix = "please report this as a Stagebox bug with `stagebox report`"


def _explain(plan: AlsaPlan, cards: list[Card], had_block: bool) -> None:
    say = plan.explanation.append
    for card, spec in zip(cards, plan.devices, strict=True):
        model = card.model or card.id
        say(
            f"{model} (card {card.id}) has no ordinary sound device: its driver "
            "(snd-usb-us122l) offers only a 'usb_stream' connection, which JACK reaches "
            f"through the ALSA plugin of that name. Stagebox defines the device '{spec.name}' "
            "(pcm, type usb_stream) and its control twin (ctl, type hw), because jackd opens both."
        )
        if spec.card_value == card.id:
            say(
                f'Both name the card by its id "{card.id}", not by its number, so they keep '
                "working when cards are numbered differently after a reboot or replug."
            )
        check = plan.validations.get(spec.name)
        if check is not None:
            say(f"alsa-lib check of the new file: {check.message}.")
    if plan.devices and (plan.devices[0].rate or plan.devices[0].period_size):
        fixed = []
        if plan.devices[0].rate:
            fixed.append(f"rate {plan.devices[0].rate} Hz")
        if plan.devices[0].period_size:
            fixed.append(f"period {plan.devices[0].period_size} frames")
        say(f"You fixed {' and '.join(fixed)}; the plugin will refuse any other value.")
    if not plan.changes_needed:
        say("~/.asoundrc already holds exactly this: nothing to change.")
    elif had_block:
        say("Only Stagebox's own marked block changes; the rest of the file stays byte for byte.")
    elif plan.before is None:
        say("~/.asoundrc does not exist yet; Stagebox creates it with only its marked block.")
    else:
        say(
            "Stagebox adds a marked block at the end of ~/.asoundrc; everything you wrote "
            "stays byte for byte. A backup is kept and `stagebox alsa undo` puts the file back."
        )


# -- apply / undo ----------------------------------------------------------------------


def apply_alsa(plan: AlsaPlan, journal: Journal) -> Entry | None:
    """Write the plan (backup + atomic replace, recorded); None when nothing changes."""
    if plan.blocked_reason:
        raise StageboxError(plan.blocked_reason, plan.blocked_fix)
    if not plan.changes_needed or plan.after is None:
        return None
    if read_config(plan.path) != plan.before:
        raise StageboxError(
            f"{plan.path} changed after the plan was made, so nothing was written",
            "run `stagebox alsa plan` again to see the change against the current file",
        )
    _refuse_read_only(plan.path)
    names = ", ".join(f"'{d.name}' (card {d.card_value})" for d in plan.devices)
    entry = journal.write_file(
        plan.path,
        plan.after,
        feature=FEATURE,
        summary=f"~/.asoundrc: Stagebox's usb_stream block with {names}",
    )
    _check_written(plan, journal, entry)
    return entry


def _refuse_read_only(path: Path) -> None:
    """A file the user made read-only is left alone, even when we run as root."""
    target = real_target(path)
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return
    if not mode & stat.S_IWUSR or (os.geteuid() != 0 and not os.access(target, os.W_OK)):
        raise StageboxError(
            f"{target} is read-only, so Stagebox left it as it is",
            f"make it writable (chmod u+w {target}) and run `stagebox alsa apply` again",
        )


def _check_written(plan: AlsaPlan, journal: Journal, entry: Entry) -> None:
    """Read the written file back through alsa-lib; put the old one back if it fails."""
    checks = validate_names([d.name for d in plan.devices], plan.paths)
    bad = [c for c in checks.values() if not c.accepted and c.status is not Status.PLUGIN_MISSING]
    if bad:
        journal.undo_file(entry, force=True)
        raise StageboxError(
            f"after writing, alsa-lib did not accept '{bad[0].name}': {bad[0].message}; "
            "the previous ~/.asoundrc was put back",
            bad[0].fix,
        )
    plan.validations = checks


def undo_alsa(journal: Journal, *, force: bool = False) -> Entry:
    """Put ~/.asoundrc back as it was before Stagebox's last change (byte for byte)."""
    entry = next(
        (e for e in reversed(journal.active(FEATURE)) if e.kind == "file"),
        None,
    )
    if entry is None:
        raise StageboxError(
            "Stagebox has not changed your ALSA config, so there is nothing to undo",
            "see `stagebox journal` for everything Stagebox changed",
        )
    return journal.undo_file(entry, force=force)
