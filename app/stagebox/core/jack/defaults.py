"""Settings that work first time on a given card, and refusing ones that cannot work.

The limits come from the knowledge base (``Family.jack``) for drivers we know, and from the
card itself (ALSA ``hw_params`` through pyalsaaudio) for ordinary cards when it is free.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from stagebox.core.jack.settings import JackSettings
from stagebox.core.knowledge import JackLimits, KnowledgeBase
from stagebox.core.model import Access, Card

log = logging.getLogger(__name__)

PREFERRED_RATE = 48000
PREFERRED_PERIOD = 512  # the reference session's period: safe on every USB interface
ORDINARY_PERIOD = 256
DEFAULT_PERIODS = 2
#: The reference session's realtime priority (-P85): above the USB and sound IRQ threads a
#: threadirqs/PREEMPT_RT kernel runs at 50, below the 95 that limits.d grants the audio group.
REALTIME_PRIORITY = 85
#: The reference session's client timeout (-t2000): a USB interface's first periods can
#: stall long enough for jackd's 500 ms default to throw clients out.
CLIENT_TIMEOUT_MS = 2000
FAST_USB = ("high", "super", "super_plus")
SLOW_USB = ("low", "full")


@dataclass(frozen=True)
class Problem:
    """One reason the settings cannot work, with the nearest value that would."""

    field: str  # the JackSettings field at fault
    message: str  # plain words: what is wrong and why
    nearest: int | str | None = None  # the closest valid value, when there is one

    @property
    def fix(self) -> str | None:
        if self.nearest is None:
            return None
        return f"use {self.field.replace('_', ' ')} {self.nearest}"

    def __str__(self) -> str:
        return self.message + (f" (nearest valid: {self.nearest})" if self.nearest else "")


@dataclass(frozen=True)
class CardLimits:
    """Limits read from a live card (hw_params); None where unknown."""

    rates: tuple[int, ...] = ()
    rate_min: int | None = None
    rate_max: int | None = None
    formats: tuple[str, ...] = ()


def limits_for(card: Card | None, kb: KnowledgeBase) -> JackLimits | None:
    if card is None:
        return None
    family = kb.family(card.family)
    if family is None and card.usb_id:
        family = kb.match_usb(card.usb_id)
    return family.jack if family is not None else None


def is_full_speed(card: Card | None) -> bool:
    return card is not None and card.usb_speed in SLOW_USB


def allowed_rates(limits: JackLimits, card: Card | None) -> list[int]:
    rates = list(limits.rates)
    if is_full_speed(card):
        rates = [r for r in rates if r not in limits.high_speed_only_rates]
    return rates


def min_period(limits: JackLimits, rate: int, card: Card | None) -> int | None:
    """The smallest period the driver takes at ``rate`` (doubled at USB full speed)."""
    base = limits.min_period.get(rate)
    if base is None and limits.min_period:
        base = max(limits.min_period.values())  # an unlisted rate: be safe
    if base is None:
        return None
    return base * (limits.full_speed_period_factor if is_full_speed(card) else 1)


def defaults_for_card(card: Card, kb: KnowledgeBase, *, live: bool = False) -> JackSettings:
    """Settings for ``card`` that its driver accepts (``live``: also ask the card itself)."""
    limits = limits_for(card, kb)
    device = card.jack_device or f"hw:{card.id}"
    settings = JackSettings(
        driver="alsa",
        rate=PREFERRED_RATE,
        periods=DEFAULT_PERIODS,
        realtime=True,
        priority=REALTIME_PRIORITY,
        timeout=CLIENT_TIMEOUT_MS,
    )
    if card.access is Access.USB_STREAM:
        # usb_stream has no hw PCM and needs the same PCM for both directions.
        settings.capture_device = settings.playback_device = device
        settings.period = PREFERRED_PERIOD
    else:
        settings.device = device
        settings.period = ORDINARY_PERIOD
    if limits is not None:
        _fit_to_limits(settings, limits, card)
    if live and card.access is Access.HW:
        hw = read_card_limits(device)
        if hw is not None and hw.rates and settings.rate not in hw.rates:
            settings.rate = _nearest(settings.rate, list(hw.rates))
    return settings


def _fit_to_limits(settings: JackSettings, limits: JackLimits, card: Card) -> None:
    rates = allowed_rates(limits, card)
    if rates and settings.rate not in rates:
        settings.rate = _nearest(PREFERRED_RATE, rates)
    if limits.periods:
        settings.periods = limits.periods
    elif limits.min_periods and settings.periods < limits.min_periods:
        settings.periods = limits.min_periods
    smallest = min_period(limits, settings.rate, card)
    if smallest is not None and settings.period < smallest:
        settings.period = _next_power_of_two(smallest)
    if limits.max_period is not None and settings.period > limits.max_period:
        settings.period = limits.max_period


def validate_settings(
    settings: JackSettings, card: Card | None, kb: KnowledgeBase
) -> list[Problem]:
    """Every reason these settings cannot work on ``card``, before jackd is started."""
    problems = _generic_problems(settings)
    if settings.driver != "alsa" or card is None:
        return problems
    if card.access is Access.USB_STREAM:
        problems += _usb_stream_devices(settings, card)
    limits = limits_for(card, kb)
    if limits is not None:
        problems += _limit_problems(settings, limits, card)
    return problems


def _generic_problems(s: JackSettings) -> list[Problem]:
    problems = []
    if s.rate < 0 or (0 < s.rate < 8000) or s.rate > 768000:
        problems.append(Problem("rate", f"{s.rate} Hz is not a sample rate", PREFERRED_RATE))
    if s.period < 0 or (0 < s.period < 16) or s.period > 8192:
        nearest = min(max(s.period, 16), 8192)
        problems.append(Problem("period", f"a period of {s.period} frames is impossible", nearest))
    if s.periods < 0 or s.periods == 1:
        problems.append(Problem("periods", "JACK needs at least 2 periods", DEFAULT_PERIODS))
    if s.realtime and not 0 <= s.priority <= 99:
        nearest = min(max(s.priority, 1), 95)
        problems.append(
            Problem("priority", f"realtime priority {s.priority} is outside 1-99", nearest)
        )
    return problems


def _usb_stream_devices(s: JackSettings, card: Card) -> list[Problem]:
    pcm = card.jack_device
    problems = []
    for direction, device in (("capture", s.effective_capture), ("playback", s.effective_playback)):
        if device is not None and pcm and device != pcm:
            problems.append(
                Problem(
                    f"{direction}_device",
                    f"{card.model or card.id} works only through its usb_stream PCM "
                    f"{pcm!r}; {device!r} cannot open it for {direction}",
                    pcm,
                )
            )
    return problems


def _limit_problems(s: JackSettings, limits: JackLimits, card: Card) -> list[Problem]:
    problems = []
    name = card.model or card.id
    rate = s.rate or PREFERRED_RATE
    rates = allowed_rates(limits, card)
    if rates and rate not in rates:
        why = (
            f"{rate} Hz needs USB high speed and {name} runs at full speed"
            if rate in limits.high_speed_only_rates and is_full_speed(card)
            else f"{name} runs at {', '.join(str(r) for r in rates)} Hz, not {rate} Hz"
        )
        problems.append(Problem("rate", why, _nearest(rate, rates)))
    periods = s.periods or DEFAULT_PERIODS
    if limits.periods and periods != limits.periods:
        problems.append(
            Problem(
                "periods",
                f"{name} needs exactly {limits.periods} periods, not {periods}",
                limits.periods,
            )
        )
    elif limits.min_periods and periods < limits.min_periods:
        problems.append(
            Problem(
                "periods", f"{name} needs at least {limits.min_periods} periods", limits.min_periods
            )
        )
    smallest = min_period(limits, rate, card)
    if s.period and smallest is not None and s.period < smallest:
        speed = " at USB full speed" if is_full_speed(card) else ""
        problems.append(
            Problem(
                "period",
                f"{s.period} frames is below the {smallest}-frame minimum of {name} at "
                f"{rate} Hz{speed}; jackd would fail with "
                '"Couldn\'t configure usb_stream: Invalid argument"'
                if card.access is Access.USB_STREAM
                else f"{s.period} frames is below the {smallest}-frame minimum of {name}",
                _next_power_of_two(smallest),
            )
        )
    if s.period and limits.max_period is not None and s.period > limits.max_period:
        problems.append(
            Problem(
                "period",
                f"{s.period} frames is above the {limits.max_period}-frame maximum of {name}",
                limits.max_period,
            )
        )
    return problems


def _nearest(value: int, choices: list[int]) -> int:
    return min(choices, key=lambda c: (abs(c - value), -c))


def _next_power_of_two(frames: int) -> int:
    power = 16
    while power < frames:
        power *= 2
    return power


def read_card_limits(device: str) -> CardLimits | None:
    """Rates and formats the card itself offers (None when it is busy, absent or unreadable).

    Opening the PCM is the only way to ask; a card in use (by PipeWire, by a running jackd)
    cannot be asked, and that is not an error.
    """
    try:
        import alsaaudio  # type: ignore[import-not-found]
    except ImportError:
        return None
    try:
        pcm = alsaaudio.PCM(alsaaudio.PCM_PLAYBACK, alsaaudio.PCM_NONBLOCK, device=device)
    except alsaaudio.ALSAAudioError as exc:
        log.debug("cannot ask %s for its limits: %s", device, exc)
        return None
    try:
        rates = pcm.getrates()
        formats = tuple(str(f) for f in pcm.getformats())
    except alsaaudio.ALSAAudioError as exc:
        log.debug("cannot read the limits of %s: %s", device, exc)
        return None
    finally:
        pcm.close()
    if isinstance(rates, tuple) and len(rates) == 2 and rates[1] - rates[0] > 1:
        return CardLimits(rate_min=rates[0], rate_max=rates[1], formats=formats)
    listed = tuple(int(r) for r in (rates if isinstance(rates, list | tuple) else [rates]))
    return CardLimits(rates=listed, formats=formats)
