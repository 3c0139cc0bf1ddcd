"""Turn jackd's log into plain words: what went wrong and what to do about it.

The patterns below are the real texts of jackd2 1.9.x, jack1 0.116+ and alsa-lib (from the
project's captures and from running jackd here without a card); the most specific comes
first, and each explanation is given once even when the line repeats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stagebox.core.jack.settings import JackSettings

BLOCKING = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Explanation:
    code: str
    severity: str  # "error": jackd cannot run; "warning": it runs, but not as asked
    message: str
    fix: str
    evidence: str  # the log line that shows it

    def __str__(self) -> str:
        return f"{self.message}\n  fix: {self.fix}"


@dataclass(frozen=True)
class _Rule:
    code: str
    pattern: str  # compiled on first use (start-up speed)
    severity: str
    message: str  # str.format over the match groups ({0} = first group) and {period}, {rate}
    fix: str


def _rule(code: str, pattern: str, severity: str, message: str, fix: str) -> _Rule:
    return _Rule(code, pattern, severity, message, fix)


RULES: tuple[_Rule, ...] = (
    _rule(
        "usb_stream_period",
        r"Couldn't configure usb_stream\s*:?\s*\n?\s*:?\s*Invalid argument",
        BLOCKING,
        "The usb_stream driver refused a period of {period} frames: it is below what the "
        "interface can do at this USB speed (at full speed at least 96 frames at 44.1 kHz).",
        "use a larger period, e.g. `--period 128` (Stagebox proposes a safe value: "
        "`stagebox jack args`)",
    ),
    _rule(
        "usb_stream_busy",
        r"Couldn't configure usb_stream\s*:?\s*\n?\s*:?\s*Input/output error",
        BLOCKING,
        "Another program already has the interface open through usb_stream with different "
        "settings; every program sharing it must use the same rate and period.",
        "stop the other program (another jackd, an aplay test) or start JACK with its "
        "rate and period",
    ),
    _rule(
        "device_busy",
        r"(?:is already in use|Device or resource busy|Device \S+ is busy"
        r"|[Aa]cquire.*busy)",
        BLOCKING,
        "The sound card is busy: another program (often PipeWire or PulseAudio) holds it.",
        "close the program that uses it; for PipeWire: `systemctl --user stop "
        "pipewire.socket pipewire wireplumber` while JACK runs (see `stagebox jack status`)",
    ),
    _rule(
        "no_such_card",
        r"Cannot get card index for (\S+)|control open \"([^\"]+)\" \(No such device\)",
        BLOCKING,
        "ALSA has no sound card called {0}: it is not plugged in, not switched on, or has "
        "another name.",
        "plug in and power on the interface, then run `stagebox detect` to see its name "
        "(use hw:<card id>, not a card number)",
    ),
    _rule(
        "unknown_pcm",
        r"Unknown PCM (\S+)",
        BLOCKING,
        "ALSA does not know the device {0}: it is not defined in ~/.asoundrc (the "
        "usb_stream PCM for Tascam US-122L/US-144 must be written there first).",
        "run `stagebox alsa apply` to write the ALSA configuration, then start JACK again",
    ),
    _rule(
        "missing_ctl",
        r"Invalid CTL (\S+)",
        WARNING,
        "ALSA has no control device {0} (the ctl block next to the PCM in ~/.asoundrc), so "
        "jackd cannot read the card's controls.",
        "run `stagebox alsa apply`: it writes the ctl block together with the PCM",
    ),
    _rule(
        "no_realtime",
        r"[Cc]annot use real-time scheduling|cannot create engine|AcquireSelfRealTime error",
        WARNING,
        "jackd is not allowed to use realtime scheduling, so audio will drop out under load.",
        "add yourself to the audio group with realtime limits (`stagebox check` shows how) "
        "and log in again, or start without realtime: `stagebox jack start --no-realtime`",
    ),
    _rule(
        "no_memlock",
        r"Cannot lock down .*memory",
        WARNING,
        "jackd could not lock its memory, so a page fault can cause a dropout.",
        "allow unlimited memlock for the audio group (/etc/security/limits.d/audio.conf: "
        "`@audio - memlock unlimited`) and log in again",
    ),
    _rule(
        "bad_format",
        r"Sample format non? ?available|cannot find a sample format",
        BLOCKING,
        "The card does not take the sample format jackd asked for.",
        "leave the 16-bit option (--shorts) off; this card needs its native format",
    ),
    _rule(
        "bad_hw_params",
        r"cannot set (?:period size to \d+ frames|sample/frame rate to \d+|number of "
        r"periods to \d+)[^\n]*",
        BLOCKING,
        "The card refused the rate or period: {evidence}.",
        "choose a rate/period the card supports (`stagebox jack args` proposes working values)",
    ),
    _rule(
        "too_many_servers",
        r"Too many servers already active",
        BLOCKING,
        "jack2's server registry is full: 8 servers run, or were killed without cleaning up.",
        "run `stagebox jack cleanup` (frees the slots of killed servers), or stop a server",
    ),
    _rule(
        "server_running",
        r"server `?'?(\S+?)'? is already running|(?<!servers )already active|"
        r"JackServer::Open.*already",
        BLOCKING,
        "A JACK server with this name is already running.",
        "use it, stop it first (`stagebox jack stop`), or pick another --server-name",
    ),
    _rule(
        "driver_failed",
        r"Cannot initialize driver|cannot load driver module (\S+)|Failed to open server",
        BLOCKING,
        "jackd could not open its audio driver.",
        "see the lines above in the log; `stagebox detect` and `stagebox check` "
        "usually show the cause",
    ),
)


def explain_log(text: str, settings: JackSettings | None = None) -> list[Explanation]:
    """Every known failure in a jackd log, most specific first, each once.

    The generic "driver failed" is only given when nothing more specific explains it.
    """
    found: list[Explanation] = []
    for rule in RULES:
        match = re.search(rule.pattern, text, re.MULTILINE)
        if match is None:
            continue
        if rule.code == "driver_failed" and any(e.severity == BLOCKING for e in found):
            continue
        if rule.code == "device_busy" and any(e.code.startswith("usb_stream") for e in found):
            continue
        if rule.code == "missing_ctl" and any(e.code == "unknown_pcm" for e in found):
            continue
        groups = [g for g in match.groups() if g] or [""]
        evidence = _line_of(text, match)
        period, rate = _period_and_rate(text, settings)
        values = {"period": period, "rate": rate, "evidence": evidence}
        found.append(
            Explanation(
                code=rule.code,
                severity=rule.severity,
                message=rule.message.format(*groups, **values),
                fix=rule.fix,
                evidence=evidence,
            )
        )
    return found


def _period_and_rate(text: str, settings: JackSettings | None) -> tuple[str, str]:
    """From the settings, else from jackd's own "creating alsa driver ... |64|2|44100|" line."""
    if settings is not None and settings.period and settings.rate:
        return str(settings.period), str(settings.rate)
    line = re.search(r"creating alsa driver \.\.\. [^|]*\|[^|]*\|(\d+)\|\d+\|(\d+)\|", text)
    if line:
        return line[1], line[2]
    return "?", "?"


def count_xruns(text: str) -> int:
    """Lines of the log that report an xrun (QjackCtl counts ``xrun of at least N msecs``;
    jackd2 also logs ``JackEngine::XRun`` and ``ALSA: xrun``)."""
    return sum(1 for line in text.splitlines() if re.search(r"xrun", line, re.IGNORECASE))


def _line_of(text: str, match: re.Match[str]) -> str:
    start = text.rfind("\n", 0, match.start()) + 1
    end = text.find("\n", match.end())
    return " ".join(text[start : end if end >= 0 else len(text)].split())


#: jackd's words when a signal asked it to end: jack2 "Jack main caught signal 15", jack1
#: "jack main caught signal 15" (SIGTERM: `stagebox jack stop`, QjackCtl, logout; SIGINT: ^C)
_STOPPED_ON_REQUEST = re.compile(r"jack main caught signal (?:2|15)\b", re.IGNORECASE)


def stopped_on_request(log_text: str) -> bool:
    """Whether jackd's log shows that it ended because it was asked to (not a crash)."""
    return _STOPPED_ON_REQUEST.search(log_text) is not None
