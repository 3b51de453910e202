"""Every malformed configuration in tests/malformed gets a clear error on the right line.

Each case is a directory with ``main.tf`` and ``expect.json``:

    {"diagnostics": [{"path": "lambda_pools[\"api\"].qualifier", "line": 7,
                      "summary": "Invalid qualifier", "detail": "cannot be set on $LATEST"}]}

The real ``terraform validate -json`` runs with the provider binary; the test asserts
that exactly the expected error diagnostics come back, that each one's range starts on
the expected line of ``main.tf`` (the attribute, map entry or block the path names), that its
summary and a fragment of its detail match, and that no provider process died on the
way (no "Plugin did not respond", no internal-error diagnostic).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from harness.terraform import Terraform, required_providers_block

MALFORMED_DIR = Path(__file__).resolve().parent.parent / "malformed"
CASES = sorted(p.name for p in MALFORMED_DIR.iterdir() if (p / "main.tf").is_file())

# What a crashed or panicking provider looks like from Terraform's side.
CRASH_MARKERS = (
    "Plugin did not respond",
    "plugin exited",
    "provider internal error",
    "panicked at",
    "The plugin encountered an error",
    "rpc error: code = Unavailable",
)


def _names(path: str) -> list[str]:
    """``dynamodb_tables["feeds"].autoscaling.read`` ->
    ``["read", "autoscaling", "feeds", "dynamodb_tables"]``, innermost first (a map
    entry's line is the one with its key)."""
    names: list[str] = []
    for step in path.split("."):
        m = re.fullmatch(r'([a-z_]+)(?:\["([^"]+)"\])?', step)
        assert m, f"not a 1.0 path step: {step!r} in {path!r}"
        names.append(m.group(1))
        if m.group(2):
            names.append(m.group(2))
    return names[::-1]


def test_corpus_is_complete() -> None:
    """At least 15 cases, covering every nested attribute of the resource."""
    assert len(CASES) >= 15, CASES
    blocks = {
        "traffic", "quota_requests", "api_gateway", "lambda_pools", "dynamodb_tables",
        "cache_policy", "dashboard", "global_accelerator", "budget", "timeouts",
    }
    covered = set()
    for case in CASES:
        for d in json.loads((MALFORMED_DIR / case / "expect.json").read_text())["diagnostics"]:
            covered.add(_names(d["path"])[-1])
    assert blocks <= covered, sorted(blocks - covered)


@pytest.mark.acceptance
@pytest.mark.parametrize("case", CASES)
def test_malformed_config_gets_a_diagnostic_on_the_attribute(tmp_path: Path, case: str) -> None:
    source = MALFORMED_DIR / case
    expected: list[dict[str, Any]] = json.loads((source / "expect.json").read_text())["diagnostics"]
    assert expected, f"{case}/expect.json lists no diagnostic"
    config_lines = (source / "main.tf").read_text().splitlines()

    with Terraform(tmp_path / "tf") as tf:
        tf.require_provider()
        (tf.workdir / "versions.tf").write_text(required_providers_block())
        tf.write_config((source / "main.tf").read_text(), with_provider=False)
        result = tf.run("validate", "-json", "-no-color")

    for marker in CRASH_MARKERS:
        assert marker not in result.output, f"{case}: the provider crashed\n{result.output}"
    assert result.rc == 1, f"{case}: validate exited {result.rc}\n{result.output}"
    doc = json.loads(result.stdout)
    assert doc["valid"] is False, doc
    errors = [d for d in doc["diagnostics"] if d["severity"] == "error"]

    unmatched = list(errors)
    for want in expected:
        found = None
        for diag in unmatched:
            rng = diag.get("range") or {}
            if (
                diag["summary"] == want["summary"]
                and want["detail"] in " ".join(diag.get("detail", "").split())
                and rng.get("filename") == "main.tf"
                and rng.get("start", {}).get("line") == want["line"]
            ):
                found = diag
                break
        assert found is not None, (
            f"{case}: no error {want['summary']!r} on main.tf line {want['line']} "
            f"({config_lines[want['line'] - 1].strip()!r}) mentioning {want['detail']!r}; got:\n"
            + json.dumps(errors, indent=2)
        )
        # The line really is the attribute's own line, or its block's when the
        # attribute is missing (names in the path, innermost first).
        line = config_lines[want["line"] - 1]
        names = _names(want["path"])
        assert any(n in line for n in names), (case, names, line)
        unmatched.remove(found)
    assert not unmatched, f"{case}: unexpected errors:\n" + json.dumps(unmatched, indent=2)
