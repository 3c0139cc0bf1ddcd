"""~/.jackdrc and QjackCtl.conf as import sources; writing ~/.jackdrc through the journal."""

from __future__ import annotations

import pytest
from stagebox.core.errors import InputError, StageboxError
from stagebox.core.jack.settings import AudioMode, JackSettings
from stagebox.core.jack.sources import (
    parse_jackdrc,
    parse_qjackctl,
    read_jackdrc,
    read_qjackctl,
    undo_jackdrc,
    write_jackdrc,
)
from stagebox.core.journal import Journal
from stagebox.core.paths import UserPaths

# Written the way QSettings writes it: named presets as "<Preset>\Key", blanks in key names
# as %20, char settings as their codes, strings with commas quoted.
QJACKCTL_CONF = r"""[Presets]
DefPreset=US 144
OldPreset=(default)
Preset1=US 144
Preset2=dummy test

[Settings]
Server=/usr/bin/jackd
ServerName=
Realtime=true
Priority=0
Frames=1024
SampleRate=44100
Periods=2
Driver=alsa
Interface=hw:0
Audio=0
Dither=0
Timeout=0
US%20144\Server=jackd
US%20144\Realtime=true
US%20144\Priority=85
US%20144\Frames=512
US%20144\SampleRate=48000
US%20144\Periods=2
US%20144\Driver=alsa
US%20144\Interface=
US%20144\Audio=0
US%20144\InDevice=us-144mkii
US%20144\OutDevice=us-144mkii
US%20144\Timeout=2000
US%20144\MidiDriver=seq
US%20144\Dither=3
US%20144\ClockSource=115
US%20144\SelfConnectMode=32
US%20144\ServerSuffix=
dummy%20test\Driver=dummy
dummy%20test\Realtime=false
dummy%20test\SampleRate=48000
dummy%20test\Frames=256
dummy%20test\Wait=0
dummy%20test\ServerName="test, one"

[Options]
ServerConfig=true
ServerConfigName=.jackdrc
"""


def test_qjackctl_presets() -> None:
    found = parse_qjackctl(QJACKCTL_CONF)
    assert list(found.presets) == ["(default)", "US 144", "dummy test"]
    assert found.current == "US 144"
    us144 = found.presets["US 144"]
    assert us144.to_line() == (
        "jackd -P85 -t2000 -cs -dalsa -r48000 -p512 -n2 -Xseq -D -Cus-144mkii -Pus-144mkii -zt"
    )
    assert us144.self_connect == ""  # ' ' (32) = do not restrict: no flag
    default = found.presets["(default)"]
    assert default.server_path == "/usr/bin/jackd" and default.device == "hw:0"
    assert (default.rate, default.period) == (44100, 1024)
    dummy = found.presets["dummy test"]
    assert dummy.driver == "dummy" and not dummy.realtime
    assert dummy.server_name == "test, one"


def test_qjackctl_file_missing_or_bad(paths: UserPaths) -> None:
    assert read_qjackctl(paths.qjackctl_conf).presets == {}
    paths.qjackctl_conf.parent.mkdir(parents=True)
    paths.qjackctl_conf.write_text("[Settings]\nFrames=lots\n")
    with pytest.raises(InputError, match="Frames='lots' is not a number"):
        read_qjackctl(paths.qjackctl_conf)


def test_jackdrc_is_split_on_whitespace_like_jack2(paths: UserPaths) -> None:
    assert read_jackdrc(paths) is None
    paths.jackdrc.write_text("/usr/bin/jackd  -P85\t-dalsa -dhw:US122L -r48000 -p512 -n2\n")
    settings = read_jackdrc(paths)
    assert settings is not None
    assert settings.device == "hw:US122L" and settings.priority == 85
    with pytest.raises(InputError, match="empty"):
        parse_jackdrc("\n\n")


def test_write_jackdrc_journal_and_undo(paths: UserPaths) -> None:
    journal = Journal(paths)
    paths.jackdrc.write_text("/usr/bin/jackd -dalsa -dhw:0\n")
    settings = JackSettings.from_line(
        "jackd -P85 -t2000 -dalsa -r48000 -p512 -n2 -Cus-144mkii -Pus-144mkii"
    )
    entry = write_jackdrc(settings, journal)
    text = paths.jackdrc.read_text()
    assert text.count("\n") == 1 and text.endswith("\n")
    assert text.split()[0].startswith("/")  # the resolved path, as QjackCtl writes it
    assert text.split()[1:] == settings.to_argv()[1:]
    assert JackSettings.from_argv(text.split()) == settings.with_changes(
        server_path=text.split()[0]
    )
    assert journal.last("jack") == entry
    undo_jackdrc(journal)
    assert paths.jackdrc.read_text() == "/usr/bin/jackd -dalsa -dhw:0\n"
    with pytest.raises(StageboxError, match="has not written"):
        undo_jackdrc(journal)


def test_write_jackdrc_refuses_blanks(paths: UserPaths) -> None:
    with pytest.raises(InputError, match="splits that file at every blank"):
        write_jackdrc(JackSettings(device="hw:My Card"), Journal(paths))
    assert not paths.jackdrc.exists()


def test_undo_refuses_a_file_edited_since(paths: UserPaths) -> None:
    journal = Journal(paths)
    write_jackdrc(JackSettings(device="hw:USB", audio=AudioMode.DUPLEX), journal)
    paths.jackdrc.write_text("my own line\n")
    with pytest.raises(StageboxError, match="changed after Stagebox wrote it"):
        undo_jackdrc(journal)
    undo_jackdrc(journal, force=True)
    assert not paths.jackdrc.exists()
