"""Which card JACK should use, and why: one choice for ``stagebox detect``, the wizard and
``stagebox jack``.

A musician wants the dedicated audio interface (USB, FireWire, a pro PCI card, a usb_stream
card) over built-in sound, HDMI, webcams, headsets and MIDI-only devices. The order:

1. the kind: audio interface, then built-in sound whose kind is certain, then a card that
   may be built-in sound or HDMI (HD-Audio Generic without evidence), then the rest;
2. the family's ``rank`` in the knowledge base (a known recording-interface family over a
   generic USB audio device);
3. a card the listings show recording over one whose inputs are not shown, and that over
   one they show only playing (a USB DAC or amplifier beside the mixer that records);
4. the most input channels, then output channels, where the input shows them;
5. the lower card number.

Only cards JACK can open (a JACK device and an audio path) take part.
"""

from __future__ import annotations

from stagebox.core.knowledge import KnowledgeBase
from stagebox.core.model import KIND_WORDS, Card, Kind, Recommendation, usable_for_jack


def _tier(card: Card) -> int:
    if card.kind is Kind.INTERFACE:
        return 3
    if card.kind is Kind.ONBOARD:
        return 2 if card.kind_certain else 1
    return 0


def _rank(kb: KnowledgeBase, card: Card) -> int:
    family = kb.family(card.family)
    return family.rank if family else 0


def _records(card: Card) -> int:
    """2: the listings show it recording, 1: not shown, 0: shown to only play."""
    return {True: 2, None: 1, False: 0}[card.capture]


def _key(kb: KnowledgeBase, card: Card) -> tuple[int, int, int, int, int, int]:
    return (
        -_tier(card),
        -_rank(kb, card),
        -_records(card),
        -(card.capture_channels or 0),
        -(card.playback_channels or 0),
        card.index,
    )


def jack_order(kb: KnowledgeBase, cards: list[Card]) -> list[Card]:
    """Every card JACK can open, best first."""
    return sorted((c for c in cards if usable_for_jack(c)), key=lambda c: _key(kb, c))


def recommend(kb: KnowledgeBase, cards: list[Card]) -> Recommendation | None:
    """The audio interface JACK should use, with the reason in one sentence."""
    ordered = [c for c in jack_order(kb, cards) if c.kind is Kind.INTERFACE]
    if not ordered:
        return None
    best = ordered[0]
    assert best.jack_device is not None
    return Recommendation(best.index, best.jack_device, _reason(kb, best, ordered[1:], cards))


def _name(card: Card) -> str:
    return f"card {card.index} ({card.model or card.name or card.id})"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _what(card: Card) -> str:
    """What a card is in a few words: "PCI sound card", "built-in sound or HDMI/DisplayPort
    output" (a kind the input cannot tell)."""
    if card.kind_certain and card.description:
        return card.description
    return " or ".join(KIND_WORDS[k] for k in [card.kind, *card.kind_alternatives])


def _reason(kb: KnowledgeBase, best: Card, rivals: list[Card], cards: list[Card]) -> str:
    name = _name(best)
    if not rivals:
        # a USB DAC beside built-in sound: JACK can play through it, nothing records there
        only_plays = (
            " It only plays (the listings show no capture device for it)."
            if best.playback is True and best.capture is False
            else ""
        )
        others = [c for c in cards if c.index != best.index and c.kind is not Kind.INTERFACE]
        if not others:
            return (
                f"{_sentence(name)} is the only sound card, and it is an audio interface."
                + only_plays
            )
        kinds = ", ".join(dict.fromkeys(_what(c) for c in others))
        return (
            f"{_sentence(name)} is the only audio interface; the other cards are not "
            f"for recording ({kinds}).{only_plays}"
        )
    second = rivals[0]
    over = f"{_sentence(name)} is chosen over {_name(second)}"
    if _rank(kb, best) != _rank(kb, second):
        family = kb.family(best.family)
        title = family.title.split(" (")[0] if family else "a known interface"
        return (
            f"{over}: it belongs to a known family of recording interfaces ({title}), "
            "the other does not."
        )
    if _records(best) != _records(second):
        if second.capture is False:
            return f"{over}: the other only plays (the listings show no capture device for it)."
        return f"{over}: the listings show it recording; the other's inputs are not shown."
    for attribute, words in (("capture_channels", "inputs"), ("playback_channels", "outputs")):
        mine, theirs = getattr(best, attribute), getattr(second, attribute)
        if (mine or 0) != (theirs or 0):
            told = f"{mine} against {theirs}" if theirs else f"{mine}; the other's are not shown"
            return f"{over}: it has more {words} ({told})."
    return (
        f"{over}: nothing tells these audio interfaces apart, so the lower card number "
        "wins; pick the other in the wizard or with stagebox jack --device."
    )
