"""Check a PCM name (and its CTL twin) with the real alsa-lib, and say what the answer means.

alsa-lib answers an open with an error number and ``ALSA lib ...`` lines. Measured on
alsa-lib 1.2.8 + alsa-plugins 1.2.7 (docs: real-components §2), with ``card`` written last:
* ``Cannot get card index for US122L`` + ``Invalid card 'card'``: every field was accepted,
  only the card is not plugged in (expected on a machine without the device);
* ``Unknown field X`` / ``Invalid type for X``: a bad field;
* ``Cannot open shared library libasound_module_pcm_usb_stream.so``: alsa-plugins missing;
* ``Unknown PCM x`` / ``Invalid CTL x``: the name is not defined;
* ``_toplevel_:3:0:Unexpected char``: the config file does not parse.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from stagebox.core.alsaconf import libasound
from stagebox.core.alsaconf.plugins import PACKAGE_HINT
from stagebox.core.alsaconf.probe import run_probe
from stagebox.core.paths import UserPaths


class Status(StrEnum):
    OK = "ok"  # opened: the device is there and answered
    CARD_ABSENT = "card_absent"  # config accepted; the card it names is not plugged in
    PLUGIN_MISSING = "plugin_missing"
    BAD_FIELD = "bad_field"
    NOT_DEFINED = "not_defined"
    SYNTAX_ERROR = "syntax_error"
    BUSY = "busy"  # the device is in use with other settings (e.g. JACK runs on it)
    FAILED = "failed"  # anything else; the ALSA lines say more


ACCEPTED = frozenset({Status.OK, Status.CARD_ABSENT, Status.BUSY})


@dataclass
class Validation:
    name: str
    status: Status
    message: str  # plain words
    fix: str | None = None
    card: str | None = None  # the card alsa-lib looked for ("US122L"), when it said so
    pcm_rc: int | None = None
    ctl_rc: int | None = None
    line: int | None = None  # syntax errors: where
    column: int | None = None
    alsa_log: list[str] = field(default_factory=list)  # the "ALSA lib ..." lines

    @property
    def accepted(self) -> bool:
        """True when alsa-lib accepted the definition (whether or not the card is there)."""
        return self.status in ACCEPTED


_CARD_RE = re.compile(r"Cannot get card index for (\S+)")
_LIB_RE = re.compile(r"Cannot open shared library libasound_module_(pcm|ctl)_(\w+)\.so")
_FIELD_RE = re.compile(r"(Unknown field|Invalid type for) (\S+)")
_UNDEFINED_RE = re.compile(r"Unknown PCM |Invalid CTL ")
_ERRNO_BUSY = {-16, -5}  # EBUSY, EIO (usb_stream: opened by someone with other settings)


def validate_pcm(name: str, config: str | UserPaths) -> Validation:
    """Check ``name`` with the real alsa-lib.

    ``config`` is either the full text proposed for ``~/.asoundrc`` (checked in a scratch
    HOME, the real file untouched) or the user's paths (checks the files as they are).
    """
    return validate_names([name], config)[name]


def validate_names(names: list[str], config: str | UserPaths) -> dict[str, Validation]:
    """Like :func:`validate_pcm` for several names in one alsa-lib run."""
    if isinstance(config, str):
        parsed = libasound.parse(config)
        if parsed.problem is not None:
            return {n: syntax_validation(n, parsed.problem) for n in names}
        with tempfile.TemporaryDirectory(prefix="stagebox-alsa-") as scratch:
            Path(scratch, ".asoundrc").write_bytes(config.encode("utf-8", "surrogateescape"))
            env = {**os.environ, "HOME": scratch}
            env.setdefault("XDG_CONFIG_HOME", str(Path.home() / ".config"))
            return _probe(names, env)
    env = {**os.environ, "HOME": str(config.home), "XDG_CONFIG_HOME": str(config.xdg_config_home)}
    return _probe(names, env)


def _probe(names: list[str], env: dict[str, str]) -> dict[str, Validation]:
    answer = run_probe(names, names, env)
    return {n: interpret(n, answer.pcm[n], answer.ctl[n]) for n in names}


def syntax_validation(name: str, problem: libasound.SyntaxProblem) -> Validation:
    where = f"line {problem.line}, column {problem.column}"
    inside = (
        f" (in the included file {problem.file})" if problem.file not in ("", "_toplevel_") else ""
    )
    return Validation(
        name=name,
        status=Status.SYNTAX_ERROR,
        message=f"alsa-lib cannot read the config: {problem.reason} at {where}{inside}",
        fix=f"fix {where} of the file (often a missing or extra {{ or }})",
        line=problem.line,
        column=problem.column,
        alsa_log=_alsa_lines(problem.log),
    )


def interpret(name: str, pcm: tuple[int, str], ctl: tuple[int, str]) -> Validation:
    """Turn alsa-lib's answers to opening ``name`` as PCM and as CTL into one verdict."""
    pcm_rc, pcm_log = pcm
    ctl_rc, ctl_log = ctl
    lines = _alsa_lines(pcm_log) + _alsa_lines(ctl_log)
    result = _verdict(name, pcm_rc, pcm_log, ctl_rc, ctl_log)
    result.pcm_rc, result.ctl_rc, result.alsa_log = pcm_rc, ctl_rc, lines
    return result


