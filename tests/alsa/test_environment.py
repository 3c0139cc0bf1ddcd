"""What the machine has: a full disk, no alsa-plugins, an old alsa-plugins, fixed settings."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from stagebox.core.alsaconf import (
    Status,
    apply_alsa,
    plan_alsa,
    plugin_support,
    validate_pcm,
)
from stagebox.core.alsaconf.plugins import MODULE_FILE, find_module, version_tuple
from stagebox.core.errors import InputError, StageboxError
from stagebox.core.journal import Journal
from stagebox.core.paths import UserPaths
from stagebox.core.sysroot import SystemRoot

from tests.alsa.support import detection, resolve, us122l_card

# -- a full disk -------------------------------------------------------------------------


@contextlib.contextmanager
def tiny_disk(where: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A really full file system (tmpfs, as root); else writes that fail with ENOSPC."""
    where.mkdir()
    mounted = (
        os.geteuid() == 0
        and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(where)],
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    try:
        if not mounted:
            import stagebox.core.atomic as atomic

            def no_space(fd: int) -> None:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            monkeypatch.setattr(atomic.os, "fsync", no_space)
        yield "tmpfs" if mounted else "ENOSPC on fsync"
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(where)], check=False)


def _fill(directory: Path) -> None:
    with contextlib.suppress(OSError), open(directory / "filler", "wb") as handle:
        while True:
            handle.write(b"\0" * 4096)
            handle.flush()


def test_full_disk_leaves_the_original_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_root: SystemRoot
) -> None:
    disk = tmp_path / "disk"
    with tiny_disk(disk, monkeypatch) as kind:
        home = disk / "home"
        home.mkdir()
        monkeypatch.setenv("HOME", str(home))
        paths = UserPaths.from_env()
        original = b"# mine\npcm.x { type hw card 0 }\n" * 20
        paths.asoundrc.write_bytes(original)
        plan = plan_alsa(detection(us122l_card()), paths, root=fake_root, plugins_version="1.2.7")
        if kind == "tmpfs":
            _fill(disk)
        with pytest.raises(StageboxError, match="disk is full"):
            apply_alsa(plan, Journal(paths))
        assert paths.asoundrc.read_bytes() == original
        assert sorted(p.name for p in home.iterdir()) == [".asoundrc"]  # no temp file left
        assert Journal(paths).active("alsa") == []


# -- alsa-plugins missing or old -------------------------------------------------------------


