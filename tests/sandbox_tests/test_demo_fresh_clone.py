"""The README's first command, ``bash scripts/demo.sh``, on a fresh clone.

The repository's committed HEAD is cloned into a temporary directory and the demo
runs there, from its own ``target/``: it must build the validator itself and print
its analysis (findings, capacity, monthly cost) before applying the example.

To keep this cheap, the clone's ``target/debug`` starts with hard links to this
checkout's compiled dependencies (``deps``, ``build``, ``.fingerprint``; cargo
only rebuilds the workspace crates, whose paths differ) but none of the final
binaries, and ``.venv`` is a tree of hard links to this checkout's (same
requirement files, so setup only checks it; the files it rewrites, such as the
``terraform`` wrapper with its absolute ``#!`` line, are replaced by rename in
the clone's own directories, never written through to this checkout's). A demo that does not build ``smuppy-validate`` fails
here with "No such file or directory".
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.sandbox import REPO_ROOT

pytestmark = pytest.mark.slow

VALIDATOR_HEADER = "== smuppy-validate examples/staging"


def _wrapper_text() -> str:
    return (REPO_ROOT / ".venv" / "bin" / "terraform").read_text()


def _seed_target(clone: Path) -> None:
    """Hard links to the compiled dependencies, no binaries."""
    src = REPO_ROOT / "target" / "debug"
    dest = clone / "target" / "debug"
    dest.mkdir(parents=True)
    for sub in ("deps", "build", ".fingerprint"):
        if (src / sub).is_dir():
            subprocess.run(["cp", "-al", str(src / sub), str(dest / sub)], check=True)


def test_demo_on_a_fresh_clone_prints_the_validators_analysis(tmp_path: Path) -> None:
    if not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO_ROOT), str(clone)], check=True)
    _seed_target(clone)
    wrapper_before = _wrapper_text()
    subprocess.run(["cp", "-al", str(REPO_ROOT / ".venv"), str(clone / ".venv")], check=True)

    env = {k: v for k, v in os.environ.items() if k not in ("CARGO_TARGET_DIR", "SMUPPY_PROVIDER_DIR")}
    env["CARGO_TERM_COLOR"] = "never"
    result = subprocess.run(
        ["bash", "scripts/demo.sh"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    out = result.stdout + result.stderr
    # This checkout's environment is untouched by the clone's setup.
    assert _wrapper_text() == wrapper_before
    built_its_own = (clone / "target" / "debug" / "smuppy-validate").is_file()
    shutil.rmtree(clone / "target", ignore_errors=True)

    assert "No such file or directory" not in out, out[-4000:]
    assert result.returncode == 0, out[-4000:]
    assert VALIDATOR_HEADER in result.stdout, out[-4000:]
    analysis = result.stdout.split(VALIDATOR_HEADER, 1)[1]
    # The validator's own report: findings with rule ids, the capacity of the
    # chain, the monthly cost and the closing count.
    assert re.search(r"^\s+CAP0\d\d\s", analysis, re.M), analysis[:4000]
    for section in ("Capacity", "max sustainable", "Monthly cost", "Total"):
        assert section in analysis, (section, analysis[:4000])
    assert re.search(r"^1 profile\(s\): \d+ error\(s\), \d+ warning\(s\)", analysis, re.M), analysis[:4000]
    # The binary the demo ran is the clone's own build.
    assert built_its_own
