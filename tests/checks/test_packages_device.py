"""Installed software and what the connected interface needs (from the knowledge base)."""

from __future__ import annotations

from stagebox.core.checks.base import Status
from stagebox.core.checks.device import (
    check_driver_history,
    check_firmware_tools,
    check_mixer_rate,
    check_usb_stream_plugin,
    jackdrc_rate,
)
from stagebox.core.checks.packages import check_alsa_plugins, check_jackd
from stagebox.core.model import (
    Access,
    AlsaState,
    Card,
    DetectionResult,
    Kind,
    UsbAudioWithoutCard,
)
from stagebox.core.packages import read_dpkg_status
from stagebox.core.paths import UserPaths

from tests.checks.tree import Tree, assert_status


def stanza(name: str, version: str, status: str = "install ok installed") -> str:
    return f"Package: {name}\nStatus: {status}\nArchitecture: amd64\nVersion: {version}\n"


def dpkg(tree: Tree, *stanzas: str) -> None:
    tree.write("/var/lib/dpkg/status", "\n".join(stanzas) + "\n")


def card(family: str, access: Access, usb_id: str | None, model: str, index: int = 1) -> Card:
    return Card(
        index=index,
        id=model.split()[-1].replace("-", ""),
        driver=None,
        name=model,
        longname=None,
        module=None,
        usb_id=usb_id,
        model=model,
        kind=Kind.INTERFACE,
        access=access,
        playback=True,
        capture=True,
        jack_device=None,
        family=family,
    )


def result(*cards: Card, kernel: str = "6.1.0-13-amd64", nocard=()) -> DetectionResult:
    return DetectionResult(
        alsa=AlsaState.LOADED, kernel=kernel, cards=list(cards), usb_audio_without_card=list(nocard)
    )


US122L = card("us122l", Access.USB_STREAM, "0644:800e", "Tascam US-122L")
SCARLETT = card("focusrite", Access.HW, "1235:8014", "Scarlett 18i20")
HDSP = card("rme_hdsp", Access.HW, None, "RME Hammerfall DSP")
MKII_NOCARD = UsbAudioWithoutCard(
    usb_id="0644:8020", model="Tascam US-144MKII", reason="no driver", family="us122l"
)


def test_read_dpkg_status_only_installed(tree: Tree) -> None:
    dpkg(
        tree,
        stanza("jackd2", "1.9.21~dfsg-3"),
        stanza("qjackctl", "0.9.9-1", "deinstall ok config-files"),
        stanza("libasound2", "1.2.8-1+b1") + "Source: alsa-lib (1.2.8-1)\n",
    )
    packages = read_dpkg_status(tree.root)
    assert packages is not None
    assert set(packages) == {"jackd2", "libasound2"}
    assert packages["libasound2"].source_version == "1.2.8-1"
    (tree.path / "var/lib/dpkg/status").unlink()
    assert read_dpkg_status(tree.root) is None  # no dpkg database: not "nothing installed"


def test_jackd_installed(tree: Tree) -> None:
    dpkg(tree, stanza("jackd2", "1.9.21~dfsg-3"))
    assert assert_status(check_jackd(tree.context()), Status.OK).reading == "jackd2 1.9.21~dfsg-3"
    dpkg(tree, stanza("alsa-utils", "1.2.8-1"))
    missing = assert_status(check_jackd(tree.context()), Status.PROBLEM)
    assert missing.fix == "sudo apt install jackd2"


def test_jackd_found_as_a_program_without_dpkg(tree: Tree) -> None:
    assert_status(check_jackd(tree.context()), Status.NOT_APPLICABLE)  # nothing to look at
    (tree.path / "usr/bin").mkdir(parents=True)
    missing = assert_status(check_jackd(tree.context()), Status.PROBLEM)
    assert "package manager" in (missing.fix or "")
    tree.write("/usr/bin/jackd", "")
    assert "/usr/bin/jackd" in assert_status(check_jackd(tree.context()), Status.OK).reading


def test_alsa_plugins_installed(tree: Tree) -> None:
    dpkg(tree, stanza("libasound2-plugins", "1.2.7.1-1"))
    assert "1.2.7.1-1" in assert_status(check_alsa_plugins(tree.context()), Status.OK).reading


def test_alsa_plugins_missing_matters_only_for_usb_stream(tree: Tree) -> None:
    dpkg(tree, stanza("jackd2", "1.9.21~dfsg-3"))
    assert_status(check_alsa_plugins(tree.context(result=result(SCARLETT))), Status.NOT_APPLICABLE)
    bad = assert_status(check_alsa_plugins(tree.context(result=result(US122L))), Status.PROBLEM)
    assert bad.fix == "sudo apt install libasound2-plugins"


