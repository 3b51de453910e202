"""What the validator benchmarks share: which binary to time, one timed run of it,
and how a duration is shown."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def default_validator() -> Path:
    """The release build when there is one, else the debug build."""
    release = ROOT / "target" / "release" / "smuppy-validate"
    return release if release.exists() else ROOT / "target" / "debug" / "smuppy-validate"


def timed(validator: Path, target: Path) -> float:
    """Seconds one `smuppy-validate TARGET --format json --no-config` takes. Exit 0
    (nothing to report) and 1 (findings) are both runs; anything else stops the bench."""
    start = time.perf_counter()
    proc = subprocess.run(
        [str(validator), str(target), "--format", "json", "--no-config"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{target}: exit {proc.returncode}: {proc.stderr.strip()}")
    return elapsed


def fmt_s(s: float) -> str:
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"
