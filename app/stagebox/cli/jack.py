"""``stagebox jack``: start, stop and check JACK; its settings, profiles and ~/.jackdrc.

Every QjackCtl setting is also an option of ``jack start``/``restart``/``args``, applied on
top of (in this order) ``--settings FILE`` or ``--preset NAME``, the profile bound to the
interface that is plugged in, or the defaults for the detected interface.
"""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stagebox.cli.context import Context
from stagebox.core.errors import InputError, StageboxError
from stagebox.core.jack.settings import AudioMode, JackSettings, latency_ms

if TYPE_CHECKING:
    from stagebox.core.jack.control import JackStatus
    from stagebox.core.model import Card, DetectionResult

#: exit code of `status` when the server is not running (LSB: "program is not running")
NOT_RUNNING = 3

# option, JackSettings field, type, help  (bool options also get a --no-... form)
_VALUE_OPTIONS: tuple[tuple[str, str, type, str], ...] = (
    ("--server-name", "server_name", str, "JACK server name (default: default)"),
    ("--server-path", "server_path", str, "the jackd command (QjackCtl's Server field)"),
    ("--priority", "priority", int, "realtime priority (-P, passed when above 5)"),
    ("--timeout", "timeout", int, "client timeout in ms (-t)"),
    ("--port-max", "port_max", int, "maximum number of ports"),
    ("--driver", "driver", str, "audio driver: alsa (default) or dummy (no sound card)"),
    ("--device", "device", str, "ALSA device for both directions (e.g. hw:USB)"),
    ("--capture-device", "capture_device", str, "ALSA device for capture (-C)"),
    ("--playback-device", "playback_device", str, "ALSA device for playback (-P)"),
    ("--rate", "rate", int, "sample rate in Hz"),
    ("--period", "period", int, "frames per period (-p)"),
    ("--periods", "periods", int, "number of periods (-n)"),
    ("--in-channels", "in_channels", int, "capture channels (dummy: capture ports)"),
    ("--out-channels", "out_channels", int, "playback channels (dummy: playback ports)"),
    ("--in-latency", "in_latency", int, "extra input latency in frames (-I)"),
    ("--out-latency", "out_latency", int, "extra output latency in frames (-O)"),
    ("--wait", "wait", int, "dummy driver: microseconds between cycles"),
)
_BOOL_OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("--realtime", "realtime", "realtime scheduling (--no-realtime: without)"),
    ("--jack-verbose", "verbose", "jackd's verbose output (-v)"),
    ("--no-mlock", "no_mlock", "do not lock memory (jack1 -m)"),
    ("--unlock-mem", "unlock_mem", "unlock GUI library memory (jack1 -u)"),
    ("--sync", "sync", "synchronous mode (-S)"),
    ("--soft-mode", "soft_mode", "ignore xruns reported by the driver (-s)"),
    ("--monitor", "monitor", "provide monitor ports (-m)"),
    ("--hw-monitor", "hw_monitor", "hardware monitoring (-H)"),
    ("--hw-meter", "hw_meter", "hardware metering (-M)"),
    ("--shorts", "shorts", "try 16-bit samples first (-S)"),
)
_CHOICE_OPTIONS: tuple[tuple[str, str, dict[str, str], str], ...] = (
    ("--clock-source", "clock_source", {"system": "s", "cycle": "c", "hpet": "h"}, "clock"),
    (
        "--self-connect",
        "self_connect",
        {"ignore-external": "e", "fail-external": "E", "ignore-all": "a", "fail-all": "A"},
        "what to do when a client connects its own ports (-a)",
    ),
    ("--midi-driver", "midi_driver", {"seq": "seq", "raw": "raw", "none": ""}, "ALSA MIDI (-X)"),
    (
        "--dither",
        "dither",
        {"none": "", "rectangular": "r", "shaped": "s", "triangular": "t"},
        "dither mode (-z)",
    ),
)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "jack",
        help="start, stop and check JACK; its settings, profiles and ~/.jackdrc",
        description="Start JACK with settings that work on your interface, and keep it "
        "observable. Settings follow QjackCtl's (every option below is one of its fields).",
    )
    actions = parser.add_subparsers(
        dest="jack_action", metavar="ACTION", required=True, action=_Actions
    )

    start = actions.add_parser(
        "start", help="start JACK and return once it is ready", with_settings=True
    )
    start.add_argument("--foreground", action="store_true", help="stay until JACK ends")
    start.add_argument(
        "--fallback-no-realtime",
        action="store_true",
        help="when realtime is not allowed for you, start without it instead of refusing",
    )
    start.add_argument("--json", action="store_true", help="machine-readable status")
    # the started jackd runs in its own session, so nothing is left to tear down
    start.set_defaults(func=run_start, quick_exit=True)

    restart = actions.add_parser(
        "restart", help="stop and start again (period: changed live)", with_settings=True
    )
    restart.add_argument("--json", action="store_true", help="machine-readable status")
    restart.set_defaults(func=run_restart)

    stop = actions.add_parser("stop", help="stop the JACK server Stagebox started")
    stop.add_argument("--server-name", help="which server (default: default)")
    stop.add_argument("--json", action="store_true", help="machine-readable status")
    stop.set_defaults(func=run_stop)

    status = actions.add_parser("status", help="is JACK running, and how (any server)")
    status.add_argument("--server-name", help="which server (default: default)")
    status.add_argument("--json", action="store_true", help="machine-readable status")
    status.set_defaults(func=run_status)

    args = actions.add_parser(
        "args", help="print the jackd command line (starts nothing)", with_settings=True
    )
    args.add_argument("--json", action="store_true", help="argv and settings as JSON")
    args.set_defaults(func=run_args)

    imp = actions.add_parser("import", help="read settings from ~/.jackdrc and QjackCtl")
    imp.add_argument("--save", action="store_true", help="save each one as a profile")
    imp.add_argument("--json", action="store_true", help="machine-readable list")
    imp.set_defaults(func=run_import)

    write = actions.add_parser(
        "write-jackdrc", help="write ~/.jackdrc (undo: `jack undo`)", with_settings=True
    )
    write.set_defaults(func=run_write_jackdrc)

    undo = actions.add_parser("undo", help="put ~/.jackdrc back as it was")
    undo.add_argument("--force", action="store_true", help="even if you edited it since")
    undo.set_defaults(func=run_undo)

    explain = actions.add_parser("explain", help="explain a jackd log (what failed, the fix)")
    explain.add_argument("log", nargs="?", help="log file (default: the last Stagebox start)")
    explain.add_argument("--server-name", help="with no file: that server's last log")
    explain.set_defaults(func=run_explain)

    cleanup = actions.add_parser(
        "cleanup", help="free what killed JACK servers left behind (registry slots, files)"
    )
    cleanup.set_defaults(func=run_cleanup)

    _profiles_parser(actions)