def test_usb_stream_plugin_version(tree: Tree) -> None:
    dpkg(tree, stanza("libasound2-plugins", "1.2.7.1-1"))
    assert_status(check_usb_stream_plugin(tree.context(result=result(US122L))), Status.OK)
    dpkg(tree, stanza("libasound2-plugins", "1.2.2-1"))
    old = assert_status(
        check_usb_stream_plugin(tree.context(result=result(US122L))), Status.WARNING
    )
    assert "older than 1.2.5" in old.reading
    dpkg(tree, stanza("jackd2", "1.9.21~dfsg-3"))
    assert_status(check_usb_stream_plugin(tree.context(result=result(US122L))), Status.PROBLEM)


def test_usb_stream_plugin_not_applicable_without_usb_stream(tree: Tree) -> None:
    assert_status(
        check_usb_stream_plugin(tree.context(result=result(SCARLETT))), Status.NOT_APPLICABLE
    )
    assert_status(check_usb_stream_plugin(tree.context()), Status.NOT_APPLICABLE)


def test_usb_stream_plugin_for_a_us144mkii_without_card_on_an_old_kernel(tree: Tree) -> None:
    dpkg(tree, stanza("jackd2", "1.9.21~dfsg-3"))
    old_kernel = result(nocard=[MKII_NOCARD])
    assert_status(check_usb_stream_plugin(tree.context(result=old_kernel)), Status.PROBLEM)
    new_kernel = result(kernel="6.18.2", nocard=[MKII_NOCARD])
    assert_status(check_usb_stream_plugin(tree.context(result=new_kernel)), Status.NOT_APPLICABLE)


def test_jackdrc_rate() -> None:
    assert jackdrc_rate("/usr/bin/jackd -P75 -dalsa -dhw:USB -r96000 -p256 -n2\n") == 96000
    assert jackdrc_rate("jackd -R -d alsa -r 44100") == 44100
    assert jackdrc_rate("jackd -r -dalsa -p128") is None  # server -r is "no realtime"
    assert jackdrc_rate("jackd --driver alsa --rate=48000") == 48000
    assert jackdrc_rate("") is None


def test_mixer_rate(tree: Tree) -> None:
    paths = UserPaths.from_env()
    ok = assert_status(
        check_mixer_rate(tree.context(result=result(SCARLETT), paths=paths)), Status.OK
    )
    assert "48000" in ok.reading
    paths.jackdrc.write_text("/usr/bin/jackd -P75 -dalsa -dhw:USB -r96000 -p256 -n2\n")
    warn = assert_status(
        check_mixer_rate(tree.context(result=result(SCARLETT), paths=paths)), Status.WARNING
    )
    assert "96000 Hz" in warn.reading and "-r48000" in (warn.fix or "")
    paths.jackdrc.write_text("/usr/bin/jackd -dalsa -dhw:USB -r48000\n")
    assert_status(check_mixer_rate(tree.context(result=result(SCARLETT), paths=paths)), Status.OK)
    assert_status(
        check_mixer_rate(tree.context(result=result(US122L), paths=paths)), Status.NOT_APPLICABLE
    )


def test_driver_history(tree: Tree) -> None:
    old = assert_status(
        check_driver_history(tree.context(result=result(nocard=[MKII_NOCARD]))), Status.WARNING
    )
    assert "older than 6.18" in old.reading and "snd_usb_us144mkii" in old.reading
    native = card("us144mkii", Access.HW, "0644:8020", "Tascam US-144MKII")
    new = assert_status(
        check_driver_history(tree.context(result=result(native, kernel="6.18.0-1-amd64"))),
        Status.OK,
    )
    assert "has snd_usb_us144mkii" in new.reading
    assert_status(check_driver_history(tree.context(result=result(US122L))), Status.NOT_APPLICABLE)


def test_firmware_tools(tree: Tree) -> None:
    assert (
        "cannot tell"
        in (
            assert_status(
                check_firmware_tools(tree.context(result=result(HDSP))), Status.NOT_APPLICABLE
            )
        ).reading
    )  # a proc+sys tree has no programs to look at
    dpkg(tree, stanza("jackd2", "1.9.21~dfsg-3"))
    (tree.path / "usr/bin").mkdir(parents=True)
    missing = assert_status(check_firmware_tools(tree.context(result=result(HDSP))), Status.PROBLEM)
    assert "hdsploader is missing" in missing.reading
    assert missing.fix == "sudo apt install alsa-firmware-loaders"  # Debian contrib
    tree.write("/usr/bin/hdsploader", "")
    found = assert_status(check_firmware_tools(tree.context(result=result(HDSP))), Status.OK)
    assert "/usr/bin/hdsploader" in found.reading
    assert_status(
        check_firmware_tools(tree.context(result=result(SCARLETT))), Status.NOT_APPLICABLE
    )
