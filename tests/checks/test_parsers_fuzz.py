"""The text parsers behind the checks never raise, whatever a file holds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from stagebox.core.checks.device import jackdrc_rate
from stagebox.core.checks.irq import parse_interrupts
from stagebox.core.checks.kconfig import parse_kernel_config
from stagebox.core.checks.limits import _parse_line

LINES = st.lists(
    st.one_of(
        st.text(max_size=80),
        st.sampled_from(
            [
                "           CPU0       CPU1",
                " 16:  1  2  IO-APIC 16-fasteoi ehci_hcd:usb1, snd_hda_intel:card0",
                " 17:",
                "ERR: 0",
                "@audio - rtprio 95",
                "@audio - memlock unlimited",
                "CONFIG_PREEMPT=y",
                "# CONFIG_NO_HZ is not set",
                "jackd -dalsa -r",
                'jackd -d alsa -r "48000',
            ]
        ),
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(LINES)
def test_parsers_take_any_text(lines: list[str]) -> None:
    text = "\n".join(lines)
    for line in parse_interrupts(text):
        assert isinstance(line.number, int) and line.handlers
    assert all(isinstance(v, str) for v in parse_kernel_config(text).values())
    for number, raw in enumerate(lines):
        _parse_line("/etc/security/limits.conf", number, raw)
    rate = jackdrc_rate(text)
    assert rate is None or rate >= 0