def _verdict(name: str, pcm_rc: int, pcm_log: str, ctl_rc: int, ctl_log: str) -> Validation:
    both = pcm_log + ctl_log
    syntax = (
        libasound.syntax_problem(both, pcm_rc)
        if "_toplevel_:" in both or "corrupted" in both
        else None
    )
    if syntax is not None:
        return syntax_validation(name, syntax)
    library = _LIB_RE.search(both)
    if library and library.group(2) == "usb_stream":
        return Validation(
            name,
            Status.PLUGIN_MISSING,
            "the usb_stream plugin (part of alsa-plugins) is not installed, so no program "
            "can open this device",
            f"install it: sudo apt install {PACKAGE_HINT} (Fedora/Arch: alsa-plugins)",
        )
    if library:
        return Validation(
            name,
            Status.BAD_FIELD,
            f"the device type '{library.group(2)}' does not exist (no ALSA plugin of that name)",
            "check the 'type' line of this device",
        )
    pcm_undefined, ctl_undefined = _UNDEFINED_RE.search(pcm_log), _UNDEFINED_RE.search(ctl_log)
    if pcm_undefined or ctl_undefined:
        # a PCM without its ctl twin is the classic "Invalid CTL usb_stream" jackd failure
        missing = "PCM" if pcm_undefined else "CTL (control) twin"
        return Validation(
            name,
            Status.NOT_DEFINED,
            f"no {missing} named '{name}' is defined in the ALSA config",
            "run `stagebox alsa apply` to write it",
        )
    bad = _FIELD_RE.search(pcm_log) or _FIELD_RE.search(ctl_log)
    if bad:
        return Validation(
            name,
            Status.BAD_FIELD,
            f"alsa-lib refused the field '{bad.group(2)}' of '{name}' ({bad.group(1).lower()})",
            "the usb_stream plugin knows only type, rate, period_size, card (and hint, comment)",
        )
    card = _CARD_RE.search(both)
    if card and card.group(1) == "-1":
        return Validation(
            name, Status.BAD_FIELD, f"'{name}' names no card", "add a card line", card=None
        )
    if card:
        return Validation(
            name,
            Status.CARD_ABSENT,
            f"the config for '{name}' is accepted; the card {card.group(1)} is not plugged in "
            "(or switched off) right now",
            "plug in the interface; nothing else is needed",
            card=card.group(1),
        )
    if pcm_rc == 0 and ctl_rc == 0:
        return Validation(name, Status.OK, f"'{name}' opens: the device is there and answers")
    if pcm_rc in _ERRNO_BUSY:
        return Validation(
            name,
            Status.BUSY,
            f"'{name}' is defined and the device is there, but it is in use "
            f"({os.strerror(-pcm_rc)}), probably by JACK with other settings",
            "stop the program that uses it (e.g. `stagebox jack stop`) and check again",
        )
    rc = pcm_rc if pcm_rc < 0 else ctl_rc
    return Validation(
        name,
        Status.FAILED,
        f"alsa-lib could not open '{name}': {os.strerror(-rc) if rc < 0 else 'unknown error'}",
        "see the ALSA lines below",
    )


def _alsa_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if line.strip()]
