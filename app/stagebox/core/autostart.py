"""Start the Stagebox tray at login: the XDG autostart entry, written and removed through
the change journal (``feature="autostart"``) so ``stagebox journal undo`` can revert it.

One mechanism only (peer tools' users report checkboxes that silently do nothing): a file
``$XDG_CONFIG_HOME/autostart/stagebox-tray.desktop``. Its presence *is* the state, so the
wizard and the tray show what the desktop will really do at the next login.
"""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

from stagebox.core.journal import Entry, Journal
from stagebox.core.paths import UserPaths

FEATURE = "autostart"
ENTRY_NAME = "stagebox-tray.desktop"
#: Marks entries Stagebox wrote, so we never remove a file the user made by hand.
MANAGED_KEY = "X-Stagebox-Managed=true"

_TEMPLATE = """\
[Desktop Entry]
Type=Application
Name=Stagebox tray
Comment=Tray icon that starts and stops JACK on your audio interface
Exec={exec_line}
TryExec={try_exec}
Icon=stagebox
Terminal=false
Categories=AudioVideo;Audio;
NoDisplay=true
X-GNOME-Autostart-enabled=true
X-GNOME-Autostart-Delay=3
X-KDE-autostart-after=panel
X-MATE-Autostart-enabled=true
{managed}
"""


def entry_path(paths: UserPaths) -> Path:
    return paths.autostart_dir / ENTRY_NAME


def entry_text(command: str | None = None) -> str:
    """The autostart entry; ``command`` is the stagebox binary (found on PATH by default)."""
    binary = command or shutil.which("stagebox") or "stagebox"
    return _TEMPLATE.format(
        exec_line=f"{shlex.quote(binary)} tray",
        try_exec=binary,
        managed=MANAGED_KEY,
    )


def is_enabled(paths: UserPaths) -> bool:
    """True when the desktop will start the tray at the next login."""
    try:
        text = entry_path(paths).read_text(encoding="utf-8")
    except OSError:
        return False
    return "X-GNOME-Autostart-enabled=false" not in text and "Hidden=true" not in text


def enable(paths: UserPaths, journal: Journal, command: str | None = None) -> Entry | None:
    """Write the autostart entry (recorded for undo). None when it is already there as is."""
    text = entry_text(command)
    path = entry_path(paths)
    try:
        if path.read_text(encoding="utf-8") == text:
            return None
    except OSError:
        pass
    return journal.write_file(
        path,
        text,
        feature=FEATURE,
        summary="start the Stagebox tray icon at login (XDG autostart entry)",
    )


def disable(paths: UserPaths, journal: Journal) -> Entry | None:
    """Remove the autostart entry Stagebox wrote (recorded for undo). None when absent.

    An entry without Stagebox's marker was made by the user; it is left alone.
    """
    path = entry_path(paths)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError:
        text = ""
    if MANAGED_KEY not in text:
        return None
    return journal.remove_file(
        path, feature=FEATURE, summary="no longer start the Stagebox tray icon at login"
    )
