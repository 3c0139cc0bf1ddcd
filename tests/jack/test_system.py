"""What the machine offers JACK: PipeWire's libjack, the card's own limits, hook macros."""

from __future__ import annotations

import shutil
from pathlib import Path

from stagebox.core.jack import system
from stagebox.core.jack.defaults import read_card_limits
from stagebox.core.jack.hooks import expand_macros
from stagebox.core.jack.preflight import advisories, preflight
from stagebox.core.jack.settings import JackSettings
from stagebox.core.paths import UserPaths
from stagebox.core.sysroot import SystemRoot

from tests.jack.conftest import ROOTS


def test_pipewire_jack_blocks_a_start(tmp_path: Path, paths: UserPaths) -> None:
    root_dir = tmp_path / "root"
    shutil.copytree(ROOTS / "onboard-only", root_dir, symlinks=True)
    conf = root_dir / "etc" / "ld.so.conf.d"
    conf.mkdir(parents=True)
    (conf / "pipewire-jack-x86_64-linux-gnu.conf").write_text(
        "/usr/lib/x86_64-linux-gnu/pipewire-0.3/jack/\n"
    )
    root = SystemRoot.at(root_dir)
    pw = system.pipewire_jack(root, ask_ldconfig=False)
    assert pw.active and pw.config_files == [
        "/etc/ld.so.conf.d/pipewire-jack-x86_64-linux-gnu.conf"
    ]
    issues = preflight(JackSettings(driver="dummy", realtime=False), root, paths)
    assert [(i.code, i.blocking) for i in issues] == [("pipewire_jack", True)]
    assert "sudo ldconfig" in issues[0].fix


def test_this_machine_has_the_real_libjack() -> None:
    pw = system.pipewire_jack(SystemRoot())
    assert not pw.active
    assert pw.libjack is not None and "libjack.so.0" in pw.libjack
    assert all(i.code != "pipewire_jack" for i in advisories(SystemRoot()))
    assert system.jackd_version(system.find_jackd() or "jackd") == "jack2 1.9.21"


def test_card_limits_need_a_free_card() -> None:
    # real alsa-lib: no card here, so the card cannot be asked (and that is not an error)
    assert read_card_limits("hw:US122L") is None


def test_card_limits_are_read_through_alsa_lib() -> None:
    """The hw_params path itself (pyalsaaudio over real alsa-lib), on the one PCM that
    opens without a card: alsa-lib's null plugin, which takes any rate and format."""
    limits = read_card_limits("null")
    assert limits is not None and limits.rates == ()
    assert limits.rate_min is not None and limits.rate_max is not None
    assert limits.rate_min <= 44100 and limits.rate_max >= 192000
    assert {"S16_LE", "S24_3LE", "S32_LE"} <= set(limits.formats)


def test_hook_macros_are_quoted() -> None:
    settings = JackSettings(
        server_name="live", device="hw:USB", rate=48000, period=128, periods=3, server_path="jackd"
    )
    line = expand_macros("notify %P %N %s %d %i %r %p %n 100%%", settings, "my rig")
    assert line == "notify 'my rig' live jackd alsa hw:USB 48000 128 3 100%"
