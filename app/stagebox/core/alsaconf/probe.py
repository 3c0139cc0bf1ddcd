"""Open PCMs/CTLs by name with the real alsa-lib in a fresh process.

alsa-lib caches the global config per process, and checking a *proposed* ``~/.asoundrc``
needs a different HOME than ours, so each check runs ``python -m
stagebox.core.alsaconf.probe`` with its own environment. Request on stdin, answer on stdout,
both JSON: ``{"pcm": [names], "ctl": [names]}`` -> ``{"version": ..., "pcm": {name: {"rc",
"log"}}, "ctl": {...}}``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from stagebox.core.errors import StageboxError

_TIMEOUT_S = 20  # an open never waits on hardware (non-blocking); this only stops a hang


@dataclass(frozen=True)
class ProbeAnswer:
    version: str
    pcm: dict[str, tuple[int, str]]  # name -> (rc, alsa-lib log)
    ctl: dict[str, tuple[int, str]]


def run_probe(pcm: list[str], ctl: list[str], env: dict[str, str]) -> ProbeAnswer:
    """Run the open checks in a child process with ``env`` (the full environment)."""
    package_parent = str(Path(__file__).resolve().parents[3])
    child_env = dict(env)
    child_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (package_parent, env.get("PYTHONPATH", "")) if p
    )
    try:
        done = subprocess.run(
            [sys.executable, "-m", "stagebox.core.alsaconf.probe"],
            input=json.dumps({"pcm": pcm, "ctl": ctl}),
            capture_output=True,
            text=True,
            env=child_env,
            timeout=_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise StageboxError(f"the ALSA check could not run: {exc}") from exc
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise StageboxError(f"the ALSA check failed to run: {last}")
    data = json.loads(done.stdout)
    return ProbeAnswer(
        version=data["version"],
        pcm={k: (v["rc"], v["log"]) for k, v in data["pcm"].items()},
        ctl={k: (v["rc"], v["log"]) for k, v in data["ctl"].items()},
    )


def main() -> int:
    from stagebox.core.alsaconf import libasound

    request = json.loads(sys.stdin.read() or "{}")
    libasound.forget_global_config()  # a fresh process has none; this keeps it explicit
    answer: dict[str, object] = {"version": libasound.version()}
    for kind, opener in (("pcm", libasound.open_pcm), ("ctl", libasound.open_ctl)):
        results = {}
        for name in request.get(kind, []):
            outcome = opener(name)
            results[name] = {"rc": outcome.rc, "log": outcome.log}
        answer[kind] = results
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
