"""Machine-wide facts of a paste: kernel release, ALSA version and state, loaded modules,
``~/.asoundrc``, the jackd log, and what alsa-info says about modprobe options and sound
servers."""

from __future__ import annotations

from stagebox.core.capture import alsainfo, cards, procfs_lines, system
from stagebox.core.capture.listing import Listing, choose
from stagebox.core.capture.sections import Block
from stagebox.core.facts import CardFacts, MachineFacts

_KERNEL_SOURCE_RANK = {"uname": 3, "alsa-info": 3, "dmesg": 2, "bare line": 1, "prose": 0}


def apply_system(
    facts: MachineFacts, blocks: list[Block], card_listings: list[Listing[list[CardFacts]]]
) -> None:
    kernels = system.find_kernel_facts(blocks, facts.notes)
    if kernels:
        best_kernel = max(kernels, key=lambda k: (_KERNEL_SOURCE_RANK[k.data.source], k.start))
        facts.kernel = best_kernel.data.release
    versions = alsainfo.find_driver_versions(blocks) + procfs_lines.find_alsa_versions(blocks)
    if versions:
        facts.alsa_driver_version = max(versions, key=lambda v: v.start).data
        if facts.kernel is None:
            facts.kernel = alsainfo.kernel_from_driver_version(facts.alsa_driver_version)
    lsmods = system.find_lsmod_listings(blocks)
    best = choose(lsmods)
    if best is not None:
        facts.modules = list(best.data)
        if not best.complete:
            facts.notes.append(f"'{best.title}' lists only some of the loaded modules")
    asoundrc = choose(alsainfo.find_asoundrc(blocks))
    if asoundrc is not None:
        facts.user_asoundrc = asoundrc.data
    facts.jack_log = system.find_jack_log(blocks)
    for options in alsainfo.find_modprobe_options(blocks)[-1:]:
        if options.data:
            facts.notes.append("modprobe options: " + "; ".join(options.data))
    for servers in alsainfo.find_sound_servers(blocks)[-1:]:
        running = [s.name for s in servers.data if s.running]
        if running:
            facts.notes.append("sound servers running: " + ", ".join(running))
    for message in system.find_firmware_messages(blocks):
        facts.notes.append(f"firmware loader: {message}")
    missing = system.find_missing_files(blocks)
    for item in missing:
        facts.notes.append(f"the paste says {item.data} does not exist")
    facts.alsa_loaded = _alsa_loaded(facts, blocks, card_listings, missing)


def _empty_card_section(blocks: list[Block]) -> bool:
    """alsa-info prints ``cat /proc/asound/cards`` under "Soundcards recognised by ALSA";
    with ALSA loaded that is at least "--- no soundcards ---". Nothing at all, with more
    sections after it (so the paste was not cut there), means the file does not exist."""
    for block, following in zip(blocks, blocks[1:], strict=False):
        if (
            block.origin == "alsa-info"
            and block.says(r"^Soundcards recognised by ALSA")
            and not any(line.text.strip() for line in block.lines)
            and following.origin == "alsa-info"
        ):
            return True
    return False


def _alsa_loaded(
    facts: MachineFacts,
    blocks: list[Block],
    card_listings: list[Listing[list[CardFacts]]],
    missing: list[Listing[str]],
) -> bool | None:
    if facts.cards or card_listings or any(card.module for card in facts.cards):
        return True
    if cards.find_module_listings(blocks) or any(
        listing.data for listing in cards.find_loaded_alsa_modules(blocks)
    ):
        return True
    if facts.modules and any(name == "snd" or name.startswith("snd_") for name in facts.modules):
        return True
    if any(item.data.rstrip("/") in ("/proc/asound", "/proc/asound/cards") for item in missing):
        return False
    if _empty_card_section(blocks):
        return False
    whole_lsmod = [item for item in system.find_lsmod_listings(blocks) if item.complete]
    if whole_lsmod:
        return False  # a whole module list without any snd module: ALSA is not loaded
    return None
