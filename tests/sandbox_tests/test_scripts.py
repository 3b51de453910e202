"""The check scripts fail when what they check could not be checked.

``scripts/check-boundaries.sh`` and ``scripts/fuzz.sh`` are run with a stand-in
for the tool they call (``cargo tree``, ``cargo fuzz``) that fails or says too
little; each must exit non-zero and say why, and succeed when the tool answers
in full.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

from harness.sandbox import REPO_ROOT

FUZZ_TARGETS = sorted(p.stem for p in (REPO_ROOT / "fuzz" / "fuzz_targets").glob("*.rs"))


def _executable(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def _cargo_shim(tmp: Path, tree_body: str) -> dict[str, str]:
    """An environment whose `cargo tree` runs tree_body; any other cargo call goes to the real one."""
    real = shutil.which("cargo")
    assert real, "cargo not on PATH"
    _executable(
        tmp / "bin" / "cargo",
        f'#!/bin/sh\nif [ "$1" = tree ]; then\n{tree_body}\nfi\nexec {real} "$@"\n',
    )
    return {**os.environ, "PATH": f"{tmp / 'bin'}:{os.environ['PATH']}"}


def _boundaries(env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(REPO_ROOT / "scripts" / "check-boundaries.sh")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


# One per `check` line of scripts/check-boundaries.sh.
BOUNDARIES = sum(1 for line in (REPO_ROOT / "scripts" / "check-boundaries.sh").read_text().splitlines() if line.startswith("check "))


def test_check_boundaries_passes_on_the_workspace() -> None:
    assert BOUNDARIES == 4
    r = _boundaries()
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("ok: ") == BOUNDARIES, r.stdout


def test_check_boundaries_fails_when_cargo_tree_fails(tmp_path: Path) -> None:
    env = _cargo_shim(tmp_path, '  echo "error: no such package" >&2; exit 101')
    r = _boundaries(env)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "ok:" not in r.stdout, r.stdout
    assert r.stderr.count("boundary not checked: cargo tree failed") == BOUNDARIES, r.stderr


def test_check_boundaries_fails_when_cargo_tree_lists_nothing(tmp_path: Path) -> None:
    env = _cargo_shim(tmp_path, "  exit 0")
    r = _boundaries(env)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "did not list scaling itself" in r.stderr, r.stderr


def test_check_boundaries_names_a_forbidden_dependency(tmp_path: Path) -> None:
    # $3 is the crate after `cargo tree -p`: each lists itself and one AWS SDK crate.
    env = _cargo_shim(tmp_path, '  echo "$3 v0.1.0 (/x)"; echo "aws-sdk-lambda v1.0.0"; exit 0')
    r = _boundaries(env)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "boundary broken: scaling depends on aws-sdk-lambda" in r.stderr, r.stderr
    assert "boundary broken: tfplugin depends on aws-sdk-lambda" in r.stderr, r.stderr


# --- scripts/fuzz.sh, in a copy of the repository's layout with a stand-in cargo-fuzz ---

STATS = "stat::number_of_executed_units: {n}\nstat::average_exec_per_sec: 100\n"


def _fuzz_root(tmp: Path, cargo_fuzz: str) -> Path:
    root = tmp / "repo"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "scripts" / "fuzz.sh", root / "scripts" / "fuzz.sh")
    for t in FUZZ_TARGETS:
        f = root / "fuzz" / "fuzz_targets" / f"{t}.rs"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("")
    _executable(root / ".tools" / "bin" / "cargo-fuzz", cargo_fuzz)
    return root


def _fake_cargo_fuzz(*, list_cmd: str, run_cmd: str) -> str:
    return (
        "#!/bin/bash\n"
        'case "$1" in\n'
        f"  list) {list_cmd} ;;\n"
        "  build) exit 0 ;;\n"
        # run MODE --sanitizer S TARGET ...: the target is $5.
        f'  run) t="$5"; {run_cmd} ;;\n'
        "esac\n"
    )


def _list_all() -> str:
    return "printf '%s\\n' " + " ".join(FUZZ_TARGETS)


def _fuzz(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(root / "scripts" / "fuzz.sh"), "--smoke"],
        capture_output=True,
        text=True,
        env={**os.environ, "FUZZ_SECONDS": "1"},
        timeout=120,
    )


def test_fuzz_sh_passes_when_every_target_runs(tmp_path: Path) -> None:
    assert len(FUZZ_TARGETS) >= 5, FUZZ_TARGETS
    root = _fuzz_root(tmp_path, _fake_cargo_fuzz(list_cmd=_list_all(), run_cmd=f"printf '{STATS.format(n=42)}'"))
    r = _fuzz(root)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"total executions: {42 * len(FUZZ_TARGETS)}" in r.stdout, r.stdout


def test_fuzz_sh_fails_when_cargo_fuzz_list_fails(tmp_path: Path) -> None:
    root = _fuzz_root(tmp_path, _fake_cargo_fuzz(list_cmd="echo broken >&2; exit 1", run_cmd="exit 0"))
    r = _fuzz(root)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "cargo fuzz list failed" in r.stderr, r.stderr
    assert "building" not in r.stdout, r.stdout


def test_fuzz_sh_fails_when_a_target_is_not_listed(tmp_path: Path) -> None:
    short = "printf '%s\\n' " + " ".join(FUZZ_TARGETS[1:])
    root = _fuzz_root(tmp_path, _fake_cargo_fuzz(list_cmd=short, run_cmd="exit 0"))
    r = _fuzz(root)
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"not listed: {FUZZ_TARGETS[0]}" in r.stderr, r.stderr


def test_fuzz_sh_fails_when_a_target_does_not_execute(tmp_path: Path) -> None:
    silent = FUZZ_TARGETS[-1]
    run = f'[ "$t" = {silent} ] && exit 0; printf \'{STATS.format(n=7)}\''
    root = _fuzz_root(tmp_path, _fake_cargo_fuzz(list_cmd=_list_all(), run_cmd=run))
    r = _fuzz(root)
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"1 of {len(FUZZ_TARGETS)} targets did not execute: {silent}" in r.stderr, r.stderr
