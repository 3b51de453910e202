"""smuppy-validate --live with several profiles sharing the sandbox account: the
account rule ACC001 sums their reserved concurrency with what functions outside
the run reserve, as the account reports it (changed out of band through boto3).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from harness import accounts
from harness import fixtures as fx
from harness.sandbox import REPO_ROOT, Sandbox


def validate_binary() -> Path:
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO_ROOT / "target"))
    path = target / "debug" / "smuppy-validate"
    if not path.is_file():
        pytest.fail(f"{path} not found: build it with `cargo build -p smuppy-validate`")
    return path


def run_live(sb: Sandbox, directory: Path) -> tuple[int, dict[str, Any]]:
    args = [str(validate_binary()), "--format", "json", str(directory), "--live"]
    for key, url in sb.provider_endpoints.items():
        args += ["--endpoint", f"{key}={url}"]
    proc = subprocess.run(args, env=sb.subprocess_env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1), f"exit {proc.returncode}\n{proc.stderr}"
    return proc.returncode, json.loads(proc.stdout)


def acc001(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The ACC001 finding of each profile, by address."""
    out = {}
    for p in doc["profiles"]:
        hits = [f for f in p["findings"] if f["rule_id"] == "ACC001"]
        assert len(hits) <= 1, hits
        if hits:
            out[p["address"]] = hits[0]
    return out


def profiles_tf(functions: list[str]) -> str:
    return "".join(
        f"""
resource "smuppy_scaling_profile" "p{i}" {{
  name = "p{i}"
  lambda_pools = {{
    main = {{
      function_name        = "{name}"
      reserved_concurrency = 400
    }}
  }}
}}
"""
        for i, name in enumerate(functions)
    )


@pytest.mark.acceptance
def test_reservations_of_the_run_and_of_the_account_add_up(
    fresh_sandbox: Sandbox, suffix: str, tmp_path: Path, cleanup: accounts.Cleanup
) -> None:
    sb = fresh_sandbox
    mine = [fx.ensure_function(sb, f"smuppy-acct-{i}-{suffix}").name for i in range(2)]
    other = fx.ensure_function(sb, f"smuppy-acct-other-{suffix}").name
    lam = sb.client("lambda")
    # What this test reserves would leave later tests of the session sandbox
    # 600 short of the account's 1,000.
    for name in (mine[0], other):
        cleanup.add(
            f"release the reserved concurrency of {name}",
            lambda name=name: lam.delete_function_concurrency(FunctionName=name),
        )
    (tmp_path / "main.tf").write_text(profiles_tf(mine))

    # 400 + 400 + 100 unreserved fits the account's 1,000.
    rc, doc = run_live(sb, tmp_path)
    assert acc001(doc) == {}, doc
    assert lam.get_account_settings()["AccountLimit"]["ConcurrentExecutions"] == 1000

    # The run's own functions reserving already (an earlier apply) are not "outside the run".
    lam.put_function_concurrency(FunctionName=mine[0], ReservedConcurrentExecutions=400)
    rc, doc = run_live(sb, tmp_path)
    assert acc001(doc) == {}, doc

    # A function outside the run reserves 200: 800 + 100 + 200 > 1,000, on both profiles.
    lam.put_function_concurrency(FunctionName=other, ReservedConcurrentExecutions=200)
    assert lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == 400
    rc, doc = run_live(sb, tmp_path)
    assert rc == 1
    found = acc001(doc)
    assert set(found) == {"smuppy_scaling_profile.p0", "smuppy_scaling_profile.p1"}, found
    for f in found.values():
        assert f["severity"] == "error"
        assert f["location"] == 'lambda_pools["main"].reserved_concurrency'
        msg = f["message"]
        assert (
            'smuppy_scaling_profile.p0.lambda_pools["main"].reserved_concurrency 400, '
            'smuppy_scaling_profile.p1.lambda_pools["main"].reserved_concurrency 400'
        ) in msg, msg
        assert "≥ 1,100 (800 + 100 unreserved minimum + 200 reserved by functions outside this run)" in msg, msg
        assert "the account has 1,000 (live account settings)" in msg, msg
    # Each profile alone still fits: the per-profile rule stays quiet.
    for p in doc["profiles"]:
        assert "LIM001" not in {f["rule_id"] for f in p["findings"]}, p["findings"]