def _profiles_parser(actions: argparse._SubParsersAction) -> None:
    profiles = actions.add_parser("profiles", help="named settings, bound to a device")
    what = profiles.add_subparsers(
        dest="profiles_action", metavar="ACTION", required=True, action=_Actions
    )
    what.add_parser("list", help="list the profiles").set_defaults(func=run_profiles_list)
    show = what.add_parser("show", help="show one profile")
    show.add_argument("name")
    show.set_defaults(func=run_profiles_show)
    save = what.add_parser(
        "save", help="save settings (the options below) as a profile", with_settings=True
    )
    save.add_argument("name")
    save.add_argument(
        "--bind",
        metavar="CARD",
        help="bind it to this card (ALSA id or index; remembered by USB id + serial or "
        "port, or PCI slot), so it is proposed whenever that device is plugged in",
    )
    save.set_defaults(func=run_profiles_save)
    delete = what.add_parser("delete", help="delete a profile")
    delete.add_argument("name")
    delete.set_defaults(func=run_profiles_delete)
    what.add_parser("match", help="the profile for the device plugged in now").set_defaults(
        func=run_profiles_match
    )


class _Actions(argparse._SubParsersAction):  # type: ignore[type-arg]
    """Action subparsers that get the ~45 JACK settings options only when that action is
    used: five actions take them, and building them all would delay `jack start` (start-up
    speed; the definitions stay the ones in :func:`_settings_args`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._want_settings: set[str] = set()

    def add_parser(
        self, name: str, *, with_settings: bool = False, **kwargs: Any
    ) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = super().add_parser(name, **kwargs)
        if with_settings:
            self._want_settings.add(name)
        return parser

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        name = values[0]
        if name in self._want_settings:
            self._want_settings.discard(name)
            _settings_args(self._name_parser_map[name])
        super().__call__(parser, namespace, values, option_string)


def _settings_args(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--settings",
        metavar="FILE",
        help="settings file: a profile (JSON) or a jackd command line (like ~/.jackdrc)",
    )
    source.add_argument("--preset", metavar="NAME", help="a Stagebox profile or a QjackCtl preset")
    group = parser.add_argument_group("JACK settings (QjackCtl's setup fields)")
    for option, dest, kind, text in _VALUE_OPTIONS:
        metavar = "N" if kind is int else option.rsplit("-", 1)[-1].upper()
        group.add_argument(option, dest=f"set_{dest}", type=kind, metavar=metavar, help=text)
    for option, dest, text in _BOOL_OPTIONS:
        if option.startswith("--no-"):  # already a negative: a plain switch
            group.add_argument(
                option, dest=f"set_{dest}", action="store_const", const=True, help=text
            )
            continue
        group.add_argument(
            option, dest=f"set_{dest}", action=argparse.BooleanOptionalAction, help=text
        )
    for option, dest, choices, text in _CHOICE_OPTIONS:
        group.add_argument(option, dest=f"set_{dest}", choices=sorted(choices), help=text)
    mode = group.add_mutually_exclusive_group()
    for option, value in (("--duplex", "duplex"), ("--capture-only", "capture")):
        mode.add_argument(option, dest="set_audio", action="store_const", const=value)
    mode.add_argument("--playback-only", dest="set_audio", action="store_const", const="playback")
    group.add_argument(
        "--extra", metavar="ARGS", help="more driver arguments, appended as QjackCtl does"
    )
    group.add_argument("--on-start", metavar="CMD", help="run after JACK started (%%P %%N %%r ...)")
    group.add_argument("--on-stop", metavar="CMD", help="run after JACK stopped")


# -- settings resolution -------------------------------------------------------------------
class _Chosen:
    """The settings to use and where they came from."""

    def __init__(self, settings: JackSettings, origin: str, preset: str = "") -> None:
        self.settings = settings
        self.origin = origin
        self.preset = preset
        self.on_start = ""
        self.on_stop = ""
        self.card: Card | None = None


def _choose_settings(args: argparse.Namespace, ctx: Context) -> _Chosen:
    chosen = _base_settings(args, ctx)
    _apply_overrides(chosen.settings, args)
    chosen.on_start = getattr(args, "on_start", None) or chosen.on_start
    chosen.on_stop = getattr(args, "on_stop", None) or chosen.on_stop
    chosen.settings.check_types()
    if chosen.settings.driver == "alsa" and chosen.card is None:
        chosen.card = _card_for(chosen.settings, ctx)
    return chosen


def _base_settings(args: argparse.Namespace, ctx: Context) -> _Chosen:
    if getattr(args, "settings", None):
        return _Chosen(_read_settings_file(Path(args.settings)), f"file {args.settings}")
    if getattr(args, "preset", None):
        return _preset(args.preset, ctx)
    if getattr(args, "set_driver", None) not in (None, "alsa"):
        return _Chosen(JackSettings(driver=args.set_driver), "options")
    if _device_given(args):
        return _Chosen(JackSettings(), "options")
    return _detected_defaults(ctx)


def _device_given(args: argparse.Namespace) -> bool:
    return any(
        getattr(args, f"set_{name}", None)
        for name in ("device", "capture_device", "playback_device")
    )


def _read_settings_file(path: Path) -> JackSettings:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    if text.lstrip().startswith("{"):
        import json

        try:
            data = json.loads(text)
        except ValueError as exc:
            raise InputError(f"{path} is not valid JSON: {exc}") from exc
        return JackSettings.from_dict(data.get("settings", data))
    line = next((ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")), "")
    if not line:
        raise InputError(f"{path} holds no settings", "give a profile JSON or a jackd line")
    return JackSettings.from_line(line)


def _preset(name: str, ctx: Context) -> _Chosen:
    from stagebox.core.jack.profiles import ProfileStore
    from stagebox.core.jack.sources import read_qjackctl

    store = ProfileStore(ctx.paths)
    if any(p.name == name for p in store.list()):
        profile = store.get(name)
        chosen = _Chosen(profile.settings, f"profile {name!r}", preset=name)
        chosen.on_start, chosen.on_stop = profile.on_start, profile.on_stop
        return chosen
    qjackctl = read_qjackctl(ctx.paths.qjackctl_conf)
    if name in qjackctl.presets:
        return _Chosen(qjackctl.presets[name], f"QjackCtl preset {name!r}", preset=name)
    known = [p.name for p in store.list()] + list(qjackctl.presets)
    raise InputError(
        f"no profile or QjackCtl preset called {name!r} (known: {', '.join(known) or 'none'})",
        "see `stagebox jack profiles list` and `stagebox jack import`",
    )


def _detected_defaults(ctx: Context) -> _Chosen:
    """The profile bound to the plugged-in interface, else defaults for that interface."""
    from stagebox.core.jack.defaults import defaults_for_card
    from stagebox.core.jack.profiles import ProfileStore
    from stagebox.core.knowledge import load_knowledge

    result = _detect(ctx)
    if result is not None:
        profile = ProfileStore(ctx.paths).match(result)
        if profile is not None:
            chosen = _Chosen(profile.settings, f"profile {profile.name!r} (device plugged in)")
            chosen.preset, chosen.on_start, chosen.on_stop = (
                profile.name,
                profile.on_start,
                profile.on_stop,
            )
            return chosen
        card = _main_interface(result)
        if card is not None:
            chosen = _Chosen(
                defaults_for_card(card, load_knowledge(), live=ctx.root.is_live),
                f"defaults for {card.model or card.name or card.id}",
            )
            chosen.card = card
            return chosen
    raise InputError(
        "no audio interface was found to start JACK on",
        "plug it in (see `stagebox detect`), or give --device hw:<card id>, or use "
        "--driver dummy to run JACK without a sound card",
    )


def _detect(ctx: Context) -> DetectionResult | None:
    try:
        from stagebox.core.detect import detect_live  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    result: DetectionResult = detect_live(ctx.root)
    return result


def _main_interface(result: DetectionResult) -> Card | None:
    """The audio interface to use, else the built-in sound: the first of ``detect``'s ranking
    (the one the wizard proposes too), so a certain built-in card beats an HD-Audio Generic
    that may be HDMI."""
    from stagebox.core.model import Kind

    usable = (Kind.INTERFACE, Kind.ONBOARD)
    return next((c for c in result.ranked() if c.kind in usable and c.jack_device), None)


def _card_for(settings: JackSettings, ctx: Context) -> Card | None:
    """The detected card the settings' device names (for its limits), if any."""
    devices = settings.devices()
    if not devices:
        return None
    result = _detect(ctx)
    if result is None:
        return None
    for card in result.cards:
        names = {card.jack_device, f"hw:{card.id}", f"hw:{card.index}", f"hw:CARD={card.id}"}
        if any(d in names or d.split(",")[0] in names for d in devices):
            return card
    return None


