"""What only Stagebox knows: the connected interface's own needs, from the knowledge base.

These checks look at the detection result (which cards and USB devices are there, and which
knowledge-base family each belongs to) and compare it with the installed software, the
kernel version and the JACK settings.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stagebox.core.checks.base import CheckContext, CheckResult, Status
from stagebox.core.checks.packages import (
    alsa_plugins,
    alsa_plugins_fix,
    can_see_programs,
    find_program,
    installed,
)
from stagebox.core.model import Access
from stagebox.core.packages import version_at_least

if TYPE_CHECKING:
    from stagebox.core.knowledge import Family, KnowledgeBase

#: alsa-plugins learned to take a card id (``card "US122L"``) instead of only a number in
#: 1.2.5 (commit "usb_stream: use snd_card_get_index() to decode the card number").
USB_STREAM_CARD_ID_VERSION = "1.2.5"
_PACKAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9.+-]+$")


@dataclass(frozen=True)
class Device:
    """One detected interface (with or without an ALSA card) and its knowledge-base family."""

    label: str
    usb_id: str | None
    access: Access | None
    family: Family | None
    has_card: bool


def devices(ctx: CheckContext) -> list[Device]:
    result, kb = ctx.result, ctx.kb
    if result is None:
        return []
    found: list[Device] = []
    for card in result.cards:
        family = _family(kb, card.family, card.usb_id)
        found.append(Device(card.model or card.id, card.usb_id, card.access, family, True))
    for usb in result.usb_audio_without_card:
        family = _family(kb, usb.family, usb.usb_id)
        access = family.access if family else None
        found.append(Device(usb.model or usb.usb_id, usb.usb_id, access, family, False))
    return found


def _family(kb: KnowledgeBase | None, key: str | None, usb_id: str | None) -> Family | None:
    if kb is None:
        return None
    return kb.family(key) or kb.match_usb(usb_id)


def usb_stream_devices(ctx: CheckContext) -> list[str]:
    """Labels of the interfaces that JACK can only reach through the usb_stream PCM."""
    labels = []
    kernel = ctx.result.kernel if ctx.result else None
    for device in devices(ctx):
        if device.access is not Access.USB_STREAM:
            continue
        native = device.family is not None and device.family.has_native_driver(
            device.usb_id, kernel
        )
        if device.has_card or not native:
            labels.append(device.label)
    return labels


def check_usb_stream_plugin(ctx: CheckContext) -> CheckResult:
    why = (
        'The usb_stream PCM finds the card by its name (card "US122L") only from alsa-plugins '
        f"{USB_STREAM_CARD_ID_VERSION} on; older versions take only a number, which changes "
        "when cards are plugged in another order."
    )
    title = "usb_stream plugin version"
    check_id = "device.usb_stream_plugin"
    needing = usb_stream_devices(ctx)
    if not needing:
        return CheckResult(
            check_id, title, Status.NOT_APPLICABLE, "no connected interface uses usb_stream", why
        )
    support = alsa_plugins(ctx)
    who = ", ".join(needing)
    if support.installed is False:
        return CheckResult(
            check_id,
            title,
            Status.PROBLEM,
            f"the ALSA plugins are not installed; {who} cannot be used without them",
            why,
            alsa_plugins_fix(ctx),
            needs_root=True,
        )
    if support.installed is None:
        return CheckResult(
            check_id,
            title,
            Status.WARNING,
            f"{support.reading}: cannot tell whether the usb_stream plugin is installed",
            why,
            f"install alsa-plugins {USB_STREAM_CARD_ID_VERSION} or newer",
        )
    if support.version is None:
        return CheckResult(
            check_id,
            title,
            Status.WARNING,
            f"{support.reading}: cannot tell whether it is {USB_STREAM_CARD_ID_VERSION} or newer",
            why,
            f"make sure alsa-plugins is {USB_STREAM_CARD_ID_VERSION} or newer",
        )
    if version_at_least(support.version, USB_STREAM_CARD_ID_VERSION):
        return CheckResult(check_id, title, Status.OK, f"{support.reading}, for {who}", why)
    return CheckResult(
        check_id,
        title,
        Status.WARNING,
        f"{support.reading} is older than {USB_STREAM_CARD_ID_VERSION}: the ALSA block for {who} "
        "names the card by its number",
        why,
        f"upgrade libasound2-plugins to {USB_STREAM_CARD_ID_VERSION} or newer (Debian 12 and "
        "Ubuntu 22.04 have it), then run `stagebox alsa apply` again",
        needs_root=True,
    )


def jackdrc_rate(text: str) -> int | None:
    """The sample rate in a ``~/.jackdrc`` command line (a driver option, after ``-d``)."""
    try:
        words = shlex.split(text.strip().splitlines()[0]) if text.strip() else []
    except ValueError:
        return None
    driver_at = next(
        (n for n, w in enumerate(words) if w.startswith("-d") or w == "--driver"), None
    )
    if driver_at is None:
        return None
    driver_args = words[driver_at + 1 :]
    for n, word in enumerate(driver_args):
        value: str | None = None
        if word in ("-r", "--rate") and n + 1 < len(driver_args):
            value = driver_args[n + 1]
        elif word.startswith("-r") and word[2:].isdecimal():
            value = word[2:]
        elif word.startswith("--rate="):
            value = word.split("=", 1)[1]
        if value and value.isdecimal():
            return int(value)
    return None


def check_mixer_rate(ctx: CheckContext) -> CheckResult:
    why = (
        "The interface's hardware mixer (routing, direct monitoring) stops working above "
        "its top rate, so monitoring goes silent when JACK runs faster."
    )
    title = "Hardware mixer sample rate"
    limited = [
        (d.label, d.family.jack.mixer_max_rate)
        for d in devices(ctx)
        if d.family and d.family.jack and d.family.jack.mixer_max_rate
    ]
    if not limited:
        return CheckResult(
            "device.mixer_rate",
            title,
            Status.NOT_APPLICABLE,
            "no connected interface has a rate-limited hardware mixer",
            why,
        )
    top = min(rate for _, rate in limited)
    who = ", ".join(label for label, _ in limited)
    rate = None
    if ctx.paths is not None and ctx.paths.jackdrc.is_file():
        try:
            rate = jackdrc_rate(ctx.paths.jackdrc.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            rate = None
    if rate is None:
        return CheckResult(
            "device.mixer_rate",
            title,
            Status.OK,
            f"{who}: mixer works up to {top} Hz; no JACK rate set in ~/.jackdrc yet",
            why,
        )
    reading = f"{who}: mixer works up to {top} Hz; ~/.jackdrc runs JACK at {rate} Hz"
    if rate <= top:
        return CheckResult("device.mixer_rate", title, Status.OK, reading, why)
    return CheckResult(
        "device.mixer_rate",
        title,
        Status.WARNING,
        reading,
        why,
        f"run JACK at {top} Hz or lower (-r{top} after -d in ~/.jackdrc)",
    )


def check_driver_history(ctx: CheckContext) -> CheckResult:
    why = (
        "Some interfaces got a new driver in a later kernel; which route works (and whether "
        "the USB 1.1 controller trick is needed) depends on the kernel version."
    )
    title = "Kernel and the interface's driver"
    kernel = ctx.result.kernel if ctx.result else None
    readings: list[str] = []
    old: list[str] = []
    old_since: list[str] = []
    for device in devices(ctx):
        family = _driver_history_family(ctx, device)
        since = family.native_driver_kernel if family else None
        if family is None or since is None:
            continue
        module = family.native_driver_module or "a native driver"
        native = family.has_native_driver(device.usb_id, kernel)
        if native is None:
            readings.append(f"{device.label}: kernel version unknown ({module} since {since})")
        elif native:
            readings.append(f"{device.label}: kernel {kernel} has {module} (since {since})")
        else:
            old.append(device.label)
            old_since.append(since)
            readings.append(
                f"{device.label}: kernel {kernel} is older than {since}, which added {module}; "
                "until then it works only through usb_stream at USB 1.1 speed"
            )
    if not readings:
        return CheckResult(
            "device.kernel_driver",
            title,
            Status.NOT_APPLICABLE,
            "no connected interface depends on the kernel version",
            why,
        )
    if old:
        return CheckResult(
            "device.kernel_driver",
            title,
            Status.WARNING,
            "; ".join(readings),
            why,
            f"update to Linux {_newest(old_since)} or newer for the native driver; until then "
            "`stagebox detect` shows the USB 1.1 route for this machine (stagebox usb)",
        )
    status = Status.OK if kernel else Status.NOT_APPLICABLE
    return CheckResult("device.kernel_driver", title, status, "; ".join(readings), why)


def _newest(versions: list[str]) -> str:
    return max(versions, key=lambda v: tuple(int(n) for n in v.split(".")))


def _driver_history_family(ctx: CheckContext, device: Device) -> Family | None:
    """The family that records when this USB id got its native driver.

    A card already on the native driver belongs to the new driver's family; the history is
    kept with the old one, which the USB id still finds.
    """
    candidates = [device.family, ctx.kb.match_usb(device.usb_id) if ctx.kb else None]
    return next(
        (
            f
            for f in candidates
            if f is not None and f.native_driver_kernel and device.usb_id in f.native_driver_ids
        ),
        None,
    )


def check_firmware_tools(ctx: CheckContext) -> CheckResult:
    why = "This interface starts without firmware; a loader program must send it after every power-on."
    title = "Firmware loader installed"
    needed: dict[str, tuple[str | None, list[str]]] = {}
    for device in devices(ctx):
        firmware = device.family.firmware if device.family else None
        if firmware is not None:
            needed.setdefault(firmware.tool, (firmware.package, []))[1].append(device.label)
    if not needed:
        return CheckResult(
            "device.firmware_tools",
            title,
            Status.NOT_APPLICABLE,
            "no connected interface needs a firmware loader",
            why,
        )
    if not can_see_programs(ctx.root):
        wanted = "; ".join(
            f"{tool} for {', '.join(labels)}" for tool, (_, labels) in needed.items()
        )
        return CheckResult(
            "device.firmware_tools",
            title,
            Status.NOT_APPLICABLE,
            f"cannot tell: no program directories here (needed: {wanted})",
            why,
        )
    found: list[tuple[str, str | None, list[str], str | None]] = []
    missing: list[tuple[str, str | None, list[str], str | None]] = []
    for tool, (package, labels) in sorted(needed.items()):
        path = find_program(ctx.root, tool)
        (found if path else missing).append((tool, package, labels, path))
    reading = "; ".join(
        [f"{tool} found at {path} for {', '.join(labels)}" for tool, _, labels, path in found]
        + [f"{tool} is missing, needed by {', '.join(labels)}" for tool, _, labels, _ in missing]
    )
    if not missing:
        return CheckResult("device.firmware_tools", title, Status.OK, reading, why)
    packages = sorted({package or tool for tool, package, _, _ in missing})
    plain_names = all(_PACKAGE_NAME.match(p) for p in packages)
    if plain_names and installed(ctx) is not None:
        fix = f"sudo apt install {' '.join(packages)}"
    else:
        fix = f"install {'; '.join(packages)} with your distribution's package manager"
    return CheckResult(
        "device.firmware_tools", title, Status.PROBLEM, reading, why, fix, needs_root=True
    )
