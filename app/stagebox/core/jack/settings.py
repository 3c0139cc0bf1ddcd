"""JACK server settings as QjackCtl's setup dialog has them, and the jackd command line.

:meth:`JackSettings.to_argv` builds the argument list with QjackCtl's own rules
(``qjackctlMainForm::startJack``; see docs: which flags appear when, ``-D`` before
``-C``/``-P``, values glued to their flag). :meth:`JackSettings.from_argv` reads any jackd
command line back: QjackCtl's glued form (``-dalsa -dhw:US122L``), the separate form of
scripts and jack2's ``jack@.service`` (``-d alsa -d hw:0 -r 48000``), combined short flags
(``-RP50``) and the long options (``--no-realtime``, ``--name test``, ``--rate=48000``).
"""

from __future__ import annotations

import shlex
from dataclasses import asdict, dataclass, field, fields, replace
from enum import IntEnum
from typing import Any

from stagebox.core.errors import InputError

#: QjackCtl's defaults that make it leave a flag out (jackd's own defaults).
DEFAULT_PORT_MAX = 256
DEFAULT_TIMEOUT_MS = 500
DEFAULT_DUMMY_WAIT_US = 21333
DEFAULT_ALSA_INTERFACE = "hw:0"
#: QjackCtl passes ``-P`` only above this priority (lower values are jackd's default 10).
MIN_EMITTED_PRIORITY = 5

CLOCK_SOURCES = ("", "c", "h", "s")
SELF_CONNECT_MODES = ("", "e", "E", "a", "A")
MIDI_DRIVERS = ("", "seq", "raw")
DITHER_MODES = ("", "r", "s", "t")  # none, rectangular, shaped, triangular
ALSA_LIKE = ("alsa", "portaudio", "coreaudio")  # drivers with -C/-P devices
PERIODS_DRIVERS = ("alsa", "sun", "oss", "firewire")
LATENCY_DRIVERS = ("alsa", "sun", "oss", "coreaudio", "portaudio", "firewire")


class AudioMode(IntEnum):
    """QjackCtl's ``Audio`` key: which directions the server opens."""

    DUPLEX = 0
    CAPTURE = 1
    PLAYBACK = 2