def _apply_overrides(settings: JackSettings, args: argparse.Namespace) -> None:
    for _, dest, _, _ in _VALUE_OPTIONS:
        value = getattr(args, f"set_{dest}", None)
        if value is not None:
            setattr(settings, dest, value)
    for _, dest, _ in _BOOL_OPTIONS:
        value = getattr(args, f"set_{dest}", None)
        if value is not None:
            setattr(settings, dest, value)
    for _, dest, choices, _ in _CHOICE_OPTIONS:
        value = getattr(args, f"set_{dest}", None)
        if value is not None:
            setattr(settings, dest, choices[value])
    if getattr(args, "set_audio", None):
        settings.audio = AudioMode[args.set_audio.upper()]
    if getattr(args, "set_device", None) and not (
        getattr(args, "set_capture_device", None) or getattr(args, "set_playback_device", None)
    ):
        settings.capture_device = settings.playback_device = ""  # one device for both
    if getattr(args, "extra", None):
        settings.server_suffix = shlex.split(args.extra)
    if getattr(args, "set_priority", None) and getattr(args, "set_realtime", None) is None:
        settings.realtime = True


# -- commands ------------------------------------------------------------------------------
def _controller(ctx: Context, needs_kb: bool) -> Any:
    from stagebox.core.jack.control import JackController

    kb = None
    if needs_kb:
        from stagebox.core.knowledge import load_knowledge

        kb = load_knowledge()
    return JackController(ctx.paths, root=ctx.root, kb=kb)


