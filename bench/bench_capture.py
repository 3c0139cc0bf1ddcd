"""How long the paste parser takes: per real capture, on a 4 MiB paste (the largest file
``read_capture_file`` accepts) and on line shapes that make careless patterns backtrack.

    .venv/bin/python bench/bench_capture.py [--runs 20]

The parser must stay linear in the size of the paste: a hostile or huge paste costs seconds
at worst, never minutes. (Detection as a whole is measured by bench_detect.py.)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CAPTURES = REPO / "tests" / "fixtures" / "captures"

from stagebox.core.capture import MAX_CAPTURE_BYTES, parse_capture  # noqa: E402

from tests.capture.test_properties import HOSTILE  # noqa: E402


def timed(text: str, runs: int) -> float:
    """Median milliseconds of ``parse_capture(text)``."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        parse_capture(text)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    texts = {path.name[:2]: path.read_text() for path in sorted(CAPTURES.glob("*.txt"))}
    parse_capture(texts["02"])  # imports and compiled patterns out of the way
    print(f"{'capture':<10}{'bytes':>8}{'ms':>10}")
    for name, text in texts.items():
        print(f"{name:<10}{len(text):>8}{timed(text, args.runs):>10.2f}")
    joined = "\n".join(texts.values())
    huge = (joined * (MAX_CAPTURE_BYTES // len(joined) + 1))[:MAX_CAPTURE_BYTES]
    print(f"\n4 MiB of repeated captures: {timed(huge, 1):.0f} ms")
    print(f"\n{'hostile shape':<18}{'bytes':>8}{'ms':>10}")
    for name, text in HOSTILE.items():
        print(f"{name:<18}{len(text):>8}{timed(text, 3):>10.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