@dataclass
class JackSettings:
    """Everything QjackCtl's setup dialog sets for the alsa and dummy drivers.

    0 and "" mean "leave the flag out" (jackd's default), as in QjackCtl.
    """

    # -- server --------------------------------------------------------------------------
    server_path: str = "jackd"  # first word of QjackCtl's "Server" field
    server_prefix: list[str] = field(default_factory=list)  # its further words
    server_name: str = ""
    verbose: bool = False
    realtime: bool = True
    priority: int = 0  # -P, only emitted above 5
    port_max: int = 0
    timeout: int = 0  # client timeout in ms (-t)
    no_mlock: bool = False  # jack1 -m
    unlock_mem: bool = False  # jack1 -u
    sync: bool = False
    clock_source: str = ""
    self_connect: str = ""
    # -- driver --------------------------------------------------------------------------
    driver: str = "alsa"
    device: str = ""  # QjackCtl "Interface" (-d of the driver)
    capture_device: str = ""  # QjackCtl "InDevice"
    playback_device: str = ""  # QjackCtl "OutDevice"
    audio: AudioMode = AudioMode.DUPLEX
    rate: int = 0
    period: int = 0  # frames per period (-p)
    periods: int = 0  # number of periods (-n)
    soft_mode: bool = False
    monitor: bool = False  # alsa -m: monitor ports
    hw_monitor: bool = False  # alsa -H
    hw_meter: bool = False  # alsa -M
    shorts: bool = False
    midi_driver: str = ""
    dither: str = ""
    in_channels: int = 0
    out_channels: int = 0
    in_latency: int = 0
    out_latency: int = 0
    wait: int = 0  # dummy driver: microseconds between cycles
    server_suffix: list[str] = field(default_factory=list)  # extra driver arguments

    # -- building the command line -------------------------------------------------------
    def to_argv(self) -> list[str]:
        """The jackd argument list, exactly as QjackCtl builds it (values glued to flags)."""
        return [self.server_path, *self.server_prefix, *self._server_args(), *self._driver_args()]

    def _server_args(self) -> list[str]:
        args: list[str] = []
        if self.server_name:
            args.append(f"-n{self.server_name}")
        if self.verbose:
            args.append("-v")
        if not self.realtime:
            args.append("-r")
        elif self.priority > MIN_EMITTED_PRIORITY:
            args.append(f"-P{self.priority}")
        if self.port_max > 0 and self.port_max != DEFAULT_PORT_MAX:
            args.append(f"-p{self.port_max}")
        if self.timeout > 0 and self.timeout != DEFAULT_TIMEOUT_MS:
            args.append(f"-t{self.timeout}")
        if self.no_mlock:
            args.append("-m")
        elif self.unlock_mem:
            args.append("-u")
        if self.sync:
            args.append("-S")
        if self.clock_source.strip():
            args.append(f"-c{self.clock_source}")
        if self.self_connect.strip():
            args.append(f"-a{self.self_connect}")
        return args

    def _driver_args(self) -> list[str]:
        drv = self.driver
        args = [f"-d{drv}"]
        duplex = self.audio is AudioMode.DUPLEX
        if drv in ("alsa", "portaudio") and not (
            duplex and self.capture_device and self.playback_device
        ):
            interface = self.device or (DEFAULT_ALSA_INTERFACE if drv == "alsa" else "")
            args.append(f"-d{interface}")
        elif drv in ("coreaudio", "firewire") and self.device:
            args.append(f"-d{self.device}")
        if drv not in ("net", "netone"):
            if self.rate > 0:
                args.append(f"-r{self.rate}")
            if self.period > 0:
                args.append(f"-p{self.period}")
        if drv in PERIODS_DRIVERS and self.periods > 1:
            args.append(f"-n{self.periods}")
        if drv == "alsa":
            args += self._alsa_flags()
        if drv in ALSA_LIKE:
            args += self._direction_args()
        if drv == "dummy":
            args += self._dummy_args()
        if drv in LATENCY_DRIVERS:
            if self.in_latency > 0:
                args.append(f"-I{self.in_latency}")
            if self.out_latency > 0:
                args.append(f"-O{self.out_latency}")
        return args + list(self.server_suffix)

    def _alsa_flags(self) -> list[str]:
        flags = [
            ("-s", self.soft_mode),
            ("-m", self.monitor),
            ("-S", self.shorts),
            ("-M", self.hw_meter),
            ("-H", self.hw_monitor),  # not in QjackCtl's dialog; kept when imported
        ]
        args = [flag for flag, on in flags if on]
        if self.midi_driver in ("raw", "seq"):
            args.append(f"-X{self.midi_driver}")
        return args

    def _direction_args(self) -> list[str]:
        args: list[str] = []
        if self.audio is AudioMode.DUPLEX:
            if self.capture_device or self.playback_device:
                args.append("-D")
            if self.capture_device:
                args.append(f"-C{self.capture_device}")
            if self.playback_device:
                args.append(f"-P{self.playback_device}")
        elif self.audio is AudioMode.CAPTURE:
            args.append(f"-C{self.capture_device}")
        else:
            args.append(f"-P{self.playback_device}")
        if self.in_channels > 0 and self.audio is not AudioMode.PLAYBACK:
            args.append(f"-i{self.in_channels}")
        if self.out_channels > 0 and self.audio is not AudioMode.CAPTURE:
            args.append(f"-o{self.out_channels}")
        if self.dither in ("r", "s", "t"):
            args.append(f"-z{self.dither}")
        return args

    def _dummy_args(self) -> list[str]:
        # jackd2's dummy driver takes its port counts as -C/-P (Stagebox passes them).
        args: list[str] = []
        if self.in_channels > 0:
            args.append(f"-C{self.in_channels}")
        if self.out_channels > 0:
            args.append(f"-P{self.out_channels}")
        if self.wait > 0 and self.wait != DEFAULT_DUMMY_WAIT_US:
            args.append(f"-w{self.wait}")
        return args

    def to_line(self) -> str:
        """The one-line form QjackCtl shows and writes to ~/.jackdrc (blanks double-quoted)."""
        return " ".join(f'"{a}"' if any(c.isspace() for c in a) else a for a in self.to_argv())

    # -- what the devices mean -----------------------------------------------------------
    @property
    def effective_capture(self) -> str | None:
        """The ALSA device opened for capture, None when capture is off."""
        if self.audio is AudioMode.PLAYBACK:
            return None
        return self.capture_device or self.device or DEFAULT_ALSA_INTERFACE

    @property
    def effective_playback(self) -> str | None:
        if self.audio is AudioMode.CAPTURE:
            return None
        return self.playback_device or self.device or DEFAULT_ALSA_INTERFACE

    def devices(self) -> list[str]:
        """The distinct ALSA devices jackd opens (none for the dummy driver)."""
        if self.driver != "alsa":
            return []
        found = [d for d in (self.effective_capture, self.effective_playback) if d]
        return list(dict.fromkeys(found))

    # -- parsing -------------------------------------------------------------------------
    @classmethod
    def from_argv(cls, argv: list[str]) -> JackSettings:
        """Read a jackd command line (first word the command, or options only)."""
        return _ArgvParser(list(argv)).parse()

    @classmethod
    def from_line(cls, line: str) -> JackSettings:
        """Read a one-line command as a shell (or ~/.jackdrc) holds it."""
        try:
            words = shlex.split(line, comments=False)
        except ValueError as exc:
            raise InputError(f"cannot read the jackd command line: {exc}") from exc
        return cls.from_argv(strip_launcher(words))

    # -- storage -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["audio"] = self.audio.name.lower()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JackSettings:
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                continue
            if key == "audio":
                value = _audio_mode(value)
            values[key] = value
        settings = cls(**values)
        settings.check_types()
        return settings

    def check_types(self) -> None:
        """Refuse values of the wrong kind (a hand-edited profile), naming the field."""
        for f in fields(self):
            value = getattr(self, f.name)
            default = getattr(JackSettings(), f.name)
            expected = type(default)
            if isinstance(default, bool) and not isinstance(value, bool):
                raise InputError(f"setting {f.name!r} must be true or false, not {value!r}")
            if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
                raise InputError(f"setting {f.name!r} must be a whole number, not {value!r}")
            if expected is str and not isinstance(value, str):
                raise InputError(f"setting {f.name!r} must be text, not {value!r}")
            if expected is list and not (
                isinstance(value, list) and all(isinstance(v, str) for v in value)
            ):
                raise InputError(f"setting {f.name!r} must be a list of words")

    def with_changes(self, **changes: Any) -> JackSettings:
        return replace(self, **changes)


