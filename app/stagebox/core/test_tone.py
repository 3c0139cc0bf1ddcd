"""A short, quiet sine tone through a running JACK server (the wizard's "Test" page).

Uses JACK-Client's ``Port.get_buffer()`` (a memoryview of 32-bit floats), so no numpy is
needed. The tone fades in and out to avoid clicks.
"""

from __future__ import annotations

import math
import struct
import threading

TONE_HZ = 440.0
LEVEL = 0.1  # -20 dBFS: clearly audible, never loud
FADE_S = 0.05


def play_test_tone(
    server_name: str | None, seconds: float = 2.0, frequency: float = TONE_HZ
) -> list[str]:
    """Play the tone on every physical playback port; returns the ports it was sent to."""
    from stagebox.core.jack.client import open_client

    client = open_client(server_name, "stagebox-test-tone")
    rate = client.samplerate
    total = int(seconds * rate)
    fade = max(int(FADE_S * rate), 1)
    step = 2 * math.pi * frequency / rate
    left = client.outports.register("out_1")
    right = client.outports.register("out_2")
    position = 0
    finished = threading.Event()

    def process(frames: int) -> None:
        nonlocal position
        samples = []
        for i in range(frames):
            n = position + i
            if n >= total:
                samples.append(0.0)
                continue
            envelope = min(1.0, n / fade, (total - n) / fade)
            samples.append(LEVEL * envelope * math.sin(step * n))
        data = struct.pack(f"{frames}f", *samples)
        left.get_buffer()[:] = data
        right.get_buffer()[:] = data
        position += frames
        if position >= total:
            finished.set()

    client.set_process_callback(process)
    try:
        client.activate()
        targets = client.get_ports(is_audio=True, is_input=True, is_physical=True)
        for source, target in zip((left, right), targets, strict=False):
            client.connect(source, target)
        finished.wait(seconds + 2.0)
        return [p.name for p in targets[:2]]
    finally:
        client.deactivate()
        client.close()