def run_start(args: argparse.Namespace, ctx: Context) -> int:
    chosen = _choose_settings(args, ctx)
    controller = _controller(ctx, needs_kb=chosen.settings.driver == "alsa")

    def ready(status: JackStatus) -> None:
        _print_status(ctx, status, args.json, origin=chosen.origin)

    status = _guarded(
        ctx,
        lambda: controller.start(
            chosen.settings,
            foreground=args.foreground,
            card=chosen.card,
            preset=chosen.preset,
            on_start=chosen.on_start,
            on_stop=chosen.on_stop,
            on_ready=ready,
            realtime_fallback=args.fallback_no_realtime,
        ),
    )
    if status is None:
        return 1
    if args.foreground and not args.json:
        print(status.message, file=ctx.out)
    return 1 if status.crashed else 0


def run_restart(args: argparse.Namespace, ctx: Context) -> int:
    controller = _controller(ctx, needs_kb=True)
    name = args.set_server_name
    chosen = _restart_settings(args, ctx, controller.record(name))
    start: dict[str, Any] = {}
    if chosen is not None:
        start = {"card": chosen.card, "preset": chosen.preset, "on_start": chosen.on_start}
    status = _guarded(
        ctx,
        lambda: controller.restart(chosen.settings if chosen else None, name, **start),
    )
    if status is None:
        return 1
    _print_status(ctx, status, args.json)
    return 0