def latency_ms(settings: JackSettings) -> float:
    """The buffer latency QjackCtl shows: period x periods / rate, in milliseconds."""
    periods = settings.periods if settings.periods > 0 else 2
    if settings.rate <= 0 or settings.period <= 0:
        return 0.0
    return settings.period * periods / settings.rate * 1000.0


def strip_launcher(words: list[str]) -> list[str]:
    """Drop ``sudo``, ``env`` and ``VAR=value`` words in front of the jackd command."""
    rest = list(words)
    while rest and (rest[0] in ("sudo", "env", "exec", "nice") or _is_assignment(rest[0])):
        rest.pop(0)
    return rest


def _is_assignment(word: str) -> bool:
    name, eq, _ = word.partition("=")
    return bool(eq) and name.isidentifier() and not word.startswith("-")


def _audio_mode(value: Any) -> AudioMode:
    if isinstance(value, AudioMode):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return AudioMode(value)
        except ValueError:
            pass
    if isinstance(value, str) and value.upper() in AudioMode.__members__:
        return AudioMode[value.upper()]
    raise InputError(f"setting 'audio' must be duplex, capture or playback, not {value!r}")


# -- the parser ----------------------------------------------------------------------------

#: jackd server options that take a value (jackd2 and jack1 getopt strings).
_SERVER_VALUE = set("dXIPLtnpcaCl")
#: server flags without a value; -m/-u are jack1's no-mlock/unlock.
_SERVER_FLAGS = set("rRvsSTVmuhFZ")
_SERVER_LONG = {
    "name": "n",
    "timeout": "t",
    "port-max": "p",
    "realtime-priority": "P",
    "clocksource": "c",
    "autoconnect": "a",
    "driver": "d",
    "realtime": "R",
    "no-realtime": "r",
    "verbose": "v",
    "sync": "S",
    "no-mlock": "m",
    "unlock": "u",
    "loopback": "L",
    "slave-backend": "X",
    "internal-client": "I",
    "silent": "s",
    "temporary": "T",
}
_DRIVER_LONG = {
    "device": "d",
    "capture": "C",
    "playback": "P",
    "rate": "r",
    "period": "p",
    "nperiods": "n",
    "hwmon": "H",
    "hwmeter": "M",
    "duplex": "D",
    "softmode": "s",
    "monitor": "m",
    "dither": "z",
    "inchannels": "i",
    "outchannels": "o",
    "shorts": "S",
    "input-latency": "I",
    "output-latency": "O",
    "midi-driver": "X",
    "wait": "w",
}
#: driver options that are plain switches (a following word is not their value)
_DRIVER_SWITCHES = set("HMDsmS")
_DRIVER_LETTERS = set(_DRIVER_LONG.values())


