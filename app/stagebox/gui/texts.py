"""Every text the desktop side shows, in one place, in English, ready for Qt translation.

Source strings are marked with ``QT_TRANSLATE_NOOP`` (so ``pyside6-lupdate`` finds them) and
looked up at display time with :func:`t`, which also fills ``{placeholders}``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

CONTEXT = "Stagebox"


def t(source: str, **values: Any) -> str:
    """The translation of ``source`` (one of the constants below), with values filled in."""
    text = QCoreApplication.translate(CONTEXT, source)
    return text.format(**values) if values else text


# -- common ------------------------------------------------------------------------------
APP_NAME = QT_TRANSLATE_NOOP("Stagebox", "Stagebox")
WIZARD_TITLE = QT_TRANSLATE_NOOP("Stagebox", "Stagebox — set up your audio interface")
WORKING = QT_TRANSLATE_NOOP("Stagebox", "Working…")
APPLY = QT_TRANSLATE_NOOP("Stagebox", "&Apply this change")
UNDO = QT_TRANSLATE_NOOP("Stagebox", "&Undo")
APPLIED = QT_TRANSLATE_NOOP(
    "Stagebox", "Done. You can undo it here or with “stagebox journal undo”."
)
UNDONE = QT_TRANSLATE_NOOP("Stagebox", "Undone: the previous state is back.")
FAILED = QT_TRANSLATE_NOOP("Stagebox", "That did not work: {reason}")
FIX_HINT = QT_TRANSLATE_NOOP("Stagebox", "What to do: {fix}")

# -- page 1: detect -------------------------------------------------------------------------
DETECT_TITLE = QT_TRANSLATE_NOOP("Stagebox", "Your audio interface")
DETECT_SUBTITLE = QT_TRANSLATE_NOOP(
    "Stagebox", "Stagebox looks at what is plugged in and what your system already knows."
)
DETECT_BUSY = QT_TRANSLATE_NOOP("Stagebox", "Looking at your machine…")
DETECT_RESCAN = QT_TRANSLATE_NOOP("Stagebox", "&Scan again")
DETECT_INTERFACES = QT_TRANSLATE_NOOP("Stagebox", "Audio interfaces (choose the one for JACK)")
DETECT_NO_INTERFACE = QT_TRANSLATE_NOOP(
    "Stagebox",
    "No audio interface found. Plug it in, wait a few seconds and press “Scan again”.",
)
DETECT_CARDLESS = QT_TRANSLATE_NOOP("Stagebox", "Plugged in, but not working yet")
DETECT_OTHERS = QT_TRANSLATE_NOOP("Stagebox", "Other sound devices (not offered for JACK)")
DETECT_FINDINGS = QT_TRANSLATE_NOOP("Stagebox", "What Stagebox noticed")
DETECT_NOTHING_NOTICED = QT_TRANSLATE_NOOP("Stagebox", "Nothing unusual.")
DETECT_USE_ONBOARD = QT_TRANSLATE_NOOP(
    "Stagebox", "Use the built-in sound for JACK for now (higher latency, fewer inputs)"
)
DETECT_USE_UNCERTAIN = QT_TRANSLATE_NOOP(
    "Stagebox",
    "Use card {index} “{id}” for JACK for now: it may be the built-in sound or the HDMI output "
    "(the scan cannot tell which; HDMI has no inputs)",
)
DETECT_WHY = QT_TRANSLATE_NOOP("Stagebox", "Why this one: {reason}")
DETECT_FAILED = QT_TRANSLATE_NOOP("Stagebox", "Stagebox could not look at this machine: {reason}")
CARD_LINE = QT_TRANSLATE_NOOP("Stagebox", "{model} — card {index} “{id}”, JACK device {device}")
CARD_LINE_NO_DEVICE = QT_TRANSLATE_NOOP("Stagebox", "{model} — card {index} “{id}”")
CARDLESS_LINE = QT_TRANSLATE_NOOP("Stagebox", "{model} (USB {usb_id}): {reason}")
UNKNOWN_MODEL = QT_TRANSLATE_NOOP("Stagebox", "Unknown device")
KIND_ONBOARD = QT_TRANSLATE_NOOP("Stagebox", "built-in sound")
KIND_HDMI = QT_TRANSLATE_NOOP("Stagebox", "HDMI / DisplayPort (screen audio)")
KIND_MIDI_ONLY = QT_TRANSLATE_NOOP("Stagebox", "MIDI only, no audio")
KIND_WEBCAM = QT_TRANSLATE_NOOP("Stagebox", "webcam or headset")
KIND_OTHER = QT_TRANSLATE_NOOP("Stagebox", "other")
KIND_INTERFACE = QT_TRANSLATE_NOOP("Stagebox", "audio interface")
OTHER_LINE = QT_TRANSLATE_NOOP("Stagebox", "{name} — {kind}")
KIND_UNCERTAIN = QT_TRANSLATE_NOOP("Stagebox", "{kinds} (the scan cannot tell which)")
KIND_OR = QT_TRANSLATE_NOOP("Stagebox", " or ")

# -- page 2: fix ----------------------------------------------------------------------------
FIX_TITLE = QT_TRANSLATE_NOOP("Stagebox", "What needs to change")
FIX_SUBTITLE = QT_TRANSLATE_NOOP(
    "Stagebox",
    "Each change is shown first and made only when you click. Every change can be undone.",
)
FIX_NOTHING = QT_TRANSLATE_NOOP(
    "Stagebox", "Nothing to change: your interface is ready for JACK. Press Next."
)
FIX_WHY = QT_TRANSLATE_NOOP("Stagebox", "Why: {why}")
FIX_CHANGE = QT_TRANSLATE_NOOP("Stagebox", "The exact change:")
FIX_BY_HAND = QT_TRANSLATE_NOOP("Stagebox", "What to do:")
FIX_MANUAL = QT_TRANSLATE_NOOP(
    "Stagebox", "Stagebox cannot do this for you; run it yourself, then press “Scan again”."
)
FIX_COPY = QT_TRANSLATE_NOOP("Stagebox", "&Copy")
FIX_BLOCKED = QT_TRANSLATE_NOOP("Stagebox", "Not possible here: {reason}")
FIX_REPLUG = QT_TRANSLATE_NOOP("Stagebox", "&Replug now")
FIX_REPLUG_HINT = QT_TRANSLATE_NOOP(
    "Stagebox",
    "Unplug the interface, wait two seconds and plug it back in. Stagebox notices by itself.",
)
FIX_REPLUG_WAITING = QT_TRANSLATE_NOOP(
    "Stagebox", "Waiting for the interface to come back (up to {seconds} s)…"
)
FIX_REPLUG_SEEN = QT_TRANSLATE_NOOP("Stagebox", "The interface is back. Looking again…")
FIX_REPLUG_TIMEOUT = QT_TRANSLATE_NOOP(
    "Stagebox", "The interface did not come back in time. Check the cable and try again."
)
FIX_NO_DEVICE = QT_TRANSLATE_NOOP(
    "Stagebox",
    "No interface is chosen yet. Go Back, plug it in and press “Scan again”, or tick “Use the built-in sound”.",
)
FIX_NEED_DEVICE = QT_TRANSLATE_NOOP(
    "Stagebox",
    "JACK needs a working sound card. Apply the changes above and replug the interface.",
)

# -- page 3: JACK settings -------------------------------------------------------------------
JACK_TITLE = QT_TRANSLATE_NOOP("Stagebox", "JACK settings")
JACK_SUBTITLE = QT_TRANSLATE_NOOP(
    "Stagebox",
    "Suggested for your interface. Smaller buffers mean lower latency but more risk of dropouts.",
)
JACK_DEVICE = QT_TRANSLATE_NOOP("Stagebox", "Device:")
JACK_RATE = QT_TRANSLATE_NOOP("Stagebox", "Sample &rate:")
JACK_PERIOD = QT_TRANSLATE_NOOP("Stagebox", "Buffer si&ze (frames per period):")
JACK_PERIODS = QT_TRANSLATE_NOOP("Stagebox", "&Periods per buffer:")
JACK_LATENCY = QT_TRANSLATE_NOOP("Stagebox", "Latency: {ms:.1f} ms")
JACK_LATENCY_HOW = QT_TRANSLATE_NOOP("Stagebox", "({periods} × {period} frames at {rate} Hz)")
JACK_ADVANCED = QT_TRANSLATE_NOOP("Stagebox", "Ad&vanced settings")
JACK_DRIVER = QT_TRANSLATE_NOOP("Stagebox", "Dri&ver:")
JACK_REALTIME = QT_TRANSLATE_NOOP("Stagebox", "Rea&ltime scheduling")
JACK_PRIORITY = QT_TRANSLATE_NOOP("Stagebox", "Realtime pr&iority:")
JACK_PRIORITY_DEFAULT = QT_TRANSLATE_NOOP("Stagebox", "jackd's default")
JACK_SERVER_NAME = QT_TRANSLATE_NOOP("Stagebox", "Server &name (empty = default):")
JACK_COMMAND = QT_TRANSLATE_NOOP("Stagebox", "Command line: {line}")
JACK_IMPORT_QJACKCTL = QT_TRANSLATE_NOOP("Stagebox", "Use QjackCtl preset “{name}”")
JACK_IMPORT_JACKDRC = QT_TRANSLATE_NOOP("Stagebox", "Use the settings in ~/.jackdrc")
JACK_IMPORT_FOUND = QT_TRANSLATE_NOOP("Stagebox", "Found existing JACK settings:")
JACK_IMPORTED = QT_TRANSLATE_NOOP("Stagebox", "Imported: {line}")
JACK_PROBLEM = QT_TRANSLATE_NOOP("Stagebox", "⚠ {reason}")

# -- page 4: test ----------------------------------------------------------------------------
TEST_TITLE = QT_TRANSLATE_NOOP("Stagebox", "Try it")
TEST_SUBTITLE = QT_TRANSLATE_NOOP(
    "Stagebox", "Start JACK with these settings, listen to a test tone, then stop it."
)
TEST_COMMAND = QT_TRANSLATE_NOOP("Stagebox", "Stagebox will run: {line}")
TEST_START = QT_TRANSLATE_NOOP("Stagebox", "&Start JACK")
TEST_STOP = QT_TRANSLATE_NOOP("Stagebox", "S&top JACK")
TEST_TONE = QT_TRANSLATE_NOOP("Stagebox", "Play a &test tone (2 s, quiet)")
TEST_STATE_STOPPED = QT_TRANSLATE_NOOP("Stagebox", "JACK is not running.")
TEST_STATE_STARTING = QT_TRANSLATE_NOOP("Stagebox", "Starting JACK…")
TEST_STATE_RUNNING = QT_TRANSLATE_NOOP(
    "Stagebox",
    "JACK is running: {rate} Hz, {period} frames per period, {latency:.1f} ms, {xruns} dropouts (xruns).",
)
TEST_STATE_FAILED = QT_TRANSLATE_NOOP("Stagebox", "JACK did not start: {reason}")
TEST_TONE_PLAYED = QT_TRANSLATE_NOOP("Stagebox", "Played the test tone on {ports}.")
TEST_TONE_NO_PORTS = QT_TRANSLATE_NOOP(
    "Stagebox", "The tone played, but JACK has no playback ports to send it to."
)
TEST_AUTOSTART = QT_TRANSLATE_NOOP("Stagebox", "Show the JACK tray icon when I log in")
TEST_AUTOSTART_MINE = QT_TRANSLATE_NOOP(
    "Stagebox", "An autostart entry you made yourself exists; Stagebox leaves it alone."
)
TEST_FINISH_HINT = QT_TRANSLATE_NOOP(
    "Stagebox", "Finish saves these settings as the profile “{name}” for this interface."
)

# -- tray ------------------------------------------------------------------------------------
TRAY_START = QT_TRANSLATE_NOOP("Stagebox", "&Start JACK")
TRAY_STOP = QT_TRANSLATE_NOOP("Stagebox", "S&top JACK")
TRAY_RESTART = QT_TRANSLATE_NOOP("Stagebox", "&Restart JACK")
TRAY_PRESET = QT_TRANSLATE_NOOP("Stagebox", "&Profile: {name}")
TRAY_NO_PRESET = QT_TRANSLATE_NOOP("Stagebox", "No profile yet — open the wizard")
TRAY_WIZARD = QT_TRANSLATE_NOOP("Stagebox", "Open the set-up &wizard…")
TRAY_LOG = QT_TRANSLATE_NOOP("Stagebox", "Show the JACK &log")
TRAY_QUIT = QT_TRANSLATE_NOOP("Stagebox", "&Quit")
TRAY_STATE_STOPPED = QT_TRANSLATE_NOOP("Stagebox", "JACK is stopped")
TRAY_STATE_STARTING = QT_TRANSLATE_NOOP("Stagebox", "JACK is starting on {device}…")
TRAY_STATE_RUNNING = QT_TRANSLATE_NOOP(
    "Stagebox",
    "JACK is running on {device}\n{rate} Hz · {period} frames × {periods} · {latency:.1f} ms",
)
TRAY_STATE_XRUNS = QT_TRANSLATE_NOOP(
    "Stagebox",
    "JACK is running on {device}, with {xruns} dropouts (xruns)\n{rate} Hz · {period} frames × {periods} · {latency:.1f} ms",
)
TRAY_STATE_FAILED = QT_TRANSLATE_NOOP("Stagebox", "JACK stopped unexpectedly: {reason}")
TRAY_STARTED_ELSEWHERE = QT_TRANSLATE_NOOP(
    "Stagebox", "Started outside Stagebox ({kind}): stop it where it was started."
)
TRAY_STOPPED_ELSEWHERE = QT_TRANSLATE_NOOP("Stagebox", "It was stopped outside the tray.")
TRAY_NO_TRAY = QT_TRANSLATE_NOOP(
    "Stagebox",
    "Your desktop has no system tray, so Stagebox shows this small window instead.",
)
TRAY_UNPLUGGED = QT_TRANSLATE_NOOP(
    "Stagebox", "{device} was unplugged, so JACK was stopped cleanly."
)
TRAY_OFFER_TITLE = QT_TRANSLATE_NOOP("Stagebox", "Interface plugged in")
TRAY_OFFER = QT_TRANSLATE_NOOP("Stagebox", "Start JACK with the profile “{profile}” on {device}?")
TRAY_OFFER_ALWAYS = QT_TRANSLATE_NOOP("Stagebox", "Remember my answer for this profile")
TRAY_AUTO_STARTED = QT_TRANSLATE_NOOP(
    "Stagebox", "{device} was plugged in: starting JACK with “{profile}”."
)
TRAY_LOG_TITLE = QT_TRANSLATE_NOOP("Stagebox", "JACK log")
TRAY_LOG_EMPTY = QT_TRANSLATE_NOOP("Stagebox", "No JACK log yet.")