def _restart_settings(args: argparse.Namespace, ctx: Context, record: Any) -> _Chosen | None:
    """None: restart as recorded. Options alone change the running server's settings."""
    if getattr(args, "settings", None) or getattr(args, "preset", None):
        return _choose_settings(args, ctx)
    options = any(v is not None for k, v in vars(args).items() if k.startswith("set_"))
    if not options and not args.extra:
        return None
    if record is None:
        return _choose_settings(args, ctx)
    chosen = _Chosen(JackSettings.from_dict(record.settings), "the running server")
    _apply_overrides(chosen.settings, args)
    return chosen


def run_stop(args: argparse.Namespace, ctx: Context) -> int:
    status = _controller(ctx, needs_kb=False).stop(args.server_name)
    if args.json:
        print(_json(status.to_dict()), file=ctx.out)
    else:
        extra = f" ({status.xruns} xruns while it ran)" if status.xruns else ""
        print(f"{status.message}: server {status.server_name!r}{extra}", file=ctx.out)
    return 0


def run_status(args: argparse.Namespace, ctx: Context) -> int:
    status = _controller(ctx, needs_kb=False).status(args.server_name)
    _print_status(ctx, status, args.json)
    return 0 if status.running else NOT_RUNNING


def run_args(args: argparse.Namespace, ctx: Context) -> int:
    chosen = _choose_settings(args, ctx)
    problems = _problems(chosen)
    if args.json:
        data = {
            "argv": chosen.settings.to_argv(),
            "line": chosen.settings.to_line(),
            "latency_ms": round(latency_ms(chosen.settings), 2),
            "origin": chosen.origin,
            "settings": chosen.settings.to_dict(),
            "problems": [
                {"field": p.field, "message": p.message, "nearest": p.nearest} for p in problems
            ],
        }
        print(_json(data), file=ctx.out)
    else:
        print(chosen.settings.to_line(), file=ctx.out)
        for p in problems:
            print(f"problem: {p}", file=ctx.err)
    return 1 if problems else 0


def _problems(chosen: _Chosen) -> list[Any]:
    from stagebox.core.jack.defaults import validate_settings
    from stagebox.core.knowledge import KnowledgeBase, load_knowledge

    # the knowledge base only matters for a real card
    kb = load_knowledge() if chosen.settings.driver == "alsa" else KnowledgeBase([], {})
    return validate_settings(chosen.settings, chosen.card, kb)