class _ArgvParser:
    def __init__(self, argv: list[str]) -> None:
        self.argv = argv
        self.s = JackSettings(driver="")
        self.pos = 0
        self.separate_value: str | None = None

    def parse(self) -> JackSettings:
        if self.argv and not self.argv[0].startswith("-"):
            self.s.server_path = self.argv[0]
            self.pos = 1
        self._parse_server()
        if not self.s.driver:
            raise InputError(
                "the jackd command line names no driver (-d alsa, -d dummy ...)",
                "add the driver, e.g. `-d alsa -d hw:0`",
            )
        self._parse_driver()
        return self.s

    # server part ------------------------------------------------------------------------
    def _next(self) -> str | None:
        if self.pos < len(self.argv):
            self.pos += 1
            return self.argv[self.pos - 1]
        return None

    def _parse_server(self) -> None:
        while (word := self._next()) is not None:
            if word.startswith("--"):
                if self._server_long(word):
                    return
            elif word.startswith("-") and len(word) > 1:
                if self._server_short(word):
                    return
            else:
                self.s.server_prefix.append(word)

    def _server_long(self, word: str) -> bool:
        name, eq, value = word[2:].partition("=")
        letter = _SERVER_LONG.get(name)
        if letter is None:
            self.s.server_prefix.append(word)
            return False
        if letter in _SERVER_VALUE and not eq:
            value = self._value_for(word)
        return self._server_option(letter, value, word)

    def _server_short(self, word: str) -> bool:
        letters = word[1:]
        for i, letter in enumerate(letters):
            if letter in _SERVER_VALUE:
                value = letters[i + 1 :] or self._value_for(f"-{letter}")
                return self._server_option(letter, value, f"-{letter}{value}")
            if letter not in _SERVER_FLAGS:
                self.s.server_prefix.append(word)
                return False
            self._server_option(letter, "", f"-{letter}")
        return False

    def _value_for(self, flag: str) -> str:
        value = self._next()
        if value is None:
            raise InputError(f"jackd option {flag} needs a value")
        return value

    def _server_option(self, letter: str, value: str, word: str) -> bool:
        """Apply one server option; True when it was -d (the driver part follows)."""
        s = self.s
        if letter == "d":
            s.driver = value
            return True
        if letter == "n":
            s.server_name = value
        elif letter == "P":
            s.realtime, s.priority = True, _int(value, word)
        elif letter == "t":
            s.timeout = _int(value, word)
        elif letter == "p":
            s.port_max = _int(value, word)
        elif letter == "c":
            s.clock_source = value[:1]
        elif letter == "a":
            s.self_connect = value[:1]
        elif letter == "r":
            s.realtime = False
        elif letter == "R":
            s.realtime = True
        elif letter == "v":
            s.verbose = True
        elif letter == "S":
            s.sync = True
        elif letter == "m":
            s.no_mlock = True
        elif letter == "u":
            s.unlock_mem = True
        else:  # options Stagebox does not model are kept as they were
            s.server_prefix.append(word)
        return False

    # driver part ------------------------------------------------------------------------
    def _parse_driver(self) -> None:
        seen_duplex = seen_capture = seen_playback = False
        while (word := self._next()) is not None:
            letter, value = self._driver_word(word)
            if letter is None:
                self.s.server_suffix.append(word)
                continue
            if letter == "D":
                seen_duplex = True
            elif letter == "C":
                seen_capture = True
            elif letter == "P":
                seen_playback = True
            self._driver_option(letter, value, word)
        if self.s.driver in ALSA_LIKE:
            if seen_capture and not seen_playback and not seen_duplex:
                self.s.audio = AudioMode.CAPTURE
            elif seen_playback and not seen_capture and not seen_duplex:
                self.s.audio = AudioMode.PLAYBACK

    def _driver_word(self, word: str) -> tuple[str | None, str]:
        """(option letter, value) of one driver word; jackd2 lets any value stand separate."""
        if word.startswith("--"):
            name, eq, value = word[2:].partition("=")
            letter = _DRIVER_LONG.get(name)
        elif word.startswith("-") and len(word) > 1:
            letter, value, eq = word[1], word[2:], "x" if word[2:] else ""
        else:
            return None, ""
        if letter is None or letter not in _DRIVER_LETTERS:
            return None, ""
        self.separate_value = None
        if not eq and letter not in _DRIVER_SWITCHES and self._peek_value():
            value = self.separate_value = self.argv[self.pos]
            self.pos += 1
        return letter, value

    def _peek_value(self) -> bool:
        return self.pos < len(self.argv) and not self.argv[self.pos].startswith("-")

    def _driver_option(self, letter: str, value: str, word: str) -> None:
        s = self.s
        dummy = s.driver == "dummy"
        ints = {"r": "rate", "p": "period", "n": "periods", "i": "in_channels"}
        ints |= {"o": "out_channels", "I": "in_latency", "O": "out_latency", "w": "wait"}
        if letter in ints:
            setattr(s, ints[letter], _int(value, word))
        elif letter == "d":
            s.device = value
        elif letter == "C":
            if dummy:
                s.in_channels = _int(value, word)
            else:
                s.capture_device = value
        elif letter == "P":
            if dummy:
                s.out_channels = _int(value, word)
            else:
                s.playback_device = value
        elif letter == "X":
            s.midi_driver = value if value in MIDI_DRIVERS else ""
        elif letter == "z":
            s.dither = value[:1] if value[:1] in ("r", "s", "t") else ""
        elif letter == "m":
            s.monitor = True
        elif letter in "sSMH" and not dummy:
            attr = {"s": "soft_mode", "S": "shorts", "M": "hw_meter", "H": "hw_monitor"}[letter]
            setattr(s, attr, True)
        elif letter != "D":  # an option this driver does not take: passed on unchanged
            s.server_suffix.append(word)
            if self.separate_value is not None:
                s.server_suffix.append(self.separate_value)


def _int(value: str, word: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise InputError(
            f"jackd option {word!r}: {value!r} is not a whole number",
            "write the number right after the flag, e.g. -r48000 or -r 48000",
        ) from None