def test_missing_plugin_is_named_with_its_package(
    plan_for, paths: UserPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALSA_PLUGIN_DIR", "/nonexistent")  # as without libasound2-plugins
    plan = plan_for(us122l_card())
    missing = next(c for c in plan.conflicts if c.code == "plugin_missing")
    assert "libasound2-plugins" in (missing.fix or "")
    assert plan.blocked_reason is None  # the config is right; it works once installed
    apply_alsa(plan, Journal(paths))
    check = validate_pcm("us-122l", paths)
    assert check.status is Status.PLUGIN_MISSING
    assert any("libasound_module_pcm_usb_stream.so" in line for line in check.alsa_log)


def test_plugins_older_than_1_2_5_fall_back_to_a_quoted_number(plan_for, paths: UserPaths) -> None:
    plan = plan_for(us122l_card(index=1), plugins_version="1.2.2-1ubuntu1")
    warning = next(c for c in plan.conflicts if c.code == "plugins_too_old")
    assert "order of the cards changes" in warning.message
    apply_alsa(plan, Journal(paths))
    fields = resolve(paths.asoundrc.read_text(), "us-122l")
    assert fields == {"type": "usb_stream", "card": "1"}  # a string, no hint before 1.2.6
    assert validate_pcm("us-122l", paths).card == "1"


def test_plugins_1_2_5_take_the_id_but_no_hint(plan_for) -> None:
    plan = plan_for(us122l_card(), plugins_version="1.2.5-1")
    assert not [c for c in plan.conflicts if c.code == "plugins_too_old"]
    assert plan.devices[0].card_value == "US122L" and plan.devices[0].hint is False


def test_version_numbers() -> None:
    assert version_tuple("1:1.2.7.1-1ubuntu2") == (1, 2, 7, 1)
    assert version_tuple("1.2.5~rc1-1") == (1, 2, 5)
    assert plugin_support(SystemRoot(), "1.2.4").card_by_id is False
    assert plugin_support(SystemRoot(), "1.2.6").hint_accepted is True


def _dpkg_root(tmp_path: Path, version: str, status: str = "install ok installed") -> SystemRoot:
    root = tmp_path / "machine"
    (root / "var/lib/dpkg").mkdir(parents=True)
    (root / "var/lib/dpkg/status").write_text(
        "Package: libasound2\nStatus: install ok installed\nVersion: 1.2.8-1\n\n"
        f"Package: libasound2-plugins\nStatus: {status}\nArchitecture: amd64\n"
        f"Version: {version}\nDescription: ALSA library additional plugins\n"
    )
    return SystemRoot.at(root)


def test_version_from_the_dpkg_database(tmp_path: Path) -> None:
    support = plugin_support(_dpkg_root(tmp_path, "1.2.2-1"))
    assert (support.version, support.card_by_id, support.hint_accepted) == ("1.2.2-1", False, False)
    assert "dpkg" in support.source


def test_removed_package_counts_as_missing(tmp_path: Path) -> None:
    support = plugin_support(_dpkg_root(tmp_path, "1.2.7.1-1", "deinstall ok config-files"))
    assert support.installed is False


def test_version_of_this_machine_agrees_with_dpkg_query() -> None:
    done = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", "libasound2-plugins"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert plugin_support(SystemRoot()).version == done.stdout.strip()


def test_capabilities_from_the_plugin_binary(tmp_path: Path) -> None:
    """No package database (e.g. a self-built alsa-plugins): the .so itself tells."""
    real = find_module(SystemRoot())
    assert real is not None, "libasound2-plugins is installed on this machine"
    root = tmp_path / "machine"
    target = root / "usr/lib/alsa-lib"
    target.mkdir(parents=True)
    shutil.copy(real, target / MODULE_FILE)
    support = plugin_support(SystemRoot.at(root))
    assert support.installed and support.card_by_id and support.hint_accepted
    # an old build without snd_config_get_card()
    (target / MODULE_FILE).write_bytes(b"\x7fELF...snd_config_get_string\0card\0")
    old = plugin_support(SystemRoot.at(root))
    assert (old.card_by_id, old.hint_accepted) == (False, False)


# -- fixed rate / period ---------------------------------------------------------------------


def test_fixed_rate_and_period_are_written_before_the_card(plan_for) -> None:
    plan = plan_for(us122l_card(), rate=44100, period_size=48)
    fields = resolve(plan.after.decode(), "us-122l")
    assert list(fields) == ["type", "hint", "rate", "period_size", "card"]
    assert plan.validations["us-122l"].status is Status.CARD_ABSENT  # alsa-lib took them


def test_high_speed_only_rate_refused_at_full_speed(plan_for) -> None:
    with pytest.raises(InputError) as refused:
        plan_for(us122l_card(speed="full", usb_id="0644:800f"), rate=96000)
    assert "only at USB high speed" in refused.value.message
    assert refused.value.fix == "use --rate 48000"


def test_period_limits_double_at_full_speed(plan_for) -> None:
    plan_for(us122l_card(speed="high"), rate=44100, period_size=64)
    with pytest.raises(InputError) as refused:
        plan_for(us122l_card(speed="full", usb_id="0644:800f"), rate=44100, period_size=64)
    assert "96 to 12288 frames at USB full speed" in refused.value.message
    assert refused.value.fix == "use --period-size 96"
    with pytest.raises(InputError, match="use --period-size 12288"):
        plan_for(us122l_card(), period_size=20000)


def test_odd_rate_refused(plan_for) -> None:
    with pytest.raises(InputError, match="use --rate 44100"):
        plan_for(us122l_card(), rate=44000)


def test_plan_says_when_the_package_is_removed(plan_for, tmp_path: Path) -> None:
    root = _dpkg_root(tmp_path, "1.2.7.1-1", "deinstall ok config-files")
    plan = plan_for(us122l_card(), root=root, plugins_version=None)
    missing = [c for c in plan.conflicts if c.code == "plugin_missing"]
    assert len(missing) == 1 and "libasound2-plugins" in (missing[0].fix or "")


def test_plan_says_when_the_version_is_unknown(plan_for) -> None:
    plan = plan_for(us122l_card(), plugins_version=None)  # the empty fake root
    note = next(c for c in plan.conflicts if c.code == "plugins_version_unknown")
    assert note.severity.value == "info"
    assert plan.devices[0].card_value == "US122L"