def run_import(args: argparse.Namespace, ctx: Context) -> int:
    from stagebox.core.jack.profiles import Profile, ProfileStore
    from stagebox.core.jack.sources import read_jackdrc, read_qjackctl

    found: list[tuple[str, str, JackSettings]] = []
    jackdrc = read_jackdrc(ctx.paths)
    if jackdrc is not None:
        found.append(("jackdrc", str(ctx.paths.jackdrc), jackdrc))
    qjackctl = read_qjackctl(ctx.paths.qjackctl_conf)
    for name, settings in qjackctl.presets.items():
        current = " (current)" if name == qjackctl.current else ""
        found.append((f"qjackctl-{name}", f"QjackCtl preset {name!r}{current}", settings))
    if args.save:
        store = ProfileStore(ctx.paths)
        for key, _, settings in found:
            store.save(Profile(name=_profile_name(key), settings=settings))
    if args.json:
        items = [
            {"name": _profile_name(k), "from": w, "argv": s.to_argv(), "settings": s.to_dict()}
            for k, w, s in found
        ]
        print(_json(items), file=ctx.out)
        return 0
    if not found:
        print("Nothing to import: no ~/.jackdrc and no QjackCtl presets.", file=ctx.out)
        return 0
    for key, where, settings in found:
        print(f"{where}:\n  {settings.to_line()}", file=ctx.out)
        if args.save:
            print(f"  saved as profile {_profile_name(key)!r}", file=ctx.out)
    return 0


def _profile_name(key: str) -> str:
    import re

    return re.sub(r"[^\w .+@()-]", "_", key)[:64]


def run_write_jackdrc(args: argparse.Namespace, ctx: Context) -> int:
    from stagebox.core.jack.sources import write_jackdrc

    chosen = _choose_settings(args, ctx)
    entry = write_jackdrc(chosen.settings, ctx.journal)
    print(f"{entry.summary}\n  undo: stagebox jack undo", file=ctx.out)
    return 0


def run_undo(args: argparse.Namespace, ctx: Context) -> int:
    from stagebox.core.jack.sources import undo_jackdrc

    print(undo_jackdrc(ctx.journal, force=args.force).summary, file=ctx.out)
    return 0


def run_explain(args: argparse.Namespace, ctx: Context) -> int:
    from stagebox.core.jack.control import JackController
    from stagebox.core.jack.explain import explain_log

    path = Path(args.log) if args.log else JackController(ctx.paths).log_path(args.server_name)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"cannot read the log {path}: {exc.strerror}") from exc
    explanations = explain_log(text)
    if not explanations:
        print("No known problem in this log.", file=ctx.out)
        return 0
    for e in explanations:
        print(f"{e.severity}: {e.message}\n  log: {e.evidence}\n  fix: {e.fix}", file=ctx.out)
    return 1 if any(e.severity == "error" for e in explanations) else 0


def run_cleanup(args: argparse.Namespace, ctx: Context) -> int:
    from stagebox.core.jack import system

    jackd = system.find_jackd()
    if jackd is None:
        raise StageboxError("jackd is not installed", system.INSTALL_HINT)
    freed = system.reclaim_dead_servers(jackd)
    if not freed:
        print("Nothing to clean up: no killed JACK server left anything behind.", file=ctx.out)
        return 0
    print(f"Freed what killed JACK servers left behind: {', '.join(freed)}", file=ctx.out)
    return 0


# -- profiles ------------------------------------------------------------------------------
def run_profiles_list(args: argparse.Namespace, ctx: Context) -> int:
    from stagebox.core.jack.profiles import ProfileStore

    profiles = ProfileStore(ctx.paths).list()
    if not profiles:
        print(
            "No JACK profiles yet (save one with `stagebox jack profiles save NAME`).", file=ctx.out
        )
    for p in profiles:
        bound = f"  [{p.device.describe()}]" if p.device else ""
        print(f"{p.name}: {p.settings.to_line()}{bound}", file=ctx.out)
    return 0


def run_profiles_show(args: argparse.Namespace, ctx: Context) -> int:
    from stagebox.core.jack.profiles import ProfileStore

    print(_json(ProfileStore(ctx.paths).get(args.name).to_dict()), file=ctx.out)
    return 0


def run_profiles_save(args: argparse.Namespace, ctx: Context) -> int:
    from stagebox.core.jack.profiles import DeviceBinding, Profile, ProfileStore, check_profile_name

    check_profile_name(args.name)
    chosen = _choose_settings(args, ctx)
    binding = None
    if args.bind is not None:
        result = _detect(ctx)
        card = next(
            (c for c in (result.cards if result else []) if args.bind in (c.id, str(c.index))),
            None,
        )
        if card is None:
            raise InputError(f"there is no sound card {args.bind!r} to bind the profile to")
        binding = DeviceBinding.from_card(card)
    profile = Profile(
        name=args.name,
        settings=chosen.settings,
        device=binding,
        on_start=chosen.on_start,
        on_stop=chosen.on_stop,
    )
    path = ProfileStore(ctx.paths).save(profile)
    bound = f", used whenever {binding.describe()} is plugged in" if binding else ""
    print(
        f"saved profile {args.name!r} ({path}){bound}:\n  {chosen.settings.to_line()}", file=ctx.out
    )
    return 0


def run_profiles_delete(args: argparse.Namespace, ctx: Context) -> int:
    from stagebox.core.jack.profiles import ProfileStore

    ProfileStore(ctx.paths).delete(args.name)
    print(f"deleted profile {args.name!r}", file=ctx.out)
    return 0


def run_profiles_match(args: argparse.Namespace, ctx: Context) -> int:
    from stagebox.core.jack.profiles import ProfileStore

    result = _detect(ctx)
    profile = ProfileStore(ctx.paths).match(result) if result else None
    if profile is None:
        print("No profile is bound to a device that is plugged in now.", file=ctx.out)
        return 1
    assert profile.device is not None
    print(
        f"{profile.name} ({profile.device.describe()}): {profile.settings.to_line()}", file=ctx.out
    )
    return 0


# -- output --------------------------------------------------------------------------------
def _json(data: Any) -> str:
    import json  # only when asked for (start-up speed of `jack start`)

    return json.dumps(data, indent=2)


def _guarded(ctx: Context, action: Any) -> JackStatus | None:
    """Run a start; a failure prints every reason with its fix (not only the first)."""
    from stagebox.core.jack.control import JackStartError

    try:
        status: JackStatus = action()
    except JackStartError as exc:
        reasons = exc.issues or exc.explanations
        if not reasons:
            raise
        print("stagebox: JACK was not started.", file=ctx.err)
        for reason in reasons:
            blocking = getattr(reason, "blocking", getattr(reason, "severity", "") == "error")
            word = "problem" if blocking else "warning"
            print(f"  {word}: {reason.message}\n    fix: {reason.fix}", file=ctx.err)
        if exc.log_path:
            print(f"  log: {exc.log_path}", file=ctx.err)
        return None
    return status


def _print_status(ctx: Context, status: JackStatus, as_json: bool, origin: str = "") -> None:
    if as_json:
        print(_json(status.to_dict()), file=ctx.out)
        return
    if not status.running:
        print(
            f"{status.message or 'JACK is not running'}: server {status.server_name!r}",
            file=ctx.out,
        )
        return
    s = status.settings
    driver = f"{s.driver} {' / '.join(s.devices())}".strip() + ", " if s else ""
    periods = status.periods or 2
    rt = "realtime" if status.realtime else "not realtime"
    lines = [
        f"{status.message}: {driver}{status.rate} Hz, period {status.period} x {periods} "
        f"= {status.latency_ms:.1f} ms latency ({rt})",
        f"  server: {status.server_name!r}, pid {status.pid or '?'} ({status.server_kind})",
    ]
    if status.dsp_load is not None:
        xruns = f", xruns {status.xruns}" if status.xruns is not None else ""
        lines.append(f"  DSP load {status.dsp_load:.1f} %{xruns}")
    if s is not None and status.started_by_stagebox:
        lines.append(f"  command: {' '.join(s.to_argv())}")
    if origin:
        lines.append(f"  settings from: {origin}")
    if status.log_path:
        lines.append(f"  log: {status.log_path}")
    lines += [f"  note: {n}" for n in status.notes]
    lines += [f"  warning: {w}" for w in status.warnings]
    if status.started_by_stagebox:
        name = "" if status.server_name == "default" else f" --server-name {status.server_name}"
        lines.append(f"  stop it with: stagebox jack stop{name}")
    print("\n".join(lines), file=ctx.out)
    ctx.out.flush()
